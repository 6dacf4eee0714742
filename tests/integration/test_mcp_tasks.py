"""The MCP tasks extension (io.modelcontextprotocol/tasks): a client that declares it gets a long PVE
task as an MCP task it can poll with tasks/get and stop with tasks/cancel (which stops the PVE task);
a client without it keeps the plain waiting behaviour. Spoken in raw JSON-RPC, since the Python SDK
does not implement the extension."""

import asyncio

import pytest

import harness

pytestmark = pytest.mark.anyio

TASKS = {'extensions': {'io.modelcontextprotocol/tasks': {}}}


async def session(pve_env, tmp_path, capabilities):
    raw = await harness.RawServer.start(pve_env.server_env(tier='full'), tmp_path / 'stderr')
    params = {'protocolVersion': '2025-11-25', 'capabilities': capabilities, 'clientInfo': {'name': 'tasks-test', 'version': '1'}}
    answer = await raw.request('initialize', params)
    assert 'result' in answer, answer
    await raw.notify('notifications/initialized')
    listing = await raw.request('tools/list', {})
    return raw, answer['result'], listing['result']['tools']


def slow_start(pve_env, vmid=101, secs=1.5):
    pve_env.pve.time_scale = 1.0
    pve_env.pve.vm(vmid).start_secs = secs


async def poll_until_done(raw, task_id, deadline=15.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while loop.time() < end:
        got = await raw.request('tasks/get', {'taskId': task_id})
        assert 'result' in got, got
        if got['result']['status'] not in ('working', 'input_required'):
            return got['result']
        await asyncio.sleep(0.2)
    raise AssertionError('task {0} did not finish in {1} s'.format(task_id, deadline))


async def test_server_declares_the_tasks_extension(pve_env, tmp_path):
    raw, init, _ = await session(pve_env, tmp_path, TASKS)
    try:
        assert 'io.modelcontextprotocol/tasks' in init['capabilities'].get('extensions', {})
    finally:
        await raw.close()


async def test_a_long_pve_task_becomes_an_mcp_task_that_completes_with_the_exit_status(pve_env, tmp_path):
    slow_start(pve_env)
    raw, _, tools = await session(pve_env, tmp_path, TASKS)
    try:
        start = harness.tool_for_raw(tools, 'POST', '/nodes/{node}/qemu/{vmid}/status/start')
        answer = await raw.request('tools/call', {'name': start['name'], 'arguments': {'node': pve_env.node, 'vmid': 101}})
        created = answer['result']
        assert created.get('resultType') == 'task' and created['status'] == 'working', created
        done = await poll_until_done(raw, created['taskId'])
        assert done['status'] == 'completed', done
        assert 'exitstatus' in str(done) and 'OK' in str(done), done
        assert pve_env.pve.vm(101).status == 'running'
    finally:
        await raw.close()


async def test_cancelling_the_mcp_task_stops_the_pve_task(pve_env, tmp_path):
    slow_start(pve_env, secs=5.0)
    raw, _, tools = await session(pve_env, tmp_path, TASKS)
    try:
        start = harness.tool_for_raw(tools, 'POST', '/nodes/{node}/qemu/{vmid}/status/start')
        answer = await raw.request('tools/call', {'name': start['name'], 'arguments': {'node': pve_env.node, 'vmid': 101}})
        task_id = answer['result']['taskId']
        before = pve_env.request_count()
        cancelled = await raw.request('tasks/cancel', {'taskId': task_id})
        assert 'result' in cancelled, cancelled
        done = await poll_until_done(raw, task_id)
        assert done['status'] == 'cancelled', done
        stops = [r for r in pve_env.requests_since(before) if r[0] == 'DELETE' and '/tasks/' in r[1]]
        assert stops, 'no DELETE /nodes/{node}/tasks/{upid} was sent to stop the PVE task'
    finally:
        await raw.close()


async def test_a_client_without_the_extension_keeps_plain_waiting(pve_env, tmp_path):
    slow_start(pve_env, secs=0.5)
    raw, _, tools = await session(pve_env, tmp_path, {})
    try:
        start = harness.tool_for_raw(tools, 'POST', '/nodes/{node}/qemu/{vmid}/status/start')
        answer = await raw.request('tools/call', {'name': start['name'], 'arguments': {'node': pve_env.node, 'vmid': 101}})
        result = answer['result']
        assert result.get('resultType') != 'task'
        assert result['structuredContent']['task']['exitstatus'] == 'OK', result
    finally:
        await raw.close()


async def test_wait_false_returns_the_upid_even_with_the_extension(pve_env, tmp_path):
    slow_start(pve_env)
    raw, _, tools = await session(pve_env, tmp_path, TASKS)
    try:
        start = harness.tool_for_raw(tools, 'POST', '/nodes/{node}/qemu/{vmid}/status/start')
        answer = await raw.request('tools/call', {'name': start['name'], 'arguments': {'node': pve_env.node, 'vmid': 101, 'wait': False}})
        assert answer['result']['structuredContent']['data'].startswith('UPID:'), answer
    finally:
        await raw.close()
