"""Exact caller identities (issue 31): OAuth people are told apart by their token's exact issuer and
subject, never by a shortened or cleaned form. Two subjects that share their first 128 characters, or
differ only by a control character, are different callers: neither can answer the other's pending
confirmation, use the other's task id or the other's MCP session, and nothing reaches PVE. Requests
are 2026-07-28 (stateless) through one HTTP server with a local OAuth issuer."""

import contextlib
import json

import pytest

from http_harness import http_server, initialize_body, raw_post
from oauth_issuer import running_issuer
from test_replicas import ACCEPTED, ELICIT, TASKS, call, rpc, slow_start, start_task, tool

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]

AUDIENCE = 'https://pve-mcp.test/mcp'
PREFIX = 'CN=' + 'x' * 125  # 128 characters
LOOKALIKES = {
    'sharing 128 characters': (PREFIX + ',OU=alice', PREFIX + ',OU=bob'),
    'differing by a control character': ('alice', 'alice\u0007'),
}


def oauth_config(path, issuer) -> str:
    path.write_text('\n'.join([
        'oauth_issuer = {0}'.format(json.dumps(issuer.url)),
        'oauth_audience = {0}'.format(json.dumps(AUDIENCE)),
        '',
        '[[oauth.map]]',
        'name = "admins"',
        'claim = "groups"',
        'value = "pve-admins"',
        'tier = "full"',
        '',
    ]))
    return str(path)


@contextlib.asynccontextmanager
async def two_people(pve_env, tmp_path, subjects, **extra):
    """One server, and tokens of two people mapped alike (full tier) whose subjects look alike."""
    async with running_issuer() as issuer:
        env = pve_env.server_env(tier='full', PVE_MCP_CONFIG=oauth_config(tmp_path / 'pve-mcp.toml', issuer),
                                 **extra)
        async with http_server(env, tmp_path / 'http.stderr') as srv:
            first, second = (issuer.token(AUDIENCE, sub=s, groups=['pve-admins']) for s in subjects)
            yield srv.url, first, second


@pytest.mark.parametrize('subjects', LOOKALIKES.values(), ids=LOOKALIKES.keys())
async def test_a_lookalike_subject_cannot_answer_anothers_confirmation(pve_env, tmp_path, subjects):
    async with two_people(pve_env, tmp_path, subjects) as (url, first, second):
        delete = await tool(url, first, 'DELETE', '/nodes/{node}/qemu/{vmid}')
        args = {'node': pve_env.node, 'vmid': 101}
        asked = await call(url, first, delete, args, ELICIT)
        assert asked['result'].get('resultType') == 'input_required', asked
        before = pve_env.request_count()
        answer = await call(url, second, delete, args, ELICIT, inputResponses=ACCEPTED,
                            requestState=asked['result']['requestState'])
        assert answer['result'].get('isError') and 'another caller' in json.dumps(answer), answer
        assert [r for r in pve_env.requests_since(before) if r[0] != 'GET'] == []
        assert pve_env.pve.vm(101) is not None
        own = await call(url, first, delete, args, ELICIT, inputResponses=ACCEPTED,
                         requestState=asked['result']['requestState'])
        assert not own['result'].get('isError'), own


@pytest.mark.parametrize('subjects', LOOKALIKES.values(), ids=LOOKALIKES.keys())
async def test_a_lookalike_subject_cannot_use_anothers_task_id(pve_env, tmp_path, subjects):
    slow_start(pve_env, 5.0)
    async with two_people(pve_env, tmp_path, subjects) as (url, first, second):
        task_id = await start_task(pve_env, url, first)
        before = pve_env.request_count()
        for method in ('tasks/get', 'tasks/cancel'):
            got = await rpc(url, second, method, {'taskId': task_id}, TASKS)
            assert 'error' in got and got['error']['code'] == -32602, (method, got)
        assert pve_env.requests_since(before) == []
        own = await rpc(url, first, 'tasks/get', {'taskId': task_id}, TASKS)
        assert 'result' in own, own


@pytest.mark.parametrize('subjects', LOOKALIKES.values(), ids=LOOKALIKES.keys())
async def test_a_lookalike_subject_cannot_use_anothers_session(pve_env, tmp_path, subjects):
    async with two_people(pve_env, tmp_path, subjects) as (url, first, second):
        opened = await raw_post(url, initialize_body(), token=first)
        assert opened.status_code == 200, opened.text
        session = opened.headers['mcp-session-id']
        ping = {'jsonrpc': '2.0', 'id': 2, 'method': 'ping'}
        headers = {'Mcp-Session-Id': session, 'MCP-Protocol-Version': '2025-11-25'}
        other = await raw_post(url, ping, token=second, **headers)
        assert other.status_code == 404, (other.status_code, other.text)
