"""Protocol 2026-07-28 (no initialize; protocol version and client capabilities in each request's
_meta), spoken in raw JSON-RPC: a tool call works, and a destructive call is confirmed through an
input-required result whose state stays on the server."""

import pytest

import harness

pytestmark = pytest.mark.anyio

VERSION = '2026-07-28'


def meta(capabilities):
    return {'io.modelcontextprotocol/protocolVersion': VERSION,
            'io.modelcontextprotocol/clientCapabilities': capabilities,
            'io.modelcontextprotocol/clientInfo': {'name': 'raw-2026', 'version': '1'}}


async def call(raw, name, arguments, capabilities, **extra):
    params = {'name': name, 'arguments': arguments, '_meta': meta(capabilities), **extra}
    return await raw.request('tools/call', params)


async def open_raw(pve_env, tmp_path):
    return await harness.RawServer.start(pve_env.server_env(tier='full'), tmp_path / 'stderr')


async def tools(raw):
    answer = await raw.request('tools/list', {'_meta': meta({})})
    assert 'result' in answer, answer
    return answer['result']['tools']


async def test_a_read_works_without_initialize(pve_env, tmp_path):
    raw = await open_raw(pve_env, tmp_path)
    try:
        listing = await tools(raw)
        nodes = harness.tool_for_raw(listing, 'GET', '/nodes')
        answer = await call(raw, nodes['name'], {}, {})
        assert answer['result']['structuredContent']['data'][0]['node'] == pve_env.node, answer
    finally:
        await raw.close()


async def test_a_gated_delete_asks_through_an_input_required_result_and_proceeds_when_accepted(pve_env, tmp_path):
    raw = await open_raw(pve_env, tmp_path)
    try:
        delete = harness.tool_for_raw(await tools(raw), 'DELETE', '/nodes/{node}/qemu/{vmid}')
        args = {'node': pve_env.node, 'vmid': 101}
        before = pve_env.request_count()
        first = await call(raw, delete['name'], args, {'elicitation': {}})
        result = first['result']
        assert result.get('resultType') == 'input_required', first
        assert 'confirm' in result['inputRequests'] and result.get('requestState'), result
        writes = [m for m, _, _ in pve_env.requests_since(before) if m != 'GET']
        assert writes == [], 'nothing but reads of the live target may be sent before the answer'
        assert pve_env.pve.vm(101) is not None
        accepted = {'confirm': {'action': 'accept', 'content': {'confirm': True}}}
        second = await call(raw, delete['name'], args, {'elicitation': {}},
                            inputResponses=accepted, requestState=result['requestState'])
        assert not second['result'].get('isError'), second
        assert pve_env.pve.vm(101) is None
    finally:
        await raw.close()


async def test_a_declined_input_required_confirmation_sends_nothing(pve_env, tmp_path):
    raw = await open_raw(pve_env, tmp_path)
    try:
        delete = harness.tool_for_raw(await tools(raw), 'DELETE', '/nodes/{node}/qemu/{vmid}')
        args = {'node': pve_env.node, 'vmid': 101}
        first = await call(raw, delete['name'], args, {'elicitation': {}})
        state = first['result']['requestState']
        before = pve_env.request_count()
        declined = {'confirm': {'action': 'decline'}}
        second = await call(raw, delete['name'], args, {'elicitation': {}}, inputResponses=declined, requestState=state)
        assert second['result'].get('isError') and 'did not confirm' in str(second['result']), second
        assert pve_env.request_count() == before
        assert pve_env.pve.vm(101) is not None
    finally:
        await raw.close()


async def test_a_request_state_cannot_confirm_other_arguments(pve_env, tmp_path):
    raw = await open_raw(pve_env, tmp_path)
    try:
        delete = harness.tool_for_raw(await tools(raw), 'DELETE', '/nodes/{node}/qemu/{vmid}')
        first = await call(raw, delete['name'], {'node': pve_env.node, 'vmid': 101}, {'elicitation': {}})
        state = first['result']['requestState']
        before = pve_env.request_count()
        accepted = {'confirm': {'action': 'accept', 'content': {'confirm': True}}}
        second = await call(raw, delete['name'], {'node': pve_env.node, 'vmid': 100}, {'elicitation': {}},
                            inputResponses=accepted, requestState=state)
        assert second['result'].get('isError'), second
        assert pve_env.request_count() == before
        assert pve_env.pve.vm(100) is not None
    finally:
        await raw.close()
