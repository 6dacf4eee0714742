"""The Streamable HTTP transport (PVE_MCP_HTTP): MCP over HTTP with the official SDK client, bearer tokens
with their own access, the audit log naming the caller, and the guards in front of rmcp: Origin (403),
body size (413), a bare 401 for a missing or wrong token, a non-loopback bind refused without tokens,
and `busy` (429) for a caller with too many requests in flight."""

import asyncio
import json

import pytest
from mcp.shared.exceptions import MCPError

import harness
from harness import META_METHOD, META_PATH, ok_data
from http_harness import (http_server, http_session, initialize_body, new_token, raw_post, sse_messages,
                          token_file)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

DIRECT = {'PVE_TOOL_MODE': 'direct'}


def find(tools, method, path):
    return harness.tool_for(tools, method, path)


async def test_initialize_list_and_call_over_http(pve_env, tmp_path):
    alice = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice}])
    settings = pve_env.server_env(tier='read-only', PVE_MCP_HTTP_TOKENS=str(tokens), **DIRECT)
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        async with http_session(srv.url, alice) as (session, tools):
            assert tools, 'tools/list over HTTP is empty'
            assert session.initialize_result.server_info.name == 'pve-mcp'
            result = await session.call_tool(find(tools, 'GET', '/nodes').name, {})
            assert ok_data(result)[0]['node'] == pve_env.node


async def test_missing_or_wrong_token_is_a_bare_401(pve_env, tmp_path):
    alice = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice}])
    settings = pve_env.server_env(PVE_MCP_HTTP_TOKENS=str(tokens))
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        before = pve_env.request_count()
        for headers in ({}, {'Authorization': 'Bearer ' + alice[:-1] + 'x'}, {'Authorization': 'Bearer x'},
                        {'Authorization': 'Basic ' + alice}, {'Authorization': alice}):
            answer = await raw_post(srv.url, initialize_body(), **headers)
            assert answer.status_code == 401, (headers, answer.status_code, answer.text)
            assert answer.content == b'', 'a 401 must reveal nothing: {0!r}'.format(answer.text)
        good = await raw_post(srv.url, initialize_body(), token=alice)
        assert good.status_code == 200, good.text
        assert pve_env.requests_since(before) == []
        assert alice not in srv.stderr()


async def test_tokens_with_different_tiers_see_different_tools(pve_env, tmp_path, expected_counts):
    reader, admin = new_token(), new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [
        {'name': 'reader', 'token': reader, 'tier': 'read-only'},
        # Asks for more than the server offers: capped at read-execute.
        {'name': 'admin', 'token': admin, 'tier': 'full'},
    ])
    settings = pve_env.server_env(tier='read-execute', PVE_MCP_HTTP_TOKENS=str(tokens), **DIRECT)
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        async with http_session(srv.url, reader) as (_, reader_tools):
            pass
        async with http_session(srv.url, admin) as (session, admin_tools):
            stop = find(admin_tools, 'POST', '/nodes/{node}/qemu/{vmid}/status/stop')
            assert stop
        assert len(reader_tools) == expected_counts['read-only']
        assert len(admin_tools) == expected_counts['read-execute'], 'a token must never exceed the server tier'
        assert all(harness.meta(t)[META_METHOD] == 'GET' for t in reader_tools)
        # The reader cannot call what it cannot see, even by name.
        async with http_session(srv.url, reader, list_tools=False) as (session, _):
            before = pve_env.request_count()
            try:
                result = await session.call_tool(stop.name, {'node': pve_env.node, 'vmid': 100})
                assert result.is_error
            except MCPError:
                pass
            assert pve_env.requests_since(before) == []


async def test_audit_log_names_the_caller(pve_env, tmp_path):
    ops = new_token()
    audit = tmp_path / 'audit.log'
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'ops-team', 'token': ops, 'vmid_allowlist': '100'}])
    settings = pve_env.server_env(tier='read-execute', PVE_MCP_HTTP_TOKENS=str(tokens), PVE_AUDIT_LOG=str(audit),
                                  **DIRECT)
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        async with http_session(srv.url, ops) as (session, tools):
            start = find(tools, 'POST', '/nodes/{node}/qemu/{vmid}/status/start')
            result = await session.call_tool(start.name, {'node': pve_env.node, 'vmid': 101})
            # 101 is outside the token's own allowlist: refused, and audited as refused.
            assert result.is_error
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert lines, 'nothing in the audit log'
    assert all(line.get('caller') == 'ops-team' for line in lines), lines
    assert any(line['outcome'] == 'refused' and line['arguments'].get('vmid') == 101 for line in lines), lines
    assert ops not in audit.read_text()


async def test_foreign_browser_origin_is_403(pve_env, tmp_path):
    alice = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice}])
    settings = pve_env.server_env(PVE_MCP_HTTP_TOKENS=str(tokens),
                                  PVE_MCP_HTTP_ALLOWED_ORIGINS='https://app.example.com')
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        for origin in ('http://evil.example', 'null', 'http://app.example.com', 'https://localhost.evil.example'):
            answer = await raw_post(srv.url, initialize_body(), token=alice, Origin=origin)
            assert answer.status_code == 403, (origin, answer.status_code)
        for origin in ('https://app.example.com', 'http://localhost:5173', 'http://127.0.0.1:8000'):
            answer = await raw_post(srv.url, initialize_body(), token=alice, Origin=origin)
            assert answer.status_code == 200, (origin, answer.status_code, answer.text)


async def test_foreign_host_header_is_refused_on_loopback(pve_env, tmp_path):
    """DNS rebinding: a loopback endpoint answers only to loopback host names."""
    async with http_server(pve_env.server_env(), tmp_path / 'http.stderr') as srv:
        answer = await raw_post(srv.url, initialize_body(), Host='evil.example')
        assert answer.status_code == 403, (answer.status_code, answer.text)


async def test_body_over_the_limit_is_413(pve_env, tmp_path):
    alice = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice}])
    settings = pve_env.server_env(PVE_MCP_HTTP_TOKENS=str(tokens), PVE_MCP_HTTP_MAX_BODY=str(64 * 1024))
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        big = initialize_body()
        big['params']['clientInfo']['name'] = 'x' * (100 * 1024)
        answer = await raw_post(srv.url, big, token=alice)
        assert answer.status_code == 413, answer.status_code
        # Chunked, without Content-Length: counted while it arrives.
        import httpx2

        async def chunks():
            data = json.dumps(big).encode()
            for i in range(0, len(data), 8192):
                yield data[i:i + 8192]
        async with httpx2.AsyncClient(timeout=harness.REQUEST_TIMEOUT) as client:
            try:
                answer = await client.post(srv.url, content=chunks(), headers={
                    'Accept': 'application/json, text/event-stream', 'Content-Type': 'application/json',
                    'Authorization': 'Bearer ' + alice})
                assert answer.status_code == 413, answer.status_code
            except (httpx2.ReadError, httpx2.WriteError, httpx2.RemoteProtocolError):
                # The server answered 413 and closed the connection while the client was still sending.
                pass
        # Still serving.
        assert (await raw_post(srv.url, initialize_body(), token=alice)).status_code == 200


async def test_non_loopback_bind_without_tokens_refuses_to_start(pve_env, tmp_path):
    settings = {**pve_env.server_env(), 'PVE_MCP_HTTP': '0.0.0.0:0'}
    done = await asyncio.create_subprocess_exec(
        str(harness.binary()), env={**harness.base_env(), **settings}, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(done.communicate(), harness.EXIT_TIMEOUT)
    assert done.returncode != 0
    lines = [line for line in err.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and 'PVE_MCP_HTTP_TOKENS' in lines[0], lines
    assert out == b''


async def test_too_many_calls_in_flight_are_busy_at_once(pve_env, tmp_path):
    alice = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice, 'max_concurrent': 2}])
    settings = pve_env.server_env(PVE_MCP_HTTP_TOKENS=str(tokens), **DIRECT)
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        async with http_session(srv.url, alice) as (session, tools):
            nodes = find(tools, 'GET', '/nodes').name
            # Latency is in PVE seconds, scaled by time_scale (0 = none).
            pve_env.pve.time_scale = 1.0
            pve_env.pve.slow_network(1.5)
            loop = asyncio.get_running_loop()
            started = loop.time()

            async def one():
                try:
                    result = await session.call_tool(nodes, {})
                    return ('ok', ok_data(result), loop.time() - started)
                except MCPError as exc:
                    return ('error', exc.message, loop.time() - started)
            outcomes = await asyncio.gather(*(one() for _ in range(6)))
            pve_env.pve.slow_network(0)
            pve_env.pve.time_scale = 0.0
        busy = [o for o in outcomes if o[0] == 'error']
        done = [o for o in outcomes if o[0] == 'ok']
        assert len(done) >= 2, outcomes
        assert all(o[2] >= 1.4 for o in done), 'the calls that ran waited for the slow PVE: {0}'.format(outcomes)
        assert busy, 'six calls with max_concurrent 2 must see a busy answer: {0}'.format(outcomes)
        for _, message, elapsed in busy:
            assert 'busy' in message, message
            assert elapsed < 1.0, 'busy must be answered at once, not after {0:.1f} s'.format(elapsed)


async def test_open_loopback_endpoint_and_raw_sse(pve_env, tmp_path):
    """Without a token file the loopback endpoint serves the server's own access; plain HTTP clients work."""
    async with http_server(pve_env.server_env(**DIRECT), tmp_path / 'http.stderr') as srv:
        answer = await raw_post(srv.url, initialize_body())
        assert answer.status_code == 200, answer.text
        session_id = answer.headers.get('mcp-session-id')
        assert session_id
        messages = sse_messages(answer.text) if 'event-stream' in answer.headers['content-type'] else [answer.json()]
        assert messages[-1]['result']['serverInfo']['name'] == 'pve-mcp'
        # Unknown paths are 404.
        import httpx2
        async with httpx2.AsyncClient() as client:
            assert (await client.get(srv.url.replace('/mcp', '/other'))).status_code == 404


async def test_a_session_belongs_to_its_token(pve_env, tmp_path):
    alice, bob = new_token(), new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice}, {'name': 'bob', 'token': bob}])
    async with http_server(pve_env.server_env(PVE_MCP_HTTP_TOKENS=str(tokens)), tmp_path / 'http.stderr') as srv:
        answer = await raw_post(srv.url, initialize_body(), token=alice)
        session_id = answer.headers['mcp-session-id']
        listing = {'jsonrpc': '2.0', 'id': 2, 'method': 'tools/list', 'params': {}}
        headers = {'Mcp-Session-Id': session_id, 'MCP-Protocol-Version': '2025-11-25'}
        await raw_post(srv.url, {'jsonrpc': '2.0', 'method': 'notifications/initialized'}, token=alice, **headers)
        mine = await raw_post(srv.url, listing, token=alice, **headers)
        assert mine.status_code == 200 and sse_messages(mine.text)[-1]['result']['tools'], mine.text
        theirs = await raw_post(srv.url, listing, token=bob, **headers)
        assert theirs.status_code == 404, (theirs.status_code, theirs.text)
