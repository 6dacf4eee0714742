"""Backup Server allowlists through the official MCP client against the fake PBS: a datastore, namespace
or guest outside PBS_DATASTORES, PBS_NAMESPACES or PVE_VMID_ALLOWLIST is refused with nothing sent to the
Backup Server, in each form it takes (the `{store}` path, `ns`, a backup group); inside passes; listings
leave out what is not allowed."""

import pytest

from harness import error_text, texts

pytestmark = pytest.mark.anyio


def fenced(pve_env, pbs_env, **lists):
    """The PVE with the fake PBS beside it, under `lists` (PBS_DATASTORES=..., PVE_VMID_ALLOWLIST=...)."""
    return pve_env.server_env(tier='full', PBS_URL=pbs_env.url, PBS_TOKEN_ID=pbs_env.token_id,
                              PBS_TOKEN_SECRET=pbs_env.token_secret, PBS_CA_FILE=pbs_env.ca_file, **lists)


def ok_data(result):
    """The data of a successful call on the Backup Server (its answer also names the cluster)."""
    assert not result.is_error, 'the call failed: {0}'.format(texts(result))
    assert result.structured_content.get('cluster') == 'pbs'
    return result.structured_content['data']


async def refused_and_nothing_sent(pbs_env, srv, name, arguments) -> str:
    before = pbs_env.request_count()
    text = error_text(await srv.call_name(name, arguments))
    assert pbs_env.requests_since(before) == [], 'a refused call must send nothing to the Backup Server'
    return text


async def test_a_datastore_outside_the_allowlist_is_refused_with_nothing_sent(pve_env, pbs_env, start_server):
    async with start_server(fenced(pve_env, pbs_env, PBS_DATASTORES='store1')) as srv:
        text = await refused_and_nothing_sent(pbs_env, srv, 'pbs_datastore_groups_list', {'store': 'offsite'})
        assert 'PBS_DATASTORES' in text and 'offsite' in text
        groups = ok_data(await srv.call_name('pbs_datastore_groups_list', {'store': 'store1'}))
        assert {g['backup-id'] for g in groups} >= {'100', '101'}


async def test_the_datastore_listing_leaves_out_datastores_not_allowed(pve_env, pbs_env, start_server):
    async with start_server(fenced(pve_env, pbs_env, PBS_DATASTORES='store1')) as srv:
        stores = ok_data(await srv.call_name('pbs_datastore_list', {}))
    assert [s['store'] for s in stores] == ['store1']


async def test_a_namespace_outside_the_allowlist_or_left_out_is_refused(pve_env, pbs_env, start_server):
    async with start_server(fenced(pve_env, pbs_env, PBS_NAMESPACES='lab')) as srv:
        text = await refused_and_nothing_sent(pbs_env, srv, 'pbs_datastore_snapshots_list', {'store': 'store1'})
        assert 'root namespace' in text and 'PBS_NAMESPACES' in text
        text = await refused_and_nothing_sent(pbs_env, srv, 'pbs_datastore_snapshots_list',
                                              {'store': 'store1', 'ns': 'prod'})
        assert 'prod' in text
        snapshots = ok_data(await srv.call_name('pbs_datastore_snapshots_list', {'store': 'store1', 'ns': 'lab'}))
        assert len(snapshots) == 4


async def test_a_backup_group_of_a_guest_outside_the_vmid_allowlist_is_refused(pve_env, pbs_env, start_server):
    async with start_server(fenced(pve_env, pbs_env, PVE_VMID_ALLOWLIST='100')) as srv:
        args = {'store': 'store1', 'backup-type': 'vm', 'backup-id': '101'}
        text = await refused_and_nothing_sent(pbs_env, srv, 'pbs_datastore_snapshots_list', args)
        assert 'PVE_VMID_ALLOWLIST' in text and '101' in text
        args = {'store': 'store1', 'backup-type': 'host', 'backup-id': 'backup-server'}
        await refused_and_nothing_sent(pbs_env, srv, 'pbs_datastore_snapshots_list', args)
        inside = ok_data(await srv.call_name('pbs_datastore_snapshots_list',
                                             {'store': 'store1', 'backup-type': 'vm', 'backup-id': '100'}))
        assert len(inside) == 3


async def test_the_group_listing_leaves_out_guests_not_allowed_and_host_groups(pve_env, pbs_env, start_server):
    async with start_server(fenced(pve_env, pbs_env, PVE_VMID_ALLOWLIST='100-199')) as srv:
        groups = ok_data(await srv.call_name('pbs_datastore_groups_list', {'store': 'store1'}))
    assert sorted((g['backup-type'], g['backup-id']) for g in groups) == [('vm', '100'), ('vm', '101')]


async def test_a_verify_of_every_group_is_refused_under_a_vmid_allowlist(pve_env, pbs_env, start_server):
    async with start_server(fenced(pve_env, pbs_env, PVE_VMID_ALLOWLIST='100')) as srv:
        text = await refused_and_nothing_sent(pbs_env, srv, 'pbs_datastore_verify', {'store': 'store1'})
    assert 'every guest' in text


async def test_a_whole_datastore_s_garbage_collection_is_refused_under_a_namespace_allowlist(pve_env, pbs_env,
                                                                                             start_server):
    async with start_server(fenced(pve_env, pbs_env, PBS_NAMESPACES='lab')) as srv:
        text = await refused_and_nothing_sent(pbs_env, srv, 'pbs_datastore_gc', {'store': 'store1'})
        assert 'whole datastore' in text and 'PBS_NAMESPACES' in text and 'nothing was sent to PBS' in text, text
        ok_data(await srv.call_name('pbs_datastore_status_get', {'store': 'store1'}))


async def test_the_task_list_leaves_out_tasks_of_datastores_not_allowed(pve_env, pbs_env, start_server):
    async with start_server(fenced(pve_env, pbs_env)) as srv:
        for args in ({'store': 'offsite'}, {'store': 'store1', 'ns': 'lab'}):
            result = await srv.call_name('pbs_datastore_verify', args)
            assert not result.is_error, texts(result)
    async with start_server(fenced(pve_env, pbs_env, PBS_DATASTORES='store1')) as srv:
        tasks = ok_data(await srv.call_name('pbs_node_tasks_list', {'node': 'localhost'}))
    assert {t['worker_id'] for t in tasks} == {'store1:lab'}, tasks
