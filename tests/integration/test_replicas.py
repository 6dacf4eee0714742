"""Several replicas behind a load balancer without sticky sessions: two pve-mcp processes with the same
PVE_MCP_STATE_KEY, and 2026-07-28 requests (no session: protocol version and client capabilities in
each request's _meta) alternating between them. A confirmation asked on one is confirmed on the other;
an MCP task started on one is followed and cancelled on the other; a state handle altered by one byte,
replayed for other arguments or by another caller, or sealed with another key is refused."""

import contextlib
import itertools
import secrets

import httpx2
import pytest

import harness
from http_harness import MCP_ACCEPT, headers_for, http_server, new_token, sse_messages, token_file

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]

VERSION = '2026-07-28'
ELICIT = {'elicitation': {}}
TASKS = {'extensions': {'io.modelcontextprotocol/tasks': {}}}
ACCEPTED = {'confirm': {'action': 'accept', 'content': {'confirm': True}}}
ids = itertools.count(1)


def meta(capabilities):
    return {'io.modelcontextprotocol/protocolVersion': VERSION,
            'io.modelcontextprotocol/clientCapabilities': capabilities,
            'io.modelcontextprotocol/clientInfo': {'name': 'replica-test', 'version': '1'}}


async def rpc(url, token, method, params, capabilities=None):
    """One stateless 2026-07-28 JSON-RPC request; its JSON-RPC answer."""
    body = {'jsonrpc': '2.0', 'id': next(ids), 'method': method,
            'params': {**params, '_meta': meta(capabilities or {})}}
    headers = {**MCP_ACCEPT, **headers_for(token), 'MCP-Protocol-Version': VERSION, 'Mcp-Method': method}
    if method == 'tools/call':
        headers['Mcp-Name'] = params['name']
    elif method.startswith('tasks/'):
        headers['Mcp-Name'] = params['taskId']
    async with httpx2.AsyncClient(timeout=harness.REQUEST_TIMEOUT) as client:
        answer = await client.post(url, json=body, headers=headers)
    assert answer.status_code in (200, 400), (answer.status_code, answer.text)
    if answer.headers.get('content-type', '').startswith('text/event-stream'):
        messages = [m for m in sse_messages(answer.text) if m.get('id') == body['id']]
        assert messages, answer.text
        return messages[-1]
    return answer.json()


async def call(url, token, name, arguments, capabilities, **extra):
    return await rpc(url, token, 'tools/call', {'name': name, 'arguments': arguments, **extra}, capabilities)


@contextlib.asynccontextmanager
async def replicas(pve_env, tmp_path, keys=None):
    """Two servers with the same state key (or `keys`), the same callers (alice and bob, full tier)."""
    alice, bob = new_token(), new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice},
                                                     {'name': 'bob', 'token': bob}])
    shared = secrets.token_hex(32)
    keys = keys or (shared, shared)
    env = [pve_env.server_env(tier='full', PVE_MCP_HTTP_TOKENS=str(tokens), PVE_MCP_STATE_KEY=k) for k in keys]
    async with http_server(env[0], tmp_path / 'a.stderr') as a, http_server(env[1], tmp_path / 'b.stderr') as b:
        yield a.url, b.url, alice, bob


async def tool(url, token, method, path):
    answer = await rpc(url, token, 'tools/list', {})
    return harness.tool_for_raw(answer['result']['tools'], method, path)['name']


async def ask_delete(pve_env, a, alice):
    delete = await tool(a, alice, 'DELETE', '/nodes/{node}/qemu/{vmid}')
    args = {'node': pve_env.node, 'vmid': 101}
    first = await call(a, alice, delete, args, ELICIT)
    assert first['result'].get('resultType') == 'input_required', first
    return delete, args, first['result']['requestState']


async def test_a_gated_delete_asked_on_one_replica_is_confirmed_on_the_other(pve_env, tmp_path):
    async with replicas(pve_env, tmp_path) as (a, b, alice, _):
        delete, args, state = await ask_delete(pve_env, a, alice)
        assert pve_env.pve.vm(101) is not None
        second = await call(b, alice, delete, args, ELICIT, inputResponses=ACCEPTED, requestState=state)
        assert not second['result'].get('isError'), second
        assert pve_env.pve.vm(101) is None


def one_byte_altered(state: str) -> list[str]:
    """The state with one character changed, in its payload and in its tag."""
    out = []
    for i in (len(state) // 3, len(state) - 5):
        c = 'A' if state[i] != 'A' else 'B'
        out.append(state[:i] + c + state[i + 1:])
    return out


async def test_an_altered_state_handle_is_refused_and_nothing_is_sent(pve_env, tmp_path):
    async with replicas(pve_env, tmp_path) as (a, b, alice, _):
        delete, args, state = await ask_delete(pve_env, a, alice)
        before = pve_env.request_count()
        for altered in one_byte_altered(state):
            answer = await call(b, alice, delete, args, ELICIT, inputResponses=ACCEPTED, requestState=altered)
            assert answer['result'].get('isError') and 'requestState' in str(answer), answer
        assert pve_env.requests_since(before) == []
        assert pve_env.pve.vm(101) is not None


async def test_a_state_replayed_for_other_arguments_is_refused(pve_env, tmp_path):
    async with replicas(pve_env, tmp_path) as (a, b, alice, _):
        delete, args, state = await ask_delete(pve_env, a, alice)
        before = pve_env.request_count()
        other = {**args, 'vmid': 100}
        answer = await call(b, alice, delete, other, ELICIT, inputResponses=ACCEPTED, requestState=state)
        assert answer['result'].get('isError') and 'another call' in str(answer), answer
        assert pve_env.requests_since(before) == []
        assert pve_env.pve.vm(100) is not None


async def test_a_state_replayed_by_another_caller_is_refused(pve_env, tmp_path):
    async with replicas(pve_env, tmp_path) as (a, b, alice, bob):
        delete, args, state = await ask_delete(pve_env, a, alice)
        before = pve_env.request_count()
        answer = await call(b, bob, delete, args, ELICIT, inputResponses=ACCEPTED, requestState=state)
        assert answer['result'].get('isError') and 'another caller' in str(answer), answer
        assert pve_env.requests_since(before) == []
        assert pve_env.pve.vm(101) is not None


async def test_a_state_from_a_replica_with_another_key_is_refused(pve_env, tmp_path):
    async with replicas(pve_env, tmp_path, keys=(secrets.token_hex(32), secrets.token_hex(32))) as (a, b, alice, _):
        delete, args, state = await ask_delete(pve_env, a, alice)
        answer = await call(b, alice, delete, args, ELICIT, inputResponses=ACCEPTED, requestState=state)
        assert answer['result'].get('isError'), answer
        assert pve_env.pve.vm(101) is not None


def slow_start(pve_env, secs):
    pve_env.pve.time_scale = 1.0
    pve_env.pve.vm(101).start_secs = secs


async def start_task(pve_env, url, token):
    start = await tool(url, token, 'POST', '/nodes/{node}/qemu/{vmid}/status/start')
    answer = await call(url, token, start, {'node': pve_env.node, 'vmid': 101}, TASKS)
    created = answer['result']
    assert created.get('resultType') == 'task' and created['status'] == 'working', answer
    return created['taskId']


async def test_a_task_started_on_one_replica_is_followed_on_the_other_until_it_completes(pve_env, tmp_path):
    import asyncio
    slow_start(pve_env, 1.0)
    async with replicas(pve_env, tmp_path) as (a, b, alice, _):
        task_id = await start_task(pve_env, a, alice)
        for _ in range(50):
            got = await rpc(b, alice, 'tasks/get', {'taskId': task_id}, TASKS)
            assert 'result' in got, got
            if got['result']['status'] != 'working':
                break
            await asyncio.sleep(0.2)
        assert got['result']['status'] == 'completed', got
        assert 'OK' in str(got['result']['result']), got
        assert pve_env.pve.vm(101).status == 'running'


async def test_a_task_started_on_one_replica_is_cancelled_on_the_other(pve_env, tmp_path):
    slow_start(pve_env, 5.0)
    async with replicas(pve_env, tmp_path) as (a, b, alice, _):
        task_id = await start_task(pve_env, a, alice)
        working = await rpc(b, alice, 'tasks/get', {'taskId': task_id}, TASKS)
        assert working['result']['status'] == 'working', working
        before = pve_env.request_count()
        cancelled = await rpc(b, alice, 'tasks/cancel', {'taskId': task_id}, TASKS)
        assert 'result' in cancelled, cancelled
        stops = [r for r in pve_env.requests_since(before) if r[0] == 'DELETE' and '/tasks/' in r[1]]
        assert stops, 'no DELETE /nodes/{node}/tasks/{upid} was sent to stop the PVE task'
        got = await rpc(b, alice, 'tasks/get', {'taskId': task_id}, TASKS)
        assert got['result']['status'] == 'cancelled', got


async def test_a_task_id_is_refused_to_another_caller_or_when_altered(pve_env, tmp_path):
    slow_start(pve_env, 5.0)
    async with replicas(pve_env, tmp_path) as (a, b, alice, bob):
        task_id = await start_task(pve_env, a, alice)
        before = pve_env.request_count()
        for token, tid in [(bob, task_id)] + [(alice, t) for t in one_byte_altered(task_id)]:
            for method in ('tasks/get', 'tasks/cancel'):
                got = await rpc(b, token, method, {'taskId': tid}, TASKS)
                assert 'error' in got and got['error']['code'] == -32602, (method, got)
        assert [r for r in pve_env.requests_since(before) if r[0] == 'DELETE'] == []
