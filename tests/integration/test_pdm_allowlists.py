"""The allowlists through a Datacenter Manager, through the official MCP client against the fake PDM
(remotes pve-a with VMs 100 and 101 and CT 200, pve-b with VM 300, and pbs-main with datastores store1 and
offsite): a PBS remote's datastore outside PBS_DATASTORES is refused with nothing sent, as on the Backup
Server directly; the estate's listings leave out what is fenced; its counts are refused."""

import pytest

from harness import error_text, texts

pytestmark = pytest.mark.anyio


def fenced(pve_env, pdm_env, **lists):
    """A server with the fakepve and the fake PDM (no Backup Server of its own), under `lists`."""
    env = pve_env.server_env(tier='full', **lists)
    env.update({'PDM_URL': pdm_env.url, 'PDM_TOKEN_ID': pdm_env.token_id,
                'PDM_TOKEN_SECRET': pdm_env.token_secret, 'PDM_CA_FILE': pdm_env.ca_file})
    return env


def ok_data(result):
    assert not result.is_error, 'the call failed: {0}'.format(texts(result))
    assert result.structured_content.get('cluster') == 'pdm'
    return result.structured_content['data']


async def refused_and_nothing_sent(pdm_env, srv, name, arguments) -> str:
    before = pdm_env.request_count()
    text = error_text(await srv.call_name(name, arguments))
    assert pdm_env.requests_since(before) == [], 'a refused call must send nothing to the manager'
    return text


async def test_a_pbs_remote_s_datastore_outside_the_allowlist_is_refused_with_nothing_sent(pve_env, pdm_env,
                                                                                            start_server):
    async with start_server(fenced(pve_env, pdm_env, PBS_DATASTORES='store1')) as srv:
        args = {'remote': 'pbs-main', 'datastore': 'offsite'}
        text = await refused_and_nothing_sent(pdm_env, srv, 'pdm_pbs_datastore_snapshots_list', args)
        assert 'datastore `offsite`' in text and 'PBS_DATASTORES' in text and 'nothing was sent to PDM' in text
        snapshots = ok_data(await srv.call_name('pdm_pbs_datastore_snapshots_list',
                                                {'remote': 'pbs-main', 'datastore': 'store1'}))
        assert snapshots, 'the allowed datastore is read'


async def test_a_pbs_remote_s_namespace_left_out_is_the_root_and_refused(pve_env, pdm_env, start_server):
    async with start_server(fenced(pve_env, pdm_env, PBS_NAMESPACES='lab')) as srv:
        args = {'remote': 'pbs-main', 'datastore': 'store1'}
        text = await refused_and_nothing_sent(pdm_env, srv, 'pdm_pbs_datastore_snapshots_list', args)
        assert 'root namespace' in text and 'PBS_NAMESPACES' in text, text
        snapshots = ok_data(await srv.call_name('pdm_pbs_datastore_snapshots_list', dict(args, ns='lab')))
        assert len(snapshots) == 4


async def test_the_estate_s_resources_leave_out_fenced_datastores_guests_and_remotes(pve_env, pdm_env,
                                                                                     start_server):
    lists = {'PBS_DATASTORES': 'store1', 'PVE_VMID_ALLOWLIST': '100', 'PDM_REMOTE_ALLOWLIST': 'pve-a,pbs-main'}
    async with start_server(fenced(pve_env, pdm_env, **lists)) as srv:
        entries = ok_data(await srv.call_name('pdm_resources_list', {}))
        remotes = ok_data(await srv.call_name('pdm_remotes_remote_list', {}))
    assert {e['remote'] for e in entries} == {'pve-a', 'pbs-main'}
    resources = [r for e in entries for r in e['resources']]
    assert {r['name'] for r in resources if r['type'] == 'pbs-datastore'} == {'store1'}
    assert {r['vmid'] for r in resources if r['type'] in ('pve-qemu', 'pve-lxc')} == {100}
    assert {r['id'] for r in remotes} == {'pve-a', 'pbs-main'}


async def test_the_estate_s_counts_are_refused_under_an_allowlist(pve_env, pdm_env, start_server):
    async with start_server(fenced(pve_env, pdm_env, PVE_VMID_ALLOWLIST='100')) as srv:
        text = await refused_and_nothing_sent(pdm_env, srv, 'pdm_resources_status_get', {})
    assert 'whole estate' in text and 'PVE_VMID_ALLOWLIST' in text, text
