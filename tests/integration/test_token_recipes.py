"""The README's least-privilege token recipes (issue 32, item 8), against fakepve's permission model: a
token holding exactly the privileges of a tier's role (read from the README's `pveum role add` lines)
can use that tier's everyday tools, and PVE refuses it what the role leaves out. fakepve adds up grants
(it has no "a deeper role replaces the inherited one" rule), so the pool case checks the other half:
a grant on a pool reaches its guests and no other. That every tool of each tier needs only privileges
its role grants (or names as left out) is checked against the schema in `src/policy/recipes.rs`."""

import re
from pathlib import Path

import pytest

from harness import error_text, ok_data, ok_task

pytestmark = pytest.mark.anyio

README = Path(__file__).resolve().parents[2] / 'README.md'
TOKEN = 'mcp@pve!assistant'
SECRET = '12121212-3434-5656-7878-909090909090'
VM = '/nodes/{node}/qemu/{vmid}'


def role(name):
    """The privileges of one of the README's roles."""
    found = re.findall(r'^pveum role add {0} --privs "([^"]+)"$'.format(name), README.read_text(), re.M)
    assert len(found) == 1, 'the README has {0} `pveum role add {1}` lines'.format(len(found), name)
    return found[0].split(',')


def with_roles(pve_env, tier, *grants):
    """The server at `tier`, logged in with a token holding `grants` ((path, role) pairs), as the
    README grants them: to the user and its token."""
    pve = pve_env.pve
    pve.apitokens[TOKEN] = SECRET
    for path, name in grants:
        for who in (TOKEN, TOKEN.split('!')[0]):
            pve.grant(who, path, *role(name))
    return pve_env.server_env(tier=tier, PVE_TOKEN_ID=TOKEN, PVE_TOKEN_SECRET=SECRET)


async def test_the_read_only_role_reads_guests_storage_and_the_cluster(pve_env, start_server):
    async with start_server(with_roles(pve_env, 'read-only', ('/', 'MCPReadOnly'))) as srv:
        assert [vm['vmid'] for vm in ok_data(await srv.call('GET', '/nodes/{node}/qemu', node=pve_env.node))] \
            == [100, 101]
        resources = ok_data(await srv.call('GET', '/cluster/resources'))
        assert {r['type'] for r in resources} >= {'node', 'qemu', 'lxc', 'storage'}, resources
        assert ok_data(await srv.call('GET', VM + '/config', node=pve_env.node, vmid=100))['name'] == 'web'
        ok_data(await srv.call('GET', '/nodes/{node}/storage', node=pve_env.node))


async def test_the_read_only_role_cannot_start_a_guest_even_at_a_higher_tier(pve_env, start_server):
    async with start_server(with_roles(pve_env, 'read-execute', ('/', 'MCPReadOnly'))) as srv:
        text = error_text(await srv.call('POST', VM + '/status/start', node=pve_env.node, vmid=101))
    assert 'VM.PowerMgmt' in text, text
    assert pve_env.pve.vm(101).status == 'stopped'


async def test_the_read_execute_role_starts_and_stops_guests(pve_env, start_server):
    async with start_server(with_roles(pve_env, 'read-execute', ('/', 'MCPReadExecute'))) as srv:
        ok_task(await srv.call('POST', VM + '/status/start', node=pve_env.node, vmid=101))
        assert pve_env.pve.vm(101).status == 'running'
        ok_task(await srv.call('POST', VM + '/status/stop', node=pve_env.node, vmid=101, confirm=True,
                               confirm_vmid=101))
    assert pve_env.pve.vm(101).status == 'stopped'


async def test_the_full_role_snapshots_and_reconfigures_guests(pve_env, start_server):
    async with start_server(with_roles(pve_env, 'full', ('/', 'MCPFull'))) as srv:
        ok_task(await srv.call('POST', VM + '/snapshot', node=pve_env.node, vmid=101, snapname='before'))
        result = await srv.call('PUT', VM + '/config', node=pve_env.node, vmid=101, memory=4096)
        assert not result.is_error, error_text(result)
    assert str(pve_env.pve.vm(101).config['memory']) == '4096'


async def test_the_full_role_on_a_pool_reaches_its_guests_and_no_other(pve_env, start_server):
    pve_env.pve.pools['lab'] = {101}
    env = with_roles(pve_env, 'full', ('/', 'MCPReadOnly'), ('/pool/lab', 'MCPFull'))
    async with start_server(env) as srv:
        ok_task(await srv.call('POST', VM + '/snapshot', node=pve_env.node, vmid=101, snapname='in-pool'))
        text = error_text(await srv.call('POST', VM + '/snapshot', node=pve_env.node, vmid=100, snapname='out'))
        assert 'VM.Snapshot' in text, text
        assert ok_data(await srv.call('GET', VM + '/config', node=pve_env.node, vmid=100))['name'] == 'web'
