"""On first use the server reads the cluster's /version and warns, once, when its major.minor differs
from the release the tools were generated from (fakepve reports PVE 9.0; the schema is 9.2)."""

import asyncio

import pytest

import harness

pytestmark = pytest.mark.anyio


async def test_a_different_cluster_release_is_warned_about_once_naming_both(pve_env, tmp_path):
    stderr = tmp_path / 'stderr'
    raw = await harness.RawServer.start(pve_env.server_env(), stderr)
    try:
        answer = await raw.request('initialize', harness.initialize_request(0, '2025-11-25')['params'])
        await raw.notify('notifications/initialized')
        tools = (await raw.request('tools/list', {}))['result']['tools']
        nodes = harness.tool_for_raw(tools, 'GET', '/nodes')
        for _ in range(2):
            await raw.request('tools/call', {'name': nodes['name'], 'arguments': {}})
        await asyncio.sleep(0.5)
    finally:
        await raw.close()
    version = await pve_env.get('/version')
    running = '.'.join(str(version.get('release') or version['version']).split('.')[:2])
    log = stderr.read_text()
    warnings = [line for line in log.splitlines() if 'generated from the PVE' in line]
    assert answer['result']['serverInfo']['name'] == 'pve-mcp'
    if running == '9.2':
        assert not warnings, log
    else:
        assert len(warnings) == 1, log
        assert running in warnings[0] and '9.2' in warnings[0] and 'pve-codegen import' in warnings[0]
