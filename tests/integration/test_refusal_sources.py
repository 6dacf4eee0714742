"""A refusal names the setting that refused it: a limit from a caller's token entry names that entry's key,
one from a `[[cluster]]` table names the table, and one from the server's own settings its variable; nothing
is sent to PVE in each case."""

import pytest

from harness import error_text
from http_harness import http_server, http_session, new_token, token_file
from test_clusters import lab_env, two_clusters  # noqa: F401 (lab_env is a fixture)
from test_http import DIRECT, find

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

START = '/nodes/{node}/qemu/{vmid}/status/start'


async def test_a_token_entrys_allowlist_is_named_as_the_entrys_key(pve_env, tmp_path):
    ops = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'ops-team', 'token': ops, 'vmid_allowlist': '100'}])
    settings = pve_env.server_env(tier='read-execute', PVE_MCP_HTTP_TOKENS=str(tokens), **DIRECT)
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        async with http_session(srv.url, ops) as (session, tools):
            before = pve_env.request_count()
            result = await session.call_tool(find(tools, 'POST', START).name, {'node': pve_env.node, 'vmid': 101})
            assert pve_env.request_count() == before, 'nothing may reach PVE'
    text = error_text(result)
    assert 'vmid_allowlist' in text and 'ops-team' in text and 'PVE_MCP_HTTP_TOKENS' in text, text
    assert 'PVE_VMID_ALLOWLIST' not in text, text


async def test_the_servers_allowlist_is_named_as_its_variable_for_a_token_caller(pve_env, tmp_path):
    ops = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'ops-team', 'token': ops}])
    settings = pve_env.server_env(tier='read-execute', PVE_MCP_HTTP_TOKENS=str(tokens), PVE_VMID_ALLOWLIST='100',
                                  **DIRECT)
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        async with http_session(srv.url, ops) as (session, tools):
            result = await session.call_tool(find(tools, 'POST', START).name, {'node': pve_env.node, 'vmid': 101})
    text = error_text(result)
    assert 'PVE_VMID_ALLOWLIST' in text and 'ops-team' not in text, text


async def test_a_cluster_tables_tier_is_named_as_the_cluster(pve_env, lab_env, tmp_path, start_server):
    async with start_server(two_clusters(tmp_path, pve_env, lab_env)) as srv:
        stop = srv.tool('POST', START).name
        before = lab_env.request_count()
        result = await srv.call_name(stop, {'node': 'pve1', 'vmid': 300, 'cluster': 'lab'})
        assert lab_env.request_count() == before, 'nothing may reach the lab cluster'
    text = error_text(result)
    assert 'cluster `lab`' in text and 'read-only' in text and 'PVE_ACCESS_TIER' not in text, text
