"""Writes that do what the operator meant, against fakepve through the real binary: partial property
strings merged into the current value under its digest, `null` as `delete`, results that say what
changed, configuration reads with property strings as objects, and output schemas PVE's answers meet."""

import json
import urllib.parse

import jsonschema
import pytest

import harness
from harness import error_text, ok_data

pytestmark = pytest.mark.anyio

CONFIG = '/nodes/{node}/qemu/{vmid}/config'
LXC_CONFIG = '/nodes/{node}/lxc/{vmid}/config'
API = '/api2/json'
DIGEST_CHANGED = 'detected modified configuration - file changed by other user? Try again.'


def sent_writes(pve_env, path):
    """The form bodies of the PUT/POST requests fakepve got on `path`, decoded."""
    out = []
    for method, p, body in pve_env.calls():
        if method in ('PUT', 'POST') and p == API + path:
            text = body.decode() if isinstance(body, bytes) else str(body or '')
            out.append(dict(urllib.parse.parse_qsl(text)))
    return out


def vm_config_path(pve_env, vmid):
    return '/nodes/{0}/qemu/{1}/config'.format(pve_env.node, vmid)


# ------------------------------------------------------------------ merging property strings

async def test_a_partial_net0_keeps_model_and_mac_and_carries_the_digest(pve_env, start_server):
    digest = pve_env.pve.vm(101).digest()
    async with start_server(pve_env.server_env('full')) as srv:
        ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, net0={'bridge': 'vmbr1'}))
    [body] = sent_writes(pve_env, vm_config_path(pve_env, 101))
    assert 'virtio' in body['net0'] and 'BC:24:11:00:01:01' in body['net0'] and 'bridge=vmbr1' in body['net0']
    assert body['digest'] == digest
    assert 'BC:24:11:00:01:01' in pve_env.pve.vm(101).config['net0']


async def test_the_result_names_the_changed_key_with_before_and_after(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        data = ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, net0={'bridge': 'vmbr1'}))
    change = data['changed']['net0']
    assert 'bridge=vmbr0' in change['before'] and 'bridge=vmbr1' in change['after']
    assert list(data['changed']) == ['net0']


async def test_a_sub_key_given_as_null_is_removed(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, scsi0={'size': None, 'iothread': True}))
    [body] = sent_writes(pve_env, vm_config_path(pve_env, 101))
    assert 'size=' not in body['scsi0'] and 'iothread=1' in body['scsi0']
    assert body['scsi0'].startswith('local-lvm:vm-101-disk-0')


async def test_a_string_replaces_the_value_as_written(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, net0='e1000,bridge=vmbr2'))
    [body] = sent_writes(pve_env, vm_config_path(pve_env, 101))
    assert body['net0'] == 'e1000,bridge=vmbr2' and 'digest' not in body


async def test_a_new_indexed_entry_is_made_from_the_object_alone(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, net1={'model': 'e1000', 'bridge': 'vmbr1'}))
    [body] = sent_writes(pve_env, vm_config_path(pve_env, 101))
    assert body['net1'] == 'e1000,bridge=vmbr1'


async def test_a_new_entry_without_its_required_key_is_refused_before_writing(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        message = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, net1={'bridge': 'vmbr1'}))
    assert '`net1.model`: is required' in message and 'nothing was sent' in message
    assert sent_writes(pve_env, vm_config_path(pve_env, 101)) == []


async def test_an_unknown_sub_key_is_refused_before_anything_is_sent(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        before = pve_env.request_count()
        message = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, net0={'colour': 'red'}))
        assert pve_env.request_count() == before
    assert '`net0.colour`' in message and 'unknown key' in message


async def test_a_merge_whose_read_fails_sends_nothing(pve_env, start_server):
    pve_env.pve.fail('GET', vm_config_path(pve_env, 101), 500, 'cfs-lock timeout')
    async with start_server(pve_env.server_env('full')) as srv:
        message = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, net0={'bridge': 'vmbr1'}))
    assert 'could not read the current configuration' in message and 'nothing was sent' in message
    assert sent_writes(pve_env, vm_config_path(pve_env, 101)) == []


async def test_the_asynchronous_update_reports_its_task_and_what_changed(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        result = await srv.call('POST', CONFIG, node=pve_env.node, vmid=101, net0={'firewall': True})
    assert not result.is_error, harness.texts(result)
    assert result.structured_content['task']['exitstatus'] == 'OK'
    assert 'firewall=1' in result.structured_content['data']['changed']['net0']['after']


# ------------------------------------------------------------------ delete, digest, results

async def test_a_top_level_null_becomes_delete(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, vcpus=None, onboot=None))
    [body] = sent_writes(pve_env, vm_config_path(pve_env, 101))
    assert sorted(body['delete'].split(',')) == ['onboot', 'vcpus']


async def test_a_stale_digest_refusal_says_the_configuration_changed(pve_env, start_server):
    pve_env.pve.fail('PUT', vm_config_path(pve_env, 101), 500, DIGEST_CHANGED)
    async with start_server(pve_env.server_env('full')) as srv:
        message = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, net0={'bridge': 'vmbr1'}))
    assert 'changed since it was read' in message and 'Read it again' in message


async def test_a_callers_own_digest_passes_through(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        message = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, cores=3, digest='0' * 40))
    [body] = sent_writes(pve_env, vm_config_path(pve_env, 101))
    assert body['digest'] == '0' * 40
    assert 'changed since it was read' in message


async def test_a_change_a_running_guest_keeps_as_pending_is_reported_before_and_after(pve_env, start_server):
    vm = pve_env.pve.vm(100)
    assert vm.status == 'running'
    cores = vm.config.get('cores')
    async with start_server(pve_env.server_env('full')) as srv:
        data = ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=100, cores=8, description='pending test'))
    assert list(data['pending']) == ['cores'], data
    assert data['pending']['cores']['before'] == cores and str(data['pending']['cores']['after']) == '8'
    assert 'description' in data['changed'] and 'cores' not in data['changed']
    assert 'next start' in data['note'] and 'no change is visible' not in data['note']


async def test_a_pending_delete_on_a_running_guest_reads_as_after_null(pve_env, start_server):
    vm = pve_env.pve.vm(100)
    vm.config['balloon'] = 512
    async with start_server(pve_env.server_env('full')) as srv:
        data = ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=100, balloon=None))
    assert data['pending'] == {'balloon': {'before': 512, 'after': None}}, data
    assert data['changed'] == {}


async def test_a_write_pve_answers_with_nothing_names_its_target(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        data = ok_data(await srv.call('PUT', '/nodes/{node}/qemu/{vmid}/sendkey', node=pve_env.node, vmid=100,
                                      key='ret'))
    assert data == {'done': 'PUT /nodes/{0}/qemu/100/sendkey'.format(pve_env.node)}


# ------------------------------------------------------------------ reads

async def test_a_config_read_gives_property_strings_as_objects_too(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        result = await srv.call('GET', CONFIG, node=pve_env.node, vmid=100)
    data = ok_data(result)
    assert data['net0'] == 'virtio=BC:24:11:00:01:00,bridge=vmbr0,firewall=1'
    assert result.structured_content['property_strings']['net0'] == {
        'model': 'virtio', 'macaddr': 'BC:24:11:00:01:00', 'bridge': 'vmbr0', 'firewall': '1'}


async def test_an_object_from_a_read_writes_back_unchanged(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        result = await srv.call('GET', LXC_CONFIG, node=pve_env.node, vmid=200)
        net0 = result.structured_content['property_strings']['net0']
        assert net0 == {'name': 'eth0', 'bridge': 'vmbr0', 'ip': 'dhcp'}
        data = ok_data(await srv.call('PUT', LXC_CONFIG, node=pve_env.node, vmid=200, net0=dict(net0, bridge='vmbr1')))
    [body] = sent_writes(pve_env, '/nodes/{0}/lxc/200/config'.format(pve_env.node))
    assert body['net0'] == 'name=eth0,bridge=vmbr1,ip=dhcp'
    assert 'bridge=vmbr1' in data['changed']['net0']['after']


# ------------------------------------------------------------------ output schemas

# Values for the path and required arguments of reads, for the objects fakepve has (or the test makes).
VALUES = {'storage': 'local', 'userid': 'root@pam', 'realm': 'pam', 'poolid': 'lab', 'iface': 'vmbr0',
          'roleid': 'Administrator', 'groupid': 'ops', 'group': 'grp', 'pos': 0, 'tokenid': 'mcp',
          'ds': 'cpu', 'timeframe': 'hour', 'feature': 'snapshot', 'disk': '/dev/sda', 'volume': 'local:iso/x.iso',
          'cputype': 'custom-x', 'snapname': 'snap1', 'service': 'pveproxy', 'zone': 'z1', 'vnet': 'v1'}
# `name` means different things by path.
NAMES = {'/firewall/ipset/': 'set1', '/acme/': 'default', '/network/': 'vmbr0',
         '/sendmail/': 'mail-to-root', '/matchers/': 'default-matcher'}
# Writes whose answers have declared properties and that fakepve answers for the default guests.
TYPED_WRITES = [('POST', '/nodes/{node}/qemu/{vmid}/' + w, 100) for w in ('vncproxy', 'termproxy', 'spiceproxy')] \
    + [('POST', '/nodes/{node}/lxc/{vmid}/' + w, 200) for w in ('vncproxy', 'termproxy', 'spiceproxy')] \
    + [('POST', '/nodes/{node}/' + w, None) for w in ('vncshell', 'termproxy', 'spiceshell')]


def fill_args(pve_env, path, required, upid):
    args = {}
    for key in set(required) | set(p[1:-1] for p in path.split('/') if p.startswith('{')):
        if key == 'vmid':
            args[key] = 200 if '/lxc/' in path else 100
        elif key == 'node':
            args[key] = pve_env.node
        elif key == 'upid':
            args[key] = upid
        elif key == 'name':
            found = [v for k, v in NAMES.items() if k in path + '/']
            if not found:
                return None
            args[key] = found[0]
        elif key in VALUES:
            args[key] = VALUES[key]
        else:
            return None
    return args


async def make_objects(srv, pve_env):
    """What the reads look at beyond the default guests: firewall rules, a group, an IP set, a pool, a
    user group, a snapshot, and a task (its UPID)."""
    node = pve_env.node
    for base in ('/cluster/firewall', '/nodes/{node}/firewall', '/nodes/{node}/qemu/{vmid}/firewall',
                 '/nodes/{node}/lxc/{vmid}/firewall'):
        where = {'node': node} if '{node}' in base else {}
        if '{vmid}' in base:
            where['vmid'] = 200 if '/lxc/' in base else 100
        ok_data(await srv.call('POST', base + '/rules', type='in', action='ACCEPT', **where))
        if base != '/nodes/{node}/firewall':
            ok_data(await srv.call('POST', base + '/ipset', name='set1', **where))
    ok_data(await srv.call('POST', '/cluster/firewall/groups', group='grp'))
    ok_data(await srv.call('POST', '/cluster/firewall/groups/{group}', group='grp', type='in', action='ACCEPT'))
    ok_data(await srv.call('POST', '/pools', poolid='lab'))
    await srv.call('POST', '/cluster/sdn/zones', zone='z1', type='simple')
    await srv.call('POST', '/cluster/sdn/vnets', vnet='v1', zone='z1')
    ok_data(await srv.call('POST', '/access/groups', groupid='ops', confirm=True, confirm_name='ops'))
    await srv.call('POST', '/nodes/{node}/qemu/{vmid}/snapshot', node=node, vmid=100, snapname='snap1')
    await srv.call('POST', '/nodes/{node}/lxc/{vmid}/snapshot', node=node, vmid=200, snapname='snap1')
    task = await srv.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', node=node, vmid=101)
    return task.structured_content['task']['upid']


async def test_qemu_vm_list_and_at_least_200_others_declare_an_output_schema(pve_env, start_server):
    async with start_server(pve_env.server_env('full')) as srv:
        typed = [t for t in srv.tools if t.output_schema]
        vm_list = srv.tool('GET', '/nodes/{node}/qemu')
    assert vm_list.output_schema is not None
    assert len(typed) >= 201
    for tool in typed:
        assert tool.output_schema['type'] == 'object', tool.name
        jsonschema.Draft202012Validator.check_schema(tool.output_schema)


async def test_fakepves_answers_satisfy_every_declared_output_schema(pve_env, start_server):
    checked = []
    async with start_server(pve_env.server_env('full')) as srv:
        upid = await make_objects(srv, pve_env)
        for tool in srv.tools:
            method, path = harness.endpoint(tool)
            if method != 'GET' or not tool.output_schema:
                continue
            args = fill_args(pve_env, path, tool.input_schema.get('required') or [], upid)
            if args is None:
                continue
            # The SDK client validates structuredContent against the listed schema itself; check again.
            result = await srv.call_name(tool.name, args)
            if result.is_error:
                continue
            jsonschema.validate(result.structured_content, tool.output_schema)
            checked.append(tool.name)
        for method, path, vmid in TYPED_WRITES:
            tool = srv.tool(method, path)
            where = {'node': pve_env.node, 'vmid': vmid} if vmid else {'node': pve_env.node}
            if 'confirm' in tool.input_schema.get('properties', {}):
                # Gated (a console ticket, say): the user's confirmation, echoing the target.
                where = dict(where, confirm=True,
                             **({'confirm_vmid': str(vmid)} if vmid else {'confirm_name': pve_env.node}))
            result = await srv.call(method, path, **where)
            assert not result.is_error, harness.texts(result)
            jsonschema.validate(result.structured_content, tool.output_schema)
            checked.append(tool.name)
    assert 'qemu_vm_list' in checked
    # qemu_vm_list and at least 200 others.
    assert len(set(checked)) >= 201, len(set(checked))
