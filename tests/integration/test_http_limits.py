"""HTTP limits that hold: a caller who hangs up mid-call keeps its slot among its requests in flight until
the call has run; a caller's open sessions are capped (PVE_MCP_HTTP_MAX_SESSIONS), a new one beyond the
cap is refused with a clear error; a DELETE of another caller's session id is answered 404 and leaves that
session working."""

import asyncio
import json

import httpx2
import pytest

import harness
from http_harness import (MCP_ACCEPT, headers_for, http_server, initialize_body, new_token, raw_post,
                          sse_messages, token_file)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]

VERSION = {'MCP-Protocol-Version': '2025-11-25'}


async def open_session(url, token):
    answer = await raw_post(url, initialize_body(), token=token)
    assert answer.status_code == 200, answer.text
    session_id = answer.headers['mcp-session-id']
    headers = {'Mcp-Session-Id': session_id, **VERSION}
    await raw_post(url, {'jsonrpc': '2.0', 'method': 'notifications/initialized'}, token=token, **headers)
    return headers


def call_body(request_id, name, arguments):
    return {'jsonrpc': '2.0', 'id': request_id, 'method': 'tools/call', 'params': {'name': name, 'arguments': arguments}}


async def test_a_caller_who_hangs_up_keeps_its_slot_while_the_call_runs(pve_env, tmp_path):
    alice = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice, 'max_concurrent': 1}])
    settings = pve_env.server_env(PVE_MCP_HTTP_TOKENS=str(tokens), PVE_TOOL_MODE='direct')
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        headers = await open_session(srv.url, alice)
        pve_env.pve.time_scale = 1.0
        pve_env.pve.slow_network(3.0)
        try:
            # The caller sends a call and hangs up after half a second, long before PVE answers.
            async with httpx2.AsyncClient(timeout=httpx2.Timeout(0.5)) as quick:
                with pytest.raises(httpx2.TimeoutException):
                    await quick.post(srv.url, content=json.dumps(call_body(10, 'nodes_list', {})).encode(),
                                     headers={**MCP_ACCEPT, **headers_for(alice), **headers})
            # Its call still runs: the one slot is still taken.
            second = await raw_post(srv.url, call_body(11, 'nodes_list', {}), token=alice, **headers)
            assert second.status_code == 429, (second.status_code, second.text)
            assert 'busy' in second.json()['error']['message']
        finally:
            pve_env.pve.slow_network(0)
            pve_env.pve.time_scale = 0.0
        # Once the first call has run, the slot is free again.
        for _ in range(100):
            third = await raw_post(srv.url, call_body(12, 'nodes_list', {}), token=alice, **headers)
            if third.status_code != 429:
                break
            await asyncio.sleep(0.1)
        assert third.status_code == 200, third.text
        assert not sse_messages(third.text)[-1]['result']['isError']


async def test_sessions_per_caller_are_capped_with_a_clear_error(pve_env, tmp_path):
    alice, bob = new_token(), new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice}, {'name': 'bob', 'token': bob}])
    settings = pve_env.server_env(PVE_MCP_HTTP_TOKENS=str(tokens), PVE_MCP_HTTP_MAX_SESSIONS='3')
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        opened = [await open_session(srv.url, alice) for _ in range(3)]
        refused = await raw_post(srv.url, initialize_body(), token=alice)
        assert refused.status_code == 429, (refused.status_code, refused.text)
        message = refused.json()['error']['message']
        assert 'too many sessions' in message and 'PVE_MCP_HTTP_MAX_SESSIONS' in message and 'alice' in message
        # The cap is per caller: bob still gets one.
        await open_session(srv.url, bob)
        # Ending one of alice's sessions makes room for a new one.
        async with httpx2.AsyncClient(timeout=harness.REQUEST_TIMEOUT) as client:
            ended = await client.delete(srv.url, headers={**headers_for(alice), **opened[0]})
        assert ended.status_code in (200, 202, 204), ended.text
        await open_session(srv.url, alice)


async def test_delete_of_another_callers_session_is_404_and_leaves_it_working(pve_env, tmp_path):
    alice, bob = new_token(), new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice}, {'name': 'bob', 'token': bob}])
    settings = pve_env.server_env(PVE_MCP_HTTP_TOKENS=str(tokens))
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        headers = await open_session(srv.url, alice)
        async with httpx2.AsyncClient(timeout=harness.REQUEST_TIMEOUT) as client:
            theirs = await client.delete(srv.url, headers={**headers_for(bob), **headers})
            assert theirs.status_code == 404, (theirs.status_code, theirs.text)
            unknown = await client.delete(srv.url, headers={**headers_for(alice), 'Mcp-Session-Id': 'no-such', **VERSION})
            assert unknown.status_code == 404
        listing = await raw_post(srv.url, {'jsonrpc': '2.0', 'id': 2, 'method': 'tools/list', 'params': {}},
                                 token=alice, **headers)
        assert listing.status_code == 200 and sse_messages(listing.text)[-1]['result']['tools'], listing.text
