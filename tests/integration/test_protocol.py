"""The MCP handshake: with the official SDK client, and in raw JSON-RPC for each protocol version,
checking that stdout carries nothing but JSON-RPC."""

import pytest

import harness

pytestmark = pytest.mark.anyio

# Revisions negotiated with `initialize` (2026-07-28 replaced it with server/discover and per-request _meta).
HANDSHAKE_VERSIONS = ('2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25')


async def test_initialize_names_the_server_and_offers_tools(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        assert srv.init.server_info.name == 'pve-mcp'
        assert srv.init.server_info.version
        assert srv.init.capabilities.tools is not None
        assert srv.init.protocol_version in HANDSHAKE_VERSIONS


async def open_raw(pve_env, tmp_path, name):
    return await harness.RawServer.start(pve_env.server_env(), tmp_path / name)


async def handshake_then_list(raw, version):
    """initialize at `version`, notifications/initialized, tools/list: the negotiated version."""
    answer = await raw.request('initialize', harness.initialize_request(0, version)['params'])
    assert 'result' in answer, 'initialize at {0} failed: {1}'.format(version, answer)
    result = answer['result']
    assert result['serverInfo']['name'] == 'pve-mcp'
    assert 'tools' in result['capabilities']
    await raw.notify('notifications/initialized')
    listing = await raw.request('tools/list', {})
    assert 'result' in listing, 'tools/list after initialize at {0} failed: {1}'.format(version, listing)
    assert listing['result']['tools'], 'tools/list is empty'
    assert not listing['result'].get('nextCursor')
    return result['protocolVersion'], listing['result']['tools']


@pytest.mark.parametrize('version', ['2025-06-18', '2025-11-25'])
async def test_supported_protocol_version_is_echoed(pve_env, tmp_path, version):
    raw = await open_raw(pve_env, tmp_path, 'stderr')
    try:
        negotiated, tools = await handshake_then_list(raw, version)
        assert negotiated == version
        # A tool call works on this version too.
        nodes = harness.tool_for_raw(tools, 'GET', '/nodes')
        answer = await raw.request('tools/call', {'name': nodes['name'], 'arguments': {}})
        assert 'result' in answer and not answer['result'].get('isError'), answer
        assert answer['result']['structuredContent']['data'][0]['node'] == pve_env.node
    finally:
        await raw.close()


@pytest.mark.parametrize('version', ['2026-07-28', '1999-01-01', '2099-12-31'])
async def test_other_protocol_version_gets_a_supported_one(pve_env, tmp_path, version):
    """2026-07-28 has no initialize handshake, and the others are unknown: the server answers with a
    handshake version it supports, and the session then works."""
    raw = await open_raw(pve_env, tmp_path, 'stderr')
    try:
        negotiated, _ = await handshake_then_list(raw, version)
        assert negotiated in HANDSHAKE_VERSIONS
    finally:
        await raw.close()


async def test_stdout_carries_only_json_rpc_and_server_exits_when_stdin_closes(pve_env, tmp_path):
    raw = await open_raw(pve_env, tmp_path, 'stderr')
    try:
        await handshake_then_list(raw, '2025-11-25')
        # A failing call too: errors must not leak onto stdout as plain text either.
        await raw.request('tools/call', {'name': 'no_such_tool_at_all', 'arguments': {}})
    finally:
        code = await raw.close()
    assert code == 0, 'pve-mcp should exit 0 once stdin closes, got {0}'.format(code)
    assert raw.lines, 'nothing came on stdout'
    # Every line was parsed as JSON-RPC by RawServer.read_message; none was anything else.
    assert len(raw.lines) == len(raw.messages)

