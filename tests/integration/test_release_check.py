"""On first use the server reads the cluster's /version in the background and says, once, which
vendored PVE release it serves the cluster as (the test fakepve reports 9.2)."""

import asyncio

import pytest

import harness

pytestmark = pytest.mark.anyio


async def test_the_clusters_release_is_learned_once_and_the_schema_it_is_served_as_named(pve_env, tmp_path):
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
    running = str(version.get('release') or version['version'])
    log = stderr.read_text()
    lines = [line for line in log.splitlines() if 'runs Proxmox VE' in line]
    assert answer['result']['serverInfo']['name'] == 'pve-mcp'
    assert len(lines) == 1, log
    assert running in lines[0] and 'served as PVE' in lines[0], lines[0]
