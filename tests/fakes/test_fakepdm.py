"""The fake PDM behaves as Proxmox Datacenter Manager does: remotes, their guests, tasks through PDM, wording.

Every test talks plain HTTPS to the fake (aiohttp), as a client of PDM would.
"""

import json
import re

import aiohttp
import pytest

from fakes.proxmox_fake.schema import is_task, sample
from fakes.proxmox_fake.validate import ParameterError, SchemaError, verify_value

pytestmark = pytest.mark.anyio

PVE_UPID_RE = re.compile(r'^pve:(?P<remote>[^!]+)!UPID:(?P<node>[^:]+):[0-9A-F]{8}:[0-9A-F]{8}:(?P<start>[0-9A-F]{8}):'
                         r'(?P<type>[^:]+):(?P<id>[^:]*):(?P<user>[^:]+):$')


async def call(env, method, path, headers=None, auth=True, **kwargs):
    hdrs = {'Authorization': env.authorization} if auth else {}
    hdrs.update(headers or {})
    async with aiohttp.ClientSession() as http:
        async with http.request(method, env.url + '/api2/json' + path, ssl=env.ssl_context(), headers=hdrs,
                                **kwargs) as resp:
            return resp.status, await resp.text()


async def data(env, method, path, **kwargs):
    status, text = await call(env, method, path, **kwargs)
    assert status == 200, (status, text)
    return json.loads(text)['data']


async def pve_task(env, remote, upid):
    return await data(env, 'GET', '/pve/remotes/{0}/tasks/{1}/status'.format(remote, upid))


# ------------------------------------------------------------------------- remotes

async def test_the_remotes_are_two_pve_clusters_and_a_pbs(pdm):
    remotes = await data(pdm, 'GET', '/remotes/remote')
    assert [(r['id'], r['type']) for r in remotes] == [('pbs-main', 'pbs'), ('pve-a', 'pve'), ('pve-b', 'pve')]
    assert all(r['token'] == '' for r in remotes)


async def test_a_remote_is_added_once_and_removed(pdm):
    remote = {'id': 'pve-c', 'type': 'pve', 'nodes': 'hostname=c1.example.com', 'authid': 'root@pam!pdm',
              'token': 'secret'}
    await data(pdm, 'POST', '/remotes/remote', data=remote)
    assert await call(pdm, 'POST', '/remotes/remote', data=remote) == (400, 'entry "pve-c" already exists')
    assert await data(pdm, 'GET', '/pve/remotes/pve-c/qemu') == []
    await data(pdm, 'DELETE', '/remotes/remote/pve-c')
    assert await call(pdm, 'DELETE', '/remotes/remote/pve-c') == (404, 'no such entry "pve-c"')


async def test_the_resource_list_holds_every_remotes_guests(pdm):
    listed = await data(pdm, 'GET', '/resources/list', params={'resource-type': 'qemu'})
    guests = dict((entry['remote'], [r['id'] for r in entry['resources']]) for entry in listed)
    assert guests == {'pbs-main': [], 'pve-a': ['remote/pve-a/guest/100', 'remote/pve-a/guest/101'],
                      'pve-b': ['remote/pve-b/guest/300']}


async def test_a_remotes_vms_are_listed_with_node_and_status(pdm):
    vms = await data(pdm, 'GET', '/pve/remotes/pve-a/qemu')
    assert [(v['vmid'], v['name'], v['status']) for v in vms] == [(100, 'web', 'running'), (101, 'db', 'stopped')]
    assert [v['vmid'] for v in await data(pdm, 'GET', '/pve/remotes/pve-a/lxc')] == [200]


async def test_a_vms_status_through_pdm(pdm):
    status = await data(pdm, 'GET', '/pve/remotes/pve-a/qemu/100/status')
    assert (status['vmid'], status['status'], status['name']) == (100, 'running', 'web')


async def test_an_unknown_remote_is_404_in_pdms_words(pdm):
    assert await call(pdm, 'GET', '/pve/remotes/nope/qemu') == (404, "no such node 'nope'")


async def test_a_pbs_remote_on_a_pve_path_is_refused(pdm):
    assert await call(pdm, 'GET', '/pve/remotes/pbs-main/qemu') == (400, 'remote "pbs-main" is not a pve remote')


async def test_an_unknown_vmid_is_404(pdm):
    assert await call(pdm, 'GET', '/pve/remotes/pve-a/qemu/999/status') == (404, 'no such vmid')
    assert await call(pdm, 'GET', '/pve/remotes/pve-a/qemu/999/firewall/options') == (404, 'no such vmid')


async def test_a_vmid_that_is_no_number_gets_proxmox_schemas_wording(pdm):
    assert await call(pdm, 'GET', '/pve/remotes/pve-a/qemu/web/status') == (
        400, "parameter verification failed - 'vmid': invalid digit found in string")


async def test_only_the_pdm_token_header_authenticates(pdm):
    assert (await call(pdm, 'GET', '/remotes/remote', auth=False, headers={
        'Authorization': 'PBSAPIToken={0}:{1}'.format(pdm.token_id, pdm.token_secret)}))[0] == 401
    login = await data(pdm, 'POST', '/access/ticket', auth=False, data={
        'username': 'root@pam', 'password': pdm.fake.users['root@pam']})
    assert login['ticket'].startswith('PDM:root@pam:')
    assert (await call(pdm, 'GET', '/remotes/remote', auth=False,
                       headers={'Cookie': 'PDMAuthCookie=' + login['ticket']}))[0] == 200


# ----------------------------------------------------------------- power and tasks

async def test_starting_a_vm_answers_a_remote_upid_of_pves_form_and_ends_ok(pdm):
    upid = await data(pdm, 'POST', '/pve/remotes/pve-a/qemu/101/start', data={})
    fields = PVE_UPID_RE.match(upid).groupdict()
    assert (fields['remote'], fields['node'], fields['type'], fields['id']) == ('pve-a', 'a2', 'qmstart', '101')
    status = await pve_task(pdm, 'pve-a', upid)
    assert (status['status'], status['exitstatus']) == ('stopped', 'OK')
    assert pdm.fake.guest('pve-a', 101).status == 'running'


async def test_starting_a_running_vm_ends_the_task_with_pves_error(pdm):
    upid = await data(pdm, 'POST', '/pve/remotes/pve-a/qemu/100/start', data={})
    assert (await pve_task(pdm, 'pve-a', upid))['exitstatus'] == 'VM 100 already running'
    log = await data(pdm, 'GET', '/pve/remotes/pve-a/tasks/{0}/log'.format(upid))
    assert log[-1] == {'n': 1, 't': 'TASK ERROR: VM 100 already running'}


async def test_a_shutdown_runs_until_its_time_is_up(pdm):
    pdm.fake.time_scale = 0.05
    upid = await data(pdm, 'POST', '/pve/remotes/pve-a/lxc/200/shutdown', data={})
    assert (await pve_task(pdm, 'pve-a', upid))['status'] == 'running'
    status = await data(pdm, 'GET', '/pve/remotes/pve-a/tasks/{0}/status'.format(upid), params={'wait': '1'})
    assert status['exitstatus'] == 'OK'
    assert pdm.fake.guest('pve-a', 200).status == 'stopped'


async def test_a_task_upid_of_another_remote_is_refused(pdm):
    upid = await data(pdm, 'POST', '/pve/remotes/pve-a/qemu/101/start', data={})
    assert await call(pdm, 'GET', '/pve/remotes/pve-b/tasks/{0}/status'.format(upid)) == (
        400, "remote 'pve-b' does not match remote in upid ('pve-a')")


async def test_a_remote_upid_without_its_separator_is_a_parameter_error(pdm):
    assert await call(pdm, 'GET', '/pve/remotes/pve-a/tasks/{0}/status'.format('x' * 44)) == (
        400, "parameter verification failed - 'upid': missing '!' separator in remote upid")


async def test_a_remotes_tasks_are_listed_with_remote_upids(pdm):
    upid = await data(pdm, 'POST', '/pve/remotes/pve-a/qemu/101/start', data={})
    assert [t['upid'] for t in await data(pdm, 'GET', '/pve/remotes/pve-a/tasks')] == [upid]


# ------------------------------------------------------------------- migration

async def test_a_remote_migration_moves_the_guest_to_the_other_remote(pdm):
    upid = await data(pdm, 'POST', '/pve/remotes/pve-a/qemu/100/remote-migrate', data={
        'target': 'pve-b', 'online': '1', 'target-storage': 'local-lvm', 'target-bridge': 'vmbr0'})
    status = await pve_task(pdm, 'pve-a', upid)
    assert (status['type'], status['exitstatus']) == ('qmigrate', 'OK')
    moved = pdm.fake.guest('pve-b', 100)
    assert (moved.name, moved.node, moved.status) == ('web', 'b1', 'running')
    source = pdm.fake.guest('pve-a', 100)
    assert (source.status, source.lock) == ('stopped', 'migrate')


async def test_a_remote_migration_with_delete_removes_the_source(pdm):
    await data(pdm, 'POST', '/pve/remotes/pve-a/qemu/101/remote-migrate', data={
        'target': 'pve-b', 'target-vmid': '401', 'delete': '1', 'target-storage': 'local-lvm',
        'target-bridge': 'vmbr0'})
    assert pdm.fake.guest('pve-a', 101) is None
    assert pdm.fake.guest('pve-b', 401).name == 'db'


async def test_a_running_vm_migrates_only_online(pdm):
    upid = await data(pdm, 'POST', '/pve/remotes/pve-a/qemu/100/remote-migrate', data={
        'target': 'pve-b', 'target-storage': 'local-lvm', 'target-bridge': 'vmbr0'})
    assert (await pve_task(pdm, 'pve-a', upid))['exitstatus'] == "can't migrate running VM without --online"
    assert pdm.fake.guest('pve-b', 100) is None


async def test_a_migration_to_the_same_remote_is_refused(pdm):
    assert await call(pdm, 'POST', '/pve/remotes/pve-a/qemu/100/remote-migrate', data={
        'target': 'pve-a', 'target-storage': 'local-lvm', 'target-bridge': 'vmbr0'}) == (
        400, 'source and destination clusters must be different')


async def test_the_target_storage_and_bridge_are_required(pdm):
    status, text = await call(pdm, 'POST', '/pve/remotes/pve-a/qemu/100/remote-migrate', data={'target': 'pve-b'})
    assert (status, text) == (400, "parameter verification failed:\n"
                                   "- 'target-bridge': parameter is missing and it is not optional.\n"
                                   "- 'target-storage': parameter is missing and it is not optional.")


# ------------------------------------------------------------------ PBS through PDM

async def test_a_pbs_remotes_datastores_and_snapshots_are_read_through_pdm(pdm):
    stores = await data(pdm, 'GET', '/pbs/remotes/pbs-main/datastore')
    assert [s['name'] for s in stores] == ['offsite', 'store1']
    snaps = await data(pdm, 'GET', '/pbs/remotes/pbs-main/datastore/store1/snapshots')
    assert {'{0}/{1}'.format(s['backup-type'], s['backup-id']) for s in snaps} == {
        'vm/100', 'vm/101', 'ct/200', 'host/backup-server'}
    assert [n['ns'] for n in await data(pdm, 'GET', '/pbs/remotes/pbs-main/datastore/store1/namespaces')] == [
        '', 'lab']


async def test_a_pve_remote_on_a_pbs_path_is_refused(pdm):
    assert await call(pdm, 'GET', '/pbs/remotes/pve-a/datastore') == (400, 'remote "pve-a" is not a pbs remote')


# ---------------------------------------------------------------- the whole schema

REMOTE_FOR = {'pve': 'pve-a', 'pbs': 'pbs-main'}
SCHEMA_SAYS_OTHERWISE = {
    # The schema says a TaskStatus object; PDM's handler answers the log lines (api/pve/tasks.rs read_task_log).
    ('GET', '/pve/remotes/{remote}/tasks/{upid}/log'),
    # The schema marks every indexed option (hostpci0, net0, ...) required; a real config holds those set.
    ('GET', '/pve/remotes/{remote}/qemu/{vmid}/config'),
}


def _sample_request(template, info):
    props = (info.get('parameters') or {}).get('properties') or {}
    kind = template.split('/')[1]
    known = {'remote': REMOTE_FOR.get(kind, 'pve-a'), 'vmid': 200 if '/lxc/' in template else 100,
             'datastore': 'store1', 'node': 'a1', 'target': 'pve-b',
             'upid': 'UPID:localhost:00001234:00ABCDEF:00000001:6B000000:refreshtasks::root@pam:'}
    path = template
    for name in re.findall(r'\{([^}]+)\}', template):
        path = path.replace('{' + name + '}', str(known.get(name, sample(props.get(name, {})))))
    params = {}
    for name, sch in props.items():
        if '{' + name + '}' in template or sch.get('optional'):
            continue
        params[name] = known.get(name, sample(sch))
    return path, params


async def test_every_method_of_the_schema_answers_in_its_return_shape(pdm):
    failures = []
    async with aiohttp.ClientSession(headers={'Authorization': pdm.authorization}) as http:
        for method, template, info in pdm.fake.schema.methods():
            if info.get('method') in ('DOWNLOAD', 'UPLOAD'):
                continue
            path, params = _sample_request(template, info)
            kwargs = {'params': params} if method in ('GET', 'DELETE') else {'json': params}
            async with http.request(method, pdm.url + '/api2/json' + path, ssl=pdm.ssl_context(), **kwargs) as resp:
                text = await resp.text()
            if resp.status in (400, 404) or (template == '/access/ticket' and resp.status == 401):
                continue  # refused for its state, in PDM's words
            if resp.status != 200:
                failures.append((method, template, resp.status, text))
                continue
            returns = info.get('returns') or {}
            value = json.loads(text)['data']
            if is_task(method, info) or (method, template) in SCHEMA_SAYS_OTHERWISE:
                continue
            if returns.get('type') not in (None, 'null') and returns.get('description') != 'A remote UPID':
                try:
                    verify_value(returns, value)
                except (SchemaError, ParameterError) as exc:
                    failures.append((method, template, 'shape', str(exc)))
    assert failures == [], '\n'.join(map(repr, failures))
