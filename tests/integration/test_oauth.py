"""The HTTP endpoint as an OAuth 2.1 resource server (PVE_MCP_OAUTH_ISSUER, PVE_MCP_OAUTH_AUDIENCE and
the configuration file's [[oauth.map]]): its protected resource metadata, the 401 challenge naming it,
access tokens of a local test issuer checked against its JWKS and mapped to access by group, and every
kind of bad token refused before anything reaches PVE."""

import asyncio
import json
import time

import httpx2
import pytest

import harness
from harness import META_METHOD, ok_data
from http_harness import headers_for, http_server, http_session, initialize_body, new_token, raw_post, token_file
from oauth_issuer import new_key, running_issuer, unsigned

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]

AUDIENCE = 'https://pve-mcp.test/mcp'


def oauth_config(path, issuer) -> str:
    path.write_text('\n'.join([
        'oauth_issuer = {0}'.format(json.dumps(issuer.url)),
        'oauth_audience = {0}'.format(json.dumps(AUDIENCE)),
        'oauth_scopes = ["pve.read", "pve.operate"]',
        '',
        '[[oauth.map]]',
        'claim = "groups"',
        'value = "pve-operators"',
        'tier = "read-execute"',
        '',
        '[[oauth.map]]',
        'claim = "groups"',
        'value = "pve-readers"',
        'tier = "read-only"',
        '',
    ]))
    return str(path)


def settings(pve_env, tmp_path, issuer, **extra):
    return pve_env.server_env(tier='read-execute', PVE_MCP_CONFIG=oauth_config(tmp_path / 'pve-mcp.toml', issuer),
                              **extra)


def base(url: str) -> str:
    return url[:-len('/mcp')]


async def test_the_protected_resource_metadata_names_issuer_resource_and_scopes(pve_env, tmp_path):
    async with running_issuer() as issuer:
        async with http_server(settings(pve_env, tmp_path, issuer), tmp_path / 'http.stderr') as srv:
            async with httpx2.AsyncClient() as client:
                for path in ('/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp'):
                    answer = await client.get(base(srv.url) + path)
                    assert answer.status_code == 200, (path, answer.text)
                    doc = answer.json()
                    assert doc['resource'] == AUDIENCE
                    assert doc['authorization_servers'] == [issuer.url]
                    assert doc['scopes_supported'] == ['pve.read', 'pve.operate']


async def test_a_request_without_a_token_gets_401_naming_the_resource_metadata(pve_env, tmp_path):
    async with running_issuer() as issuer:
        async with http_server(settings(pve_env, tmp_path, issuer), tmp_path / 'http.stderr') as srv:
            answer = await raw_post(srv.url, initialize_body())
            assert answer.status_code == 401
            challenge = answer.headers['WWW-Authenticate']
            assert challenge.startswith('Bearer ')
            assert ('resource_metadata="https://pve-mcp.test/.well-known/oauth-protected-resource/mcp"'
                    in challenge), challenge


async def test_a_read_only_group_token_lists_only_read_only_tools(pve_env, tmp_path, expected_counts):
    async with running_issuer() as issuer:
        async with http_server(settings(pve_env, tmp_path, issuer), tmp_path / 'http.stderr') as srv:
            token = issuer.token(AUDIENCE, groups=['staff', 'pve-readers'])
            async with http_session(srv.url, token) as (session, tools):
                assert len(tools) == expected_counts['read-only']
                assert all(harness.meta(t)[META_METHOD] == 'GET' for t in tools)
                nodes = harness.tool_for(tools, 'GET', '/nodes')
                assert ok_data(await session.call_tool(nodes.name, {}))[0]['node'] == pve_env.node


async def test_an_operator_group_token_can_start_a_vm_and_the_audit_names_the_subject(pve_env, tmp_path):
    audit = tmp_path / 'audit.log'
    async with running_issuer() as issuer:
        env = settings(pve_env, tmp_path, issuer, PVE_AUDIT_LOG=str(audit))
        async with http_server(env, tmp_path / 'http.stderr') as srv:
            token = issuer.token(AUDIENCE, key=issuer.keys[1], sub='u-42', email='ada@example.com',
                                 groups=['pve-operators'])
            async with http_session(srv.url, token) as (session, tools):
                start = harness.tool_for(tools, 'POST', '/nodes/{node}/qemu/{vmid}/status/start')
                result = await session.call_tool(start.name, {'node': pve_env.node, 'vmid': 101})
                assert not result.is_error, result
            assert pve_env.pve.vm(101).status == 'running'
            assert token not in srv.stderr()
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert any(line.get('caller', '').startswith('u-42 (ada@example.com)') for line in lines), lines
    assert token not in audit.read_text()


async def test_an_eddsa_token_is_accepted(pve_env, tmp_path):
    async with running_issuer() as issuer:
        issuer.keys.append(new_key('EdDSA'))
        async with http_server(settings(pve_env, tmp_path, issuer), tmp_path / 'http.stderr') as srv:
            token = issuer.token(AUDIENCE, key=issuer.keys[2], groups=['pve-readers'])
            answer = await raw_post(srv.url, initialize_body(), token=token)
            assert answer.status_code == 200, answer.text


def bad_tokens(issuer):
    now = int(time.time())
    stranger = new_key('RS256')
    return {
        'expired': issuer.token(AUDIENCE, groups=['pve-operators'], iat=now - 7200, nbf=now - 7200,
                                exp=now - 3600),
        'other audience': issuer.token('https://other.example/mcp', groups=['pve-operators']),
        'other issuer': issuer.token(AUDIENCE, groups=['pve-operators'], iss='https://evil.example'),
        'unknown key': issuer.token(AUDIENCE, key=stranger, groups=['pve-operators']),
        'known kid, other key': issuer.token(AUDIENCE, key=type(stranger)(issuer.keys[0].kid, 'RS256',
                                                                       stranger.private),
                                             groups=['pve-operators']),
        'alg none': unsigned({'iss': issuer.url, 'aud': AUDIENCE, 'sub': 'x', 'exp': now + 300,
                              'groups': ['pve-operators']}),
        'not a JWT': new_token(),
    }


async def test_bad_tokens_are_refused_with_nothing_sent_to_pve(pve_env, tmp_path):
    async with running_issuer() as issuer:
        async with http_server(settings(pve_env, tmp_path, issuer), tmp_path / 'http.stderr') as srv:
            before = pve_env.request_count()
            for what, token in bad_tokens(issuer).items():
                answer = await raw_post(srv.url, initialize_body(), token=token)
                assert answer.status_code == 401, (what, answer.status_code, answer.text)
                assert 'error="invalid_token"' in answer.headers['WWW-Authenticate'], what
            assert pve_env.requests_since(before) == []


async def test_an_hmac_token_signed_with_the_public_key_is_refused(pve_env, tmp_path):
    async with running_issuer() as issuer:
        async with http_server(settings(pve_env, tmp_path, issuer), tmp_path / 'http.stderr') as srv:
            import jwt
            secret = issuer.keys[0].jwk()['n'].encode()  # what a confused verifier might use
            token = jwt.encode({'iss': issuer.url, 'aud': AUDIENCE, 'sub': 'x', 'exp': int(time.time()) + 300,
                                'groups': ['pve-operators']}, secret, algorithm='HS256',
                               headers={'kid': issuer.keys[0].kid})
            answer = await raw_post(srv.url, initialize_body(), token=token)
            assert answer.status_code == 401 and 'HS256' in answer.headers['WWW-Authenticate'], answer.headers


async def test_a_token_that_maps_to_no_access_is_403_with_the_reason(pve_env, tmp_path):
    async with running_issuer() as issuer:
        async with http_server(settings(pve_env, tmp_path, issuer), tmp_path / 'http.stderr') as srv:
            before = pve_env.request_count()
            answer = await raw_post(srv.url, initialize_body(), token=issuer.token(AUDIENCE, groups=['sales']))
            assert answer.status_code == 403, answer.text
            assert 'oauth.map' in answer.text
            assert 'insufficient_scope' in answer.headers['WWW-Authenticate']
            assert pve_env.requests_since(before) == []


async def test_a_key_rotation_at_the_issuer_is_picked_up(pve_env, tmp_path):
    async with running_issuer() as issuer:
        async with http_server(settings(pve_env, tmp_path, issuer), tmp_path / 'http.stderr') as srv:
            first = await raw_post(srv.url, initialize_body(), token=issuer.token(AUDIENCE, groups=['pve-readers']))
            assert first.status_code == 200, first.text
            old = issuer.keys[0]
            issuer.rotate()
            await asyncio.sleep(1.2)  # the server fetches keys at most once a second
            fresh = await raw_post(srv.url, initialize_body(), token=issuer.token(AUDIENCE, groups=['pve-readers']))
            assert fresh.status_code == 200, fresh.text
            retired = await raw_post(srv.url, initialize_body(),
                                     token=issuer.token(AUDIENCE, key=old, groups=['pve-readers']))
            assert retired.status_code == 401, retired.text


async def test_static_tokens_keep_working_beside_oauth(pve_env, tmp_path):
    alice = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice}])
    async with running_issuer() as issuer:
        env = settings(pve_env, tmp_path, issuer, PVE_MCP_HTTP_TOKENS=str(tokens))
        async with http_server(env, tmp_path / 'http.stderr') as srv:
            assert (await raw_post(srv.url, initialize_body(), token=alice)).status_code == 200
            token = issuer.token(AUDIENCE, groups=['pve-readers'])
            assert (await raw_post(srv.url, initialize_body(), token=token)).status_code == 200


async def test_an_issuer_without_any_mapping_stops_start_up(pve_env, tmp_path):
    config = tmp_path / 'pve-mcp.toml'
    config.write_text('oauth_issuer = "https://sso.example.com"\noauth_audience = {0}\n'.format(json.dumps(AUDIENCE)))
    env = {**harness.base_env(), **pve_env.server_env(PVE_MCP_CONFIG=str(config)), 'PVE_MCP_HTTP': '127.0.0.1:0'}
    proc = await asyncio.create_subprocess_exec(str(harness.binary()), env=env, stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 2
    assert 'PVE_MCP_OAUTH_ISSUER' in err.decode() and '[[oauth.map]]' in err.decode(), err


async def test_an_unreachable_issuer_gives_503_and_nothing_reaches_pve(pve_env, tmp_path):
    async with running_issuer() as issuer:
        env = settings(pve_env, tmp_path, issuer)
        token = issuer.token(AUDIENCE, groups=['pve-operators'])
    async with http_server(env, tmp_path / 'http.stderr') as srv:
        before = pve_env.request_count()
        answer = await raw_post(srv.url, initialize_body(), token=token)
        assert answer.status_code == 503, answer.text
        assert 'Retry-After' in answer.headers
        assert pve_env.requests_since(before) == []


async def open_session(url, token):
    answer = await raw_post(url, initialize_body(), token=token)
    assert answer.status_code == 200, (answer.status_code, answer.text)
    return {'Mcp-Session-Id': answer.headers['Mcp-Session-Id'], 'MCP-Protocol-Version': '2025-11-25'}


async def test_people_mapped_alike_each_get_their_own_session_cap(pve_env, tmp_path):
    async with running_issuer() as issuer:
        env = settings(pve_env, tmp_path, issuer, PVE_MCP_HTTP_MAX_SESSIONS='1')
        async with http_server(env, tmp_path / 'http.stderr') as srv:
            ada = issuer.token(AUDIENCE, sub='ada', groups=['pve-readers'])
            bob = issuer.token(AUDIENCE, sub='bob', groups=['pve-readers'])
            await open_session(srv.url, ada)
            again = await raw_post(srv.url, initialize_body(), token=ada)
            assert again.status_code == 429 and 'too many sessions' in again.text, (again.status_code, again.text)
            await open_session(srv.url, bob)


async def test_a_person_cannot_use_or_end_the_session_of_another_mapped_alike(pve_env, tmp_path):
    async with running_issuer() as issuer:
        async with http_server(settings(pve_env, tmp_path, issuer), tmp_path / 'http.stderr') as srv:
            ada = issuer.token(AUDIENCE, sub='ada', groups=['pve-readers'])
            bob = issuer.token(AUDIENCE, sub='bob', groups=['pve-readers'])
            adas = await open_session(srv.url, ada)
            listing = {'jsonrpc': '2.0', 'id': 2, 'method': 'tools/list', 'params': {}}
            used = await raw_post(srv.url, listing, token=bob, **adas)
            assert used.status_code == 404, (used.status_code, used.text)
            async with httpx2.AsyncClient(timeout=harness.REQUEST_TIMEOUT) as client:
                ended = await client.delete(srv.url, headers={**headers_for(bob), **adas})
                assert ended.status_code == 404, (ended.status_code, ended.text)
                mine = await client.delete(srv.url, headers={**headers_for(ada), **adas})
            assert mine.status_code in (200, 202, 204), (mine.status_code, mine.text)


START_PROGRAM = 'await pve.call("{0}", {{node: "{1}", vmid: 101}}); return "sent";'


async def test_in_code_mode_a_plan_is_bound_to_the_person_and_the_run_audited_under_them(pve_env, tmp_path,
                                                                                        tools_doc):
    audit = tmp_path / 'audit.log'
    async with running_issuer() as issuer:
        env = settings(pve_env, tmp_path, issuer, PVE_AUDIT_LOG=str(audit), PVE_TOOL_MODE='code')
        async with http_server(env, tmp_path / 'http.stderr') as srv:
            ada = issuer.token(AUDIENCE, sub='u-ada', groups=['pve-operators'])
            bob = issuer.token(AUDIENCE, sub='u-bob', groups=['pve-operators'])
            [start] = [r.name for r in tools_doc.rows
                       if (r.method, r.path) == ('POST', '/nodes/{node}/qemu/{vmid}/status/start')]
            code = START_PROGRAM.format(start, pve_env.node)
            async with http_session(srv.url, ada) as (session, _tools):
                dry = await session.call_tool('pve_run', {'code': code, 'dry_run': True})
                assert not dry.is_error, dry
                plan_id = dry.structured_content['plan_id']
            async with http_session(srv.url, bob) as (session, _tools):
                before = pve_env.request_count()
                stolen = await session.call_tool('pve_run', {'code': code, 'approve': plan_id})
                assert stolen.is_error, stolen
                assert [r for r in pve_env.requests_since(before) if r[0] != 'GET'] == []
            async with http_session(srv.url, ada) as (session, _tools):
                ran = await session.call_tool('pve_run', {'code': code, 'approve': plan_id})
                assert not ran.is_error, ran
    assert pve_env.pve.vm(101).status == 'running'
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    sent = [line for line in lines if line['outcome'] == 'ok']
    assert len(sent) == 1 and sent[0]['caller'].startswith('u-ada') and sent[0]['run'], lines
