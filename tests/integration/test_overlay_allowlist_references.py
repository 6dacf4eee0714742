"""Allowlists, second round: guests and nodes are found wherever PVE encodes them (volume ids, backup
archives, disks and mount points inside property strings, replication job ids, task ids, HA rules,
node lists, mapping entries), a call that would act on every guest (an empty or missing guest list,
`all`, `pool`) is refused, listings leave out what is not allowed, and indexed arguments stay within
their range. Each refusal names the argument and sends nothing to PVE.

The server runs with PVE_NODE_ALLOWLIST=pve1 and PVE_VMID_ALLOWLIST=100-150; VM 160 (and CT 250) are
outside."""

import pytest

from harness import error_text, ok_data, ok_task

pytestmark = pytest.mark.anyio

STORAGE_VOLUME = '/nodes/{node}/storage/{storage}/content/{volume}'
STORAGE_CONTENT = '/nodes/{node}/storage/{storage}/content'
QEMU = '/nodes/{node}/qemu'
LXC = '/nodes/{node}/lxc'
CONFIG = '/nodes/{node}/qemu/{vmid}/config'
CT_CONFIG = '/nodes/{node}/lxc/{vmid}/config'
REPLICATION = '/cluster/replication'
NODE_REPLICATION = '/nodes/{node}/replication'
TASKS = '/nodes/{node}/tasks'
TASK_LOG = '/nodes/{node}/tasks/{upid}/log'
TASK_STATUS = '/nodes/{node}/tasks/{upid}/status'
TASK = '/nodes/{node}/tasks/{upid}'
VZDUMP = '/nodes/{node}/vzdump'
EXTRACTCONFIG = '/nodes/{node}/vzdump/extractconfig'
FILE_RESTORE = '/nodes/{node}/storage/{storage}/file-restore/list'
PRUNE = '/nodes/{node}/storage/{storage}/prunebackups'
BACKUP_JOBS = '/cluster/backup'
BACKUP_JOB = '/cluster/backup/{id}'
HA_RULES = '/cluster/ha/rules'
HA_RESOURCES = '/cluster/ha/resources'
SDN_ZONES = '/cluster/sdn/zones'
MAPPING_DIR = '/cluster/mapping/dir'
FABRIC_NODE = '/cluster/sdn/fabrics/node/{fabric_id}/{node_id}'
CEPH_MON = '/nodes/{node}/ceph/mon/{monid}'
POOL = '/pools/{poolid}'
CLUSTER_STATUS = '/cluster/status'
CLUSTER_TASKS = '/cluster/tasks'

OUTSIDE_BACKUP = 'local:backup/vzdump-qemu-160-2025_01_01-00_00_00.vma.zst'


def allowlisted(pve_env):
    return pve_env.server_env(tier='full', PVE_NODE_ALLOWLIST='pve1', PVE_VMID_ALLOWLIST='100-150')


async def refused(pve_env, srv, method, template, /, **arguments) -> str:
    """The refusal's message, after checking that nothing at all reached PVE."""
    before = pve_env.request_count()
    text = error_text(await srv.call_name(srv.tool(method, template).name, arguments))
    assert pve_env.requests_since(before) == [], 'a refused call must send nothing'
    return text


def add_outside_guest(pve_env):
    """VM 160, outside the VMID allowlist, with a disk on local-lvm."""
    pve_env.pve.add_vm(160, 'outside', node=pve_env.node, status='stopped',
                       config={'scsi0': 'local-lvm:vm-160-disk-0,size=8G', 'memory': 512})


def add_backups(pve_env, *vmids):
    """A backup archive per guest on storage `local`."""
    volumes = pve_env.pve.storages['local'].setdefault('volumes', {})
    for vmid in vmids:
        volumes['backup/vzdump-qemu-{0}-2025_01_01-00_00_00.vma.zst'.format(vmid)] = {
            'content': 'backup', 'format': 'vma.zst', 'size': 1024, 'vmid': vmid, 'ctime': 0}


def answer_listing(pve_env, template, data):
    """Make fakepve answer GET `template` (a part it does not model) with `data`."""
    pve = pve_env.pve
    original = pve.synthesise

    async def synthesise(match, method, info, user, values):
        if method == 'GET' and match.template == template:
            return data
        return await original(match, method, info, user, values)
    pve.synthesise = synthesise


def upid(node, kind, vmid):
    return 'UPID:{0}:0000ABCD:00001234:65A0B1C2:{1}:{2}:root@pam:'.format(node, kind, vmid)


def add_task(pve_env, node, kind, vmid):
    """A finished task in fakepve's task log."""
    text = upid(node, kind, vmid)
    record = {'upid': text, 'node': node, 'pid': 0xABCD, 'pstart': 0x1234, 'starttime': 0x65A0B1C2, 'type': kind,
              'id': str(vmid), 'user': 'root@pam', 'status': 'stopped', 'exitstatus': 'OK', 'endtime': 0x65A0B1C3,
              'log': ['TASK OK']}
    pve_env.pve.tasks[text] = record
    pve_env.pve.tasklog.append(record)
    return text


# ------------------------------------------------------------------ point 1: volumes and archives

@pytest.mark.parametrize('volume', ['vm-160-disk-0', 'local-lvm:vm-160-disk-0'])
async def test_deleting_another_guests_volume_is_refused(pve_env, start_server, volume):
    add_outside_guest(pve_env)
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'DELETE', STORAGE_VOLUME, node=pve_env.node, storage='local-lvm',
                             volume=volume, confirm=True, confirm_name=volume)
    assert 'PVE_VMID_ALLOWLIST' in text and '`volume`' in text and '160' in text


@pytest.mark.parametrize('volume', [
    'local-lvm:base-160-disk-0',
    'local-lvm:base-100-disk-0/vm-160-disk-1',
    'local-zfs:subvol-160-disk-0',
    'local:160/vm-160-disk-0.qcow2',
    OUTSIDE_BACKUP,
    'local:backup/vzdump-lxc-250-2025_01_01-00_00_00.tar.zst',
    'pbs:backup/vm/160/2025-01-01T00:00:00Z',
])
async def test_reading_a_volume_that_names_another_guest_is_refused(pve_env, start_server, volume):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'GET', STORAGE_VOLUME, node=pve_env.node, storage='local-lvm',
                             volume=volume)
    assert 'PVE_VMID_ALLOWLIST' in text and '`volume`' in text


async def test_reading_an_allowed_guests_volume_is_served(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        info = ok_data(await srv.call('GET', STORAGE_VOLUME, node=pve_env.node, storage='local-lvm',
                                      volume='local-lvm:vm-100-disk-0'))
    assert info


@pytest.mark.parametrize('disk', [
    'local-lvm:vm-160-disk-0',
    'file=local-lvm:vm-160-disk-0,size=8G',
    {'file': 'local-lvm:vm-160-disk-0'},
    'local-lvm:0,import-from=local-lvm:vm-160-disk-0',
    {'file': 'local-lvm:0', 'import-from': 'local-lvm:vm-160-disk-0'},
])
async def test_attaching_another_guests_disk_is_refused(pve_env, start_server, disk):
    add_outside_guest(pve_env)
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'PUT', CONFIG, node=pve_env.node, vmid=101, scsi1=disk)
    assert 'PVE_VMID_ALLOWLIST' in text and '`scsi1`' in text and '160' in text
    assert 'scsi1' not in pve_env.pve.vm(101).config


async def test_an_unused_disk_entry_of_another_guest_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'PUT', CONFIG, node=pve_env.node, vmid=101,
                             unused0='local-lvm:vm-160-disk-0')
    assert '`unused0`' in text and '160' in text


async def test_a_container_mount_point_on_another_guests_volume_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'PUT', CT_CONFIG, node=pve_env.node, vmid=120,
                             mp0='local-lvm:subvol-250-disk-0,mp=/srv')
    assert '`mp0`' in text and '250' in text


async def test_attaching_the_guests_own_disk_is_sent(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        before = pve_env.request_count()
        await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, scsi1='local-lvm:vm-101-disk-1')
        assert pve_env.requests_since(before), 'an allowed disk must reach PVE'


async def test_restoring_another_guests_backup_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', QEMU, node=pve_env.node, vmid=120, archive=OUTSIDE_BACKUP)
    assert '`archive`' in text and '160' in text
    assert pve_env.pve.vm(120) is None


async def test_a_container_from_another_guests_backup_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', LXC, node=pve_env.node, vmid=120,
                             ostemplate='local:backup/vzdump-lxc-250-2025_01_01-00_00_00.tar.zst')
    assert '`ostemplate`' in text and '250' in text


async def test_a_replication_job_for_another_guest_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', REPLICATION, id='160-0', target='pve1', type='local')
    assert '`id`' in text and '160' in text and 'PVE_VMID_ALLOWLIST' in text


async def test_a_replication_job_of_an_allowed_guest_is_sent(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        before = pve_env.request_count()
        await srv.call('GET', '/cluster/replication/{id}', id='100-0')
        assert pve_env.requests_since(before)


# ------------------------------------------------------------------ point 9: "all guests"

@pytest.mark.parametrize('path', ['/nodes/{node}/startall', '/nodes/{node}/stopall', '/nodes/{node}/suspendall',
                                  '/nodes/{node}/migrateall'])
@pytest.mark.parametrize('vms', [None, '', 'missing'])
async def test_node_bulk_actions_without_guests_are_refused(pve_env, start_server, path, vms):
    extra = {'target': 'pve1'} if path.endswith('migrateall') else {}
    if vms != 'missing':
        extra['vms'] = vms
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', path, node=pve_env.node, confirm=True,
                             confirm_name=pve_env.node, **extra)
    assert '`vms`' in text and 'every guest' in text and 'PVE_VMID_ALLOWLIST' in text


@pytest.mark.parametrize('action', ['start', 'shutdown', 'suspend', 'migrate'])
@pytest.mark.parametrize('vms', [None, [], 'missing'])
async def test_cluster_bulk_actions_without_guests_are_refused(pve_env, start_server, action, vms):
    extra = {'target': 'pve1'} if action == 'migrate' else {}
    if vms != 'missing':
        extra['vms'] = vms
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', '/cluster/bulk-action/guest/' + action, confirm=True, **extra)
    assert '`vms`' in text and 'every guest' in text


@pytest.mark.parametrize('arguments, named', [
    ({'all': True}, '`all`'),
    ({'vmid': None, 'all': True}, '`all`'),
    ({'vmid': '100', 'all': True}, '`all`'),
    ({'pool': 'lab'}, '`pool`'),
    ({'vmid': '100', 'pool': 'lab'}, '`pool`'),
    ({}, '`vmid`'),
    ({'vmid': ''}, '`vmid`'),
])
async def test_backups_of_every_guest_are_refused(pve_env, start_server, arguments, named):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', VZDUMP, node=pve_env.node, storage='local', **arguments)
    assert named in text and 'every guest' in text


async def test_a_backup_excluding_a_guest_outside_the_allowlist_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', VZDUMP, node=pve_env.node, storage='local', vmid='100',
                             exclude='160')
    assert '`exclude`' in text and '160' in text


async def test_a_backup_of_named_allowed_guests_runs(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        ok_task(await srv.call('POST', VZDUMP, node=pve_env.node, storage='local', vmid='100'))


@pytest.mark.parametrize('arguments, named', [({'all': True}, '`all`'), ({'pool': 'lab'}, '`pool`'),
                                              ({'vmid': '100,160'}, '`vmid`')])
async def test_backup_jobs_for_every_guest_are_refused(pve_env, start_server, arguments, named):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', BACKUP_JOBS, schedule='daily', storage='local', **arguments)
        assert named in text
        text = await refused(pve_env, srv, 'PUT', BACKUP_JOB, id='backup-1', **arguments)
        assert named in text


async def test_pruning_every_guests_backups_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'DELETE', PRUNE, node=pve_env.node, storage='local',
                             confirm=True, confirm_name='local')
    assert '`vmid`' in text and 'every guest' in text


async def test_pruning_another_guests_backups_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'DELETE', PRUNE, node=pve_env.node, storage='local', vmid=160,
                             confirm=True, confirm_name='local')
    assert '`vmid`' in text and '160' in text


# ------------------------------------------------------------------ point 10: other arguments

@pytest.mark.parametrize('path', [TASK_LOG, TASK_STATUS, TASK])
async def test_a_task_of_another_guest_is_refused(pve_env, start_server, path):
    task = add_task(pve_env, pve_env.node, 'qmstart', 160)
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'DELETE' if path == TASK else 'GET', path, node=pve_env.node, upid=task)
    assert '`upid`' in text and '160' in text and 'PVE_VMID_ALLOWLIST' in text


async def test_a_task_on_another_node_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'GET', TASK_STATUS, node=pve_env.node, upid=upid('pve2', 'qmstart', 100))
    assert '`upid`' in text and 'pve2' in text and 'PVE_NODE_ALLOWLIST' in text


async def test_a_task_of_an_allowed_guest_is_served(pve_env, start_server):
    task = add_task(pve_env, pve_env.node, 'qmstart', 101)
    async with start_server(allowlisted(pve_env)) as srv:
        assert ok_data(await srv.call('GET', TASK_STATUS, node=pve_env.node, upid=task))['upid'] == task


async def test_an_ha_rule_naming_another_guest_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', HA_RULES, rule='keep-apart', type='resource-affinity',
                             affinity='negative', resources='vm:100,vm:160')
    assert '`resources`' in text and '160' in text


async def test_extracting_the_config_of_another_guests_backup_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'GET', EXTRACTCONFIG, node=pve_env.node, volume=OUTSIDE_BACKUP)
    assert '`volume`' in text and '160' in text


async def test_file_restore_from_another_guests_backup_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'GET', FILE_RESTORE, node=pve_env.node, storage='pbs',
                             volume='backup/vm/160/2025-01-01T00:00:00Z', filepath='/')
    assert '`volume`' in text and '160' in text


async def test_sdn_exit_nodes_outside_the_node_allowlist_are_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', SDN_ZONES, zone='evpn1', type='evpn', controller='ctl',
                             exitnodes='pve1,pve2')
    assert '`exitnodes`' in text and 'pve2' in text and 'PVE_NODE_ALLOWLIST' in text


async def test_a_mapping_entry_for_another_node_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', MAPPING_DIR, id='share',
                             map=['node=pve1,path=/srv/share', 'node=pve2,path=/srv/share'])
    assert '`map`' in text and 'pve2' in text


async def test_a_fabric_node_outside_the_node_allowlist_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'GET', FABRIC_NODE, fabric_id='fab1', node_id='pve2')
    assert '`node_id`' in text and 'pve2' in text


async def test_a_ceph_monitor_named_for_another_node_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'POST', CEPH_MON, node=pve_env.node, monid='pve2')
    assert '`monid`' in text and 'pve2' in text


@pytest.mark.parametrize('path, named', [('/vms/160', '160'), ('/nodes/pve2', 'pve2'), ('/', 'every guest'),
                                         ('/vms', 'every guest'), ('/pool/lab', 'every guest')])
async def test_permissions_on_guests_or_nodes_outside_the_allowlists_are_refused(pve_env, start_server, path, named):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused(pve_env, srv, 'PUT', '/access/acl', path=path, roles='PVEVMAdmin', users='mallory@pve')
    assert '`path`' in text and named in text


async def test_permissions_on_an_allowed_guest_are_sent(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        before = pve_env.request_count()
        acl = srv.tool('PUT', '/access/acl').name
        await srv.call_name(acl, {'path': '/vms/101', 'roles': 'PVEAuditor', 'users': 'alice@pve',
                                  'confirm': True, 'confirm_name': '/vms/101'})
        assert pve_env.requests_since(before)


# ------------------------------------------------------------------ listings

async def test_storage_content_leaves_out_other_guests_volumes(pve_env, start_server):
    add_outside_guest(pve_env)
    async with start_server(allowlisted(pve_env)) as srv:
        volumes = ok_data(await srv.call('GET', STORAGE_CONTENT, node=pve_env.node, storage='local-lvm'))
    volids = sorted(v['volid'] for v in volumes)
    assert volids == ['local-lvm:vm-100-disk-0', 'local-lvm:vm-101-disk-0']


async def test_backup_listing_leaves_out_other_guests_backups(pve_env, start_server):
    add_backups(pve_env, 101, 160, 250)
    async with start_server(allowlisted(pve_env)) as srv:
        backups = ok_data(await srv.call('GET', STORAGE_CONTENT, node=pve_env.node, storage='local', content='backup'))
    assert [b['vmid'] for b in backups] == [101]


async def test_node_task_list_leaves_out_other_guests_and_nodes_tasks(pve_env, start_server):
    add_task(pve_env, pve_env.node, 'qmstart', 101)
    add_task(pve_env, pve_env.node, 'qmstart', 160)
    async with start_server(allowlisted(pve_env)) as srv:
        tasks = ok_data(await srv.call('GET', TASKS, node=pve_env.node))
    assert [t['id'] for t in tasks] == ['101']


async def test_cluster_task_list_leaves_out_other_guests_and_nodes_tasks(pve_env, start_server):
    answer_listing(pve_env, CLUSTER_TASKS, [
        {'upid': upid('pve1', 'qmstart', 101), 'node': 'pve1', 'id': '101', 'type': 'qmstart'},
        {'upid': upid('pve1', 'qmstart', 160), 'node': 'pve1', 'id': '160', 'type': 'qmstart'},
        {'upid': upid('pve2', 'aptupdate', ''), 'node': 'pve2', 'id': '', 'type': 'aptupdate'},
    ])
    async with start_server(allowlisted(pve_env)) as srv:
        tasks = ok_data(await srv.call('GET', CLUSTER_TASKS))
    assert [t['id'] for t in tasks] == ['101']


async def test_replication_listings_leave_out_other_guests_jobs(pve_env, start_server):
    jobs = [{'id': '101-0', 'guest': 101, 'source': 'pve1', 'target': 'pve1', 'type': 'local'},
            {'id': '160-0', 'guest': 160, 'source': 'pve1', 'target': 'pve1', 'type': 'local'},
            {'id': '102-0', 'guest': 102, 'source': 'pve1', 'target': 'pve2', 'type': 'local'}]
    answer_listing(pve_env, REPLICATION, jobs)
    answer_listing(pve_env, NODE_REPLICATION, jobs)
    async with start_server(allowlisted(pve_env)) as srv:
        assert [j['id'] for j in ok_data(await srv.call('GET', REPLICATION))] == ['101-0']
        assert [j['id'] for j in ok_data(await srv.call('GET', NODE_REPLICATION, node=pve_env.node))] == ['101-0']


async def test_ha_resource_listing_leaves_out_other_guests(pve_env, start_server):
    answer_listing(pve_env, HA_RESOURCES, [{'sid': 'vm:101', 'type': 'vm', 'state': 'started'},
                                           {'sid': 'vm:160', 'type': 'vm', 'state': 'started'},
                                           {'sid': 'ct:250', 'type': 'ct', 'state': 'started'}])
    async with start_server(allowlisted(pve_env)) as srv:
        resources = ok_data(await srv.call('GET', HA_RESOURCES))
    assert [r['sid'] for r in resources] == ['vm:101']


async def test_pool_members_leave_out_other_guests(pve_env, start_server):
    pve_env.pve.add_vm(160, 'outside', node=pve_env.node, status='stopped', pool='lab')
    pve_env.pve.add_vm(120, 'inside', node=pve_env.node, status='stopped', pool='lab')
    async with start_server(allowlisted(pve_env)) as srv:
        pool = ok_data(await srv.call('GET', POOL, poolid='lab'))
    assert [m['vmid'] for m in pool['members'] if 'vmid' in m] == [120]


async def test_pool_listing_leaves_out_other_guests(pve_env, start_server):
    pve_env.pve.add_vm(160, 'outside', node=pve_env.node, status='stopped', pool='lab')
    pve_env.pve.add_vm(120, 'inside', node=pve_env.node, status='stopped', pool='lab')
    async with start_server(allowlisted(pve_env)) as srv:
        pools = ok_data(await srv.call('GET', '/pools', poolid='lab'))
    assert [m['vmid'] for m in pools[0]['members'] if 'vmid' in m] == [120]


async def test_backup_job_listing_leaves_out_jobs_naming_other_guests(pve_env, start_server):
    answer_listing(pve_env, BACKUP_JOBS, [{'id': 'backup-1', 'vmid': '100,101', 'storage': 'local'},
                                          {'id': 'backup-2', 'vmid': '101,160', 'storage': 'local'}])
    async with start_server(allowlisted(pve_env)) as srv:
        jobs = ok_data(await srv.call('GET', BACKUP_JOBS))
    assert [j['id'] for j in jobs] == ['backup-1']


async def test_cluster_status_leaves_out_nodes_outside_the_allowlist(pve_env, start_server):
    pve_env.pve.add_node('pve2')
    async with start_server(allowlisted(pve_env)) as srv:
        status = ok_data(await srv.call('GET', CLUSTER_STATUS))
    assert [s['name'] for s in status if s['type'] == 'node'] == ['pve1']
    assert [s['type'] for s in status].count('cluster') == 1


async def test_prune_listing_leaves_out_other_guests_backups(pve_env, start_server):
    answer_listing(pve_env, PRUNE, [
        {'volid': 'local:backup/vzdump-qemu-101-2025_01_01-00_00_00.vma.zst', 'vmid': 101, 'mark': 'keep'},
        {'volid': OUTSIDE_BACKUP, 'vmid': 160, 'mark': 'remove'}])
    async with start_server(allowlisted(pve_env)) as srv:
        listed = ok_data(await srv.call('GET', PRUNE, node=pve_env.node, storage='local'))
    assert [b['vmid'] for b in listed] == [101]


# ------------------------------------------------------------------ point 16: index ranges

@pytest.mark.parametrize('path, argument, stem, highest', [
    (CONFIG, 'net99', 'net', 31),
    (CONFIG, 'net32', 'net', 31),
    (CONFIG, 'scsi31', 'scsi', 30),
    (CONFIG, 'usb14', 'usb', 13),
    (CONFIG, 'hostpci16', 'hostpci', 15),
    (CT_CONFIG, 'mp256', 'mp', 255),
    (CT_CONFIG, 'net32', 'net', 31),
])
async def test_an_index_out_of_range_is_refused_naming_the_argument(pve_env, start_server, path, argument, stem,
                                                                    highest):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        vmid = 200 if path == CT_CONFIG else 101
        text = await refused(pve_env, srv, 'PUT', path, node=pve_env.node, vmid=vmid, **{argument: 'x'})
    assert '`{0}`'.format(argument) in text and 'from 0 to {0}'.format(highest) in text


async def test_the_highest_index_is_accepted(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, net31='virtio,bridge=vmbr0')
        assert pve_env.requests_since(before)
