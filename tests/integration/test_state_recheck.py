"""State handed out is authority for what it names, never for access (issue 31): a task id, an
input-required confirmation state or a plan id minted at the full tier is judged, where it comes back,
by the access of the process serving it now. Presented to the same stdio server restarted with lower
settings, or to a replica sharing the state key with lower access, it is refused and nothing is sent to
PVE (fakepve's `pve.requests`)."""

import contextlib
import secrets

import pytest

import harness
from harness import error_text
from http_harness import http_server, new_token, token_file
from test_code_mode import code_env, ran, run, snapshot_program, writes_since
from test_replicas import ACCEPTED, ELICIT, TASKS, call, meta, rpc, slow_start, start_task, tool

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]

VM = '/nodes/{node}/qemu/{vmid}'
START = '/nodes/{node}/qemu/{vmid}/status/start'


# ------------------------------------------------------------------ stdio restarted with lower settings

@contextlib.asynccontextmanager
async def stdio(settings, stderr_path):
    raw = await harness.RawServer.start(settings, stderr_path)
    try:
        yield raw
    finally:
        await raw.close()


async def stdio_call(raw, name, arguments, capabilities, **extra):
    params = {'name': name, 'arguments': arguments, '_meta': meta(capabilities), **extra}
    answer = await raw.request('tools/call', params)
    assert 'result' in answer, answer
    return answer['result']


async def stdio_tool(raw, method, path, capabilities):
    listing = (await raw.request('tools/list', {'_meta': meta(capabilities)}))['result']['tools']
    return harness.tool_for_raw(listing, method, path)['name']


async def test_a_task_id_from_a_full_tier_run_is_refused_after_a_read_only_restart(pve_env, tmp_path):
    slow_start(pve_env, 5.0)
    key = secrets.token_hex(32)
    async with stdio(pve_env.server_env(tier='full', PVE_MCP_STATE_KEY=key), tmp_path / 'full.stderr') as raw:
        start = await stdio_tool(raw, 'POST', START, TASKS)
        created = await stdio_call(raw, start, {'node': pve_env.node, 'vmid': 101}, TASKS)
        assert created.get('resultType') == 'task', created
    async with stdio(pve_env.server_env(tier='read-only', PVE_MCP_STATE_KEY=key), tmp_path / 'ro.stderr') as raw:
        before = pve_env.request_count()
        for method in ('tasks/get', 'tasks/cancel'):
            got = await raw.request(method, {'taskId': created['taskId'], '_meta': meta(TASKS)})
            assert 'error' in got and 'refused' in got['error']['message'], (method, got)
        assert pve_env.requests_since(before) == []


async def test_a_confirmation_state_from_a_full_tier_run_is_refused_after_a_read_only_restart(pve_env, tmp_path):
    key = secrets.token_hex(32)
    args = {'node': pve_env.node, 'vmid': 101}
    async with stdio(pve_env.server_env(tier='full', PVE_MCP_STATE_KEY=key), tmp_path / 'full.stderr') as raw:
        delete = await stdio_tool(raw, 'DELETE', VM, ELICIT)
        asked = await stdio_call(raw, delete, args, ELICIT)
        assert asked.get('resultType') == 'input_required', asked
    async with stdio(pve_env.server_env(tier='read-only', PVE_MCP_STATE_KEY=key), tmp_path / 'ro.stderr') as raw:
        before = pve_env.request_count()
        answer = await stdio_call(raw, delete, args, ELICIT, inputResponses=ACCEPTED,
                                  requestState=asked['requestState'])
        assert answer.get('isError') and 'read-only' in str(answer), answer
        assert pve_env.requests_since(before) == []
    assert pve_env.pve.vm(101) is not None


async def test_a_plan_id_from_a_full_tier_run_is_refused_after_a_read_only_restart(
        pve_env, start_server, tools_doc):
    key = secrets.token_hex(32)
    async with start_server(code_env(pve_env, tier='full', PVE_MCP_STATE_KEY=key)) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
    async with start_server(code_env(pve_env, tier='read-only', PVE_MCP_STATE_KEY=key)) as srv:
        before = pve_env.request_count()
        text = error_text(await run(srv, snapshot_program(tools_doc), approve=dry['plan_id']))
    assert 'read-only' in text, text
    assert writes_since(pve_env, before) == []


# ------------------------------------------------------------------ a replica with lower access

@contextlib.asynccontextmanager
async def lower_replica(pve_env, tmp_path, **lower):
    """Two servers with one state key and one caller (alice): the first at the full tier, the second
    with `lower` settings."""
    alice = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice}])
    key = secrets.token_hex(32)
    common = {'PVE_MCP_HTTP_TOKENS': str(tokens), 'PVE_MCP_STATE_KEY': key}
    full = pve_env.server_env(tier='full', **common)
    low = pve_env.server_env(**{'tier': 'full', **common, **lower})
    async with http_server(full, tmp_path / 'a.stderr') as a, http_server(low, tmp_path / 'b.stderr') as b:
        yield a.url, b.url, alice


@pytest.mark.parametrize('lower', [{'tier': 'read-only'}, {'PVE_VMID_ALLOWLIST': '100'}],
                         ids=['read-only replica', 'replica fenced to another guest'])
async def test_a_task_id_is_refused_by_a_replica_with_lower_access(pve_env, tmp_path, lower):
    slow_start(pve_env, 5.0)
    async with lower_replica(pve_env, tmp_path, **lower) as (a, b, alice):
        task_id = await start_task(pve_env, a, alice)
        before = pve_env.request_count()
        for method in ('tasks/get', 'tasks/cancel'):
            got = await rpc(b, alice, method, {'taskId': task_id}, TASKS)
            assert 'error' in got and 'refused' in got['error']['message'], (method, got)
        assert pve_env.requests_since(before) == []
        own = await rpc(a, alice, 'tasks/get', {'taskId': task_id}, TASKS)
        assert 'result' in own, own


@pytest.mark.parametrize('lower', [{'tier': 'read-only'}, {'PVE_VMID_ALLOWLIST': '100'}],
                         ids=['read-only replica', 'replica fenced to another guest'])
async def test_a_confirmation_state_is_refused_by_a_replica_with_lower_access(pve_env, tmp_path, lower):
    async with lower_replica(pve_env, tmp_path, **lower) as (a, b, alice):
        delete = await tool(a, alice, 'DELETE', VM)
        args = {'node': pve_env.node, 'vmid': 101}
        asked = await call(a, alice, delete, args, ELICIT)
        assert asked['result'].get('resultType') == 'input_required', asked
        before = pve_env.request_count()
        answer = await call(b, alice, delete, args, ELICIT, inputResponses=ACCEPTED,
                            requestState=asked['result']['requestState'])
        assert answer['result'].get('isError'), answer
        assert pve_env.requests_since(before) == []
    assert pve_env.pve.vm(101) is not None
