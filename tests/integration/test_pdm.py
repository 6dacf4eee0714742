"""A Datacenter Manager beside the PVE, through the official MCP client: the fake PDM (remotes pve-a with
VM 100 web running and VM 101 db stopped, pve-b with VM 300, and pbs-main) configured with PDM_URL and its
token. Its remotes and their guests are listed, a guest migrates between remotes behind its gate with the
task waited for through PDM, a PBS datastore is read through it, and the allowlists hold through it with
nothing sent."""

import json

import pytest

from harness import error_text

pytestmark = pytest.mark.anyio

MIGRATE = {'remote': 'pve-a', 'vmid': 101, 'target': 'pve-b', 'target-storage': ['*:local-lvm'],
           'target-bridge': ['*:vmbr0']}


def on_pdm(result) -> dict:
    """The structured content of a successful call, which names the cluster it ran on: `pdm`."""
    assert not result.is_error, 'the call failed: {0}'.format(error_text(result) if result.is_error else '')
    structured = result.structured_content
    assert structured.get('cluster') == 'pdm', 'the result must name the cluster: {0!r}'.format(structured)
    assert json.loads(result.content[0].text) == structured, 'the text copy is the structured content'
    return structured


def with_pdm(pve_env, pdm_env, **extra):
    """The environment of a server with the fakepve and the fake PDM, at tier full."""
    env = pve_env.server_env(tier='full', **extra)
    env.update({'PDM_URL': pdm_env.url, 'PDM_TOKEN_ID': pdm_env.token_id,
                'PDM_TOKEN_SECRET': pdm_env.token_secret, 'PDM_CA_FILE': pdm_env.ca_file})
    return env


async def test_the_manager_s_remotes_and_a_remote_s_guests_are_listed(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env)) as srv:
        assert any(t.name == 'pdm_pve_qemu_vm_remote_migrate' for t in srv.tools)
        remotes = on_pdm(await srv.call_name('pdm_remotes_remote_list', {}))['data']
        guests = on_pdm(await srv.call_name('pdm_pve_qemu_vm_list', {'remote': 'pve-a'}))['data']
    assert {r['id'] for r in remotes} == {'pve-a', 'pve-b', 'pbs-main'}
    assert {g['vmid'] for g in guests} == {100, 101}


async def test_a_pbs_datastore_is_read_through_the_manager(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env)) as srv:
        stores = on_pdm(await srv.call_name('pdm_pbs_datastore_list', {'remote': 'pbs-main'}))['data']
    assert stores, 'the PBS remote has datastores'


async def test_a_migration_between_remotes_waits_behind_its_gate_for_the_task(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env)) as srv:
        before = pdm_env.request_count()
        refusal = error_text(await srv.call_name('pdm_pve_qemu_vm_remote_migrate', dict(MIGRATE)))
        assert 'confirm' in refusal, refusal
        assert not [r for r in pdm_env.requests_since(before) if r[0] != 'GET'], 'nothing written unconfirmed'
        confirmed = dict(MIGRATE, confirm=True, confirm_vmid=101)
        task = on_pdm(await srv.call_name('pdm_pve_qemu_vm_remote_migrate', confirmed))['task']
    assert task['upid'].startswith('pve:pve-a!UPID:') and task['type'] == 'qmigrate', task
    assert (task['status'], task['exitstatus']) == ('stopped', 'OK'), task
    assert any('migration finished successfully' in line for line in task['log_tail']), task
    assert pdm_env.fake.remote('pve-b', 'pve').guest(101) is not None, 'the guest is on pve-b now'


async def test_a_failed_migration_reports_the_task_s_real_end(pve_env, pdm_env, start_server):
    running = dict(MIGRATE, vmid=100, confirm=True, confirm_vmid=100)
    async with start_server(with_pdm(pve_env, pdm_env)) as srv:
        text = error_text(await srv.call_name('pdm_pve_qemu_vm_remote_migrate', running))
    assert "can't migrate running VM without --online" in text, text


async def test_a_guest_outside_the_vmid_allowlist_is_refused_through_the_manager(pve_env, pdm_env, start_server):
    confirmed = dict(MIGRATE, confirm=True, confirm_vmid=101)
    async with start_server(with_pdm(pve_env, pdm_env, PVE_VMID_ALLOWLIST='100')) as srv:
        before = pdm_env.request_count()
        text = error_text(await srv.call_name('pdm_pve_qemu_vm_remote_migrate', confirmed))
        sent = pdm_env.requests_since(before)
    assert 'guest `101`' in text and 'PVE_VMID_ALLOWLIST' in text, text
    assert sent == [], sent


async def test_a_remote_outside_the_remote_allowlist_is_refused_with_nothing_sent(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env, PDM_REMOTE_ALLOWLIST='pve-a')) as srv:
        before = pdm_env.request_count()
        text = error_text(await srv.call_name('pdm_pve_qemu_vm_list', {'remote': 'pve-b'}))
        sent = pdm_env.requests_since(before)
    assert 'remote `pve-b`' in text and 'PDM_REMOTE_ALLOWLIST' in text, text
    assert sent == [], sent


async def test_with_only_a_pve_no_pdm_tool_is_listed(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        assert not [t.name for t in srv.tools if t.name.startswith('pdm_')]


async def test_in_discovery_mode_a_pdm_tool_is_found_and_called(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env, PVE_TOOL_MODE='discover')) as srv:
        found = await srv.call_name('pve_search', {'query': 'list the guests of a remote qemu'})
        assert 'pdm_pve_qemu_vm_list' in found.content[0].text, found.content[0].text[:2000]
        result = await srv.call_name('pve_call', {'name': 'pdm_pve_qemu_vm_list', 'arguments': {'remote': 'pve-b'}})
    assert {g['vmid'] for g in on_pdm(result)['data']} == {300}


async def test_in_code_mode_a_program_lists_a_remote_s_guests(pve_env, pdm_env, start_server):
    program = "const g = await pve.call('pdm_pve_qemu_vm_list', {remote: 'pve-a'}); return g.map(x => x.vmid);"
    async with start_server(with_pdm(pve_env, pdm_env, PVE_TOOL_MODE='code')) as srv:
        result = await srv.call_name('pve_run', {'code': program})
    assert not result.is_error, error_text(result)
    assert '100' in result.content[0].text and '101' in result.content[0].text, result.content[0].text[:2000]


async def test_whoami_reads_the_manager_s_own_permissions(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env)) as srv:
        before = pdm_env.request_count()
        result = await srv.call_name('pve_whoami', {})
    by_product = {entry['product']: entry for entry in result.structured_content['data']}
    assert set(by_product) == {'pve', 'pdm'}
    assert by_product['pdm']['identity'] == pdm_env.token_id
    asked = [r for r in pdm_env.requests_since(before) if r[0] == 'GET' and r[1].endswith('/access/permissions')]
    assert len(asked) == 1
    # The fake answers with no ACL entries: the note speaks of the Manager, and only the tools whose
    # rules need a privilege are counted (those open to every user, or to the login's own user, pass).
    assert 'Datacenter Manager' in by_product['pdm']['no_privileges']
    assert 0 < by_product['pdm']['tools_the_login_cannot_pass'] < 320


async def test_a_tool_with_its_own_cluster_argument_reaches_the_manager(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env)) as srv:
        before = pdm_env.request_count()
        await srv.session.call_tool('pdm_ceph_clusters_get', {'cluster': 'c0ffee00-1111-2222-3333-444455556666'})
        sent = [r for r in pdm_env.requests_since(before) if '/ceph/clusters/' in r[1]]
    assert sent and sent[0][1].endswith('/ceph/clusters/c0ffee00-1111-2222-3333-444455556666'), sent


async def test_in_code_mode_search_and_describe_give_a_pdm_tools_typescript_signature(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env, PVE_TOOL_MODE='code')) as srv:
        found = (await srv.call_name('pve_search', {'query': 'list the VMs on remote pve-a'})).structured_content
        described = (await srv.call_name('pve_describe', {'names': ['pdm_pve_qemu_vm_list']})).structured_content
    [hit] = [h for h in found['data'] if h['name'] == 'pdm_pve_qemu_vm_list']
    assert 'pdm_pve_qemu_vm_list(args: {' in hit['signature'] and 'remote: string' in hit['signature'], hit
    [entry] = described['data']
    assert 'pdm_pve_qemu_vm_list(args: {' in entry['signature'], entry
