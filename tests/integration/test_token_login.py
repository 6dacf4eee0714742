"""Methods PVE refuses to API tokens (`allowtoken: 0` in the schema: password change, TFA changes,
ticket creation) are not offered when pve-mcp logs in with an API token: not in tools/list, not found
by pve_search, described by pve_describe as unavailable with the reason, and refused by name with the
reason, nothing sent. A password login still offers them."""

import json

import pytest

from harness import META_METHOD, META_PATH, error_text

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

CLOSED = [('PUT', '/access/password'), ('POST', '/access/tfa/{userid}'), ('DELETE', '/access/tfa/{userid}/{id}'),
          ('PUT', '/access/tfa/{userid}/{id}')]


def endpoints(tools):
    return {((t.meta or {}).get(META_METHOD), (t.meta or {}).get(META_PATH)) for t in tools}


async def test_token_login_does_not_list_methods_closed_to_tokens(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        listed = endpoints(srv.tools)
    assert ('POST', '/access/users') in listed
    for closed in CLOSED:
        assert closed not in listed, closed


async def test_password_login_lists_them(pve_env, start_server):
    settings = pve_env.server_env(tier='full', PVE_TOKEN_ID=None, PVE_TOKEN_SECRET=None, PVE_USER='root@pam',
                                  PVE_PASSWORD=pve_env.pve.password)
    async with start_server(settings) as srv:
        listed = endpoints(srv.tools)
    for closed in CLOSED:
        assert closed in listed, closed


async def test_calling_one_by_name_says_why_and_sends_nothing(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        text = await srv.refusal('access_password_update', {'userid': 'root@pam', 'password': 'n3w-Passw0rd'})
    assert 'API token' in text and 'allowtoken' in text and 'PVE_USER' in text, text
    assert 'n3w-Passw0rd' not in text
    assert pve_env.requests_since(before) == []


async def test_discovery_hides_them_and_describe_says_why(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full', PVE_TOOL_MODE='discover')) as srv:
        found = await srv.session.call_tool('pve_search', {'query': 'change user password', 'limit': 25})
        names = [t['name'] for t in found.structured_content['data']]
        assert 'access_password_update' not in names, names
        described = await srv.session.call_tool('pve_describe', {'names': ['access_password_update']})
        answer = described.structured_content
        assert answer['data'] == [] and answer['unknown'] == []
        [entry] = answer['unavailable']
        assert entry['name'] == 'access_password_update' and 'API token' in entry['reason'], entry
        via_call = await srv.session.call_tool('pve_call', {'name': 'access_password_update',
                                                            'arguments': {'userid': 'root@pam', 'password': 'x1y2z3w4'}})
        assert 'API token' in error_text(via_call)


async def test_describe_of_a_tool_above_the_tier_says_so_without_its_schema(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='read-only', PVE_TOOL_MODE='discover')) as srv:
        described = await srv.session.call_tool('pve_describe', {'names': ['qemu_vm_delete', 'qemu_vm_dleete']})
    answer = described.structured_content
    assert answer['data'] == []
    assert answer['unknown'] == ['qemu_vm_dleete']
    [entry] = answer['unavailable']
    assert entry['name'] == 'qemu_vm_delete'
    assert 'exists' in entry['reason'] and '`full`' in entry['reason'] and '`read-only`' in entry['reason'], entry
    assert 'inputSchema' not in json.dumps(answer)
