"""Allowlists: with PVE_NODE_ALLOWLIST and PVE_VMID_ALLOWLIST (VMIDs as lists and ranges) a call naming a
node or guest outside them is refused before anything is sent, the message naming the variable; listings
leave out the guests and nodes outside them."""

import pytest

from harness import error_text, ok_data, ok_task

pytestmark = pytest.mark.anyio

NODES = '/nodes'
RESOURCES = '/cluster/resources'
QEMU = '/nodes/{node}/qemu'
LXC = '/nodes/{node}/lxc'
CONFIG = '/nodes/{node}/qemu/{vmid}/config'
CT_CONFIG = '/nodes/{node}/lxc/{vmid}/config'
CLONE = '/nodes/{node}/qemu/{vmid}/clone'
MIGRATE = '/nodes/{node}/qemu/{vmid}/migrate'
START = '/nodes/{node}/qemu/{vmid}/status/start'
STARTALL = '/nodes/{node}/startall'
BULK_START = '/cluster/bulk-action/guest/start'
HA_RESOURCE = '/cluster/ha/resources/{sid}'


def allowlisted(pve_env, tier='full', nodes='pve1', vmids='100-150'):
    return pve_env.server_env(tier=tier, PVE_NODE_ALLOWLIST=nodes, PVE_VMID_ALLOWLIST=vmids)


async def refused_and_nothing_sent(pve_env, srv, method, path, **arguments) -> str:
    before = pve_env.request_count()
    text = error_text(await srv.call(method, path, **arguments))
    assert pve_env.requests_since(before) == [], 'a refused call must send nothing'
    return text


# ------------------------------------------------------------------ refusals

async def test_guest_outside_the_vmid_allowlist_is_refused_naming_the_variable(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'GET', CT_CONFIG, node=pve_env.node, vmid=200)
    assert 'PVE_VMID_ALLOWLIST' in text and '200' in text


async def test_guest_inside_the_vmid_allowlist_is_served(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        assert ok_data(await srv.call('GET', CONFIG, node=pve_env.node, vmid=101))['name'] == 'db'


async def test_vmid_allowlist_may_list_single_ids_and_ranges(pve_env, start_server):
    async with start_server(allowlisted(pve_env, vmids='101, 190-210')) as srv:
        assert ok_data(await srv.call('GET', CT_CONFIG, node=pve_env.node, vmid=200))
        assert ok_data(await srv.call('GET', CONFIG, node=pve_env.node, vmid=101))
        text = await refused_and_nothing_sent(pve_env, srv, 'GET', CONFIG, node=pve_env.node, vmid=100)
    assert 'PVE_VMID_ALLOWLIST' in text


async def test_node_outside_the_node_allowlist_is_refused_naming_the_variable(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'GET', QEMU, node='pve2')
    assert 'PVE_NODE_ALLOWLIST' in text and 'pve2' in text


async def test_clone_to_a_new_id_outside_the_allowlist_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'POST', CLONE, node=pve_env.node, vmid=101, newid=300)
    assert 'PVE_VMID_ALLOWLIST' in text and 'newid' in text and '300' in text
    assert pve_env.pve.vm(300) is None


async def test_clone_inside_the_allowlist_is_done(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        ok_task(await srv.call('POST', CLONE, node=pve_env.node, vmid=101, newid=130, name='db-copy'))
    assert pve_env.pve.vm(130) is not None


async def test_migration_to_a_node_outside_the_allowlist_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'POST', MIGRATE, node=pve_env.node, vmid=101,
                                              target='pve2')
    assert 'PVE_NODE_ALLOWLIST' in text and 'pve2' in text


async def test_write_to_a_guest_outside_the_allowlist_is_refused(pve_env, start_server):
    pve_env.pve.add_vm(160, 'outside', node=pve_env.node, status='stopped')
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'POST', START, node=pve_env.node, vmid=160)
    assert 'PVE_VMID_ALLOWLIST' in text
    assert pve_env.pve.vm(160).status == 'stopped'


async def test_bulk_action_on_all_guests_is_refused_under_a_vmid_allowlist(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'POST', STARTALL, node=pve_env.node,
                                              confirm=True, confirm_name=pve_env.node)
    assert 'PVE_VMID_ALLOWLIST' in text


async def test_guest_list_with_one_guest_outside_the_allowlist_is_refused(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'POST', BULK_START, vms=[101, 200], confirm=True)
    assert 'PVE_VMID_ALLOWLIST' in text and '200' in text


@pytest.mark.parametrize('sid', ['vm:200', 'ct:200', '200'])
async def test_ha_resource_id_naming_a_guest_outside_the_allowlist_is_refused(pve_env, start_server, sid):
    # An HA resource id names its guest: `vm:200`, `ct:200`, or the bare VMID (PVE's format
    # pve-ha-resource-or-vm-id).
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'GET', HA_RESOURCE, sid=sid)
    assert 'PVE_VMID_ALLOWLIST' in text


async def test_allowlist_refusal_comes_before_the_confirmation_gate(pve_env, start_server):
    pve_env.pve.add_vm(160, 'outside', node=pve_env.node, status='stopped')
    async with start_server(allowlisted(pve_env)) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'DELETE', '/nodes/{node}/qemu/{vmid}',
                                              node=pve_env.node, vmid=160, confirm=True, confirm_vmid=160)
    assert 'PVE_VMID_ALLOWLIST' in text
    assert pve_env.pve.vm(160) is not None


# ------------------------------------------------------------------ listings

async def test_vm_listing_leaves_out_guests_outside_the_allowlist(pve_env, start_server):
    pve_env.pve.add_vm(160, 'outside', node=pve_env.node, status='stopped')
    async with start_server(allowlisted(pve_env)) as srv:
        vms = ok_data(await srv.call('GET', QEMU, node=pve_env.node))
    assert sorted(vm['vmid'] for vm in vms) == [100, 101]


async def test_container_listing_leaves_out_guests_outside_the_allowlist(pve_env, start_server):
    async with start_server(allowlisted(pve_env)) as srv:
        assert ok_data(await srv.call('GET', LXC, node=pve_env.node)) == []


async def test_cluster_resources_leave_out_guests_outside_the_allowlist(pve_env, start_server):
    pve_env.pve.add_vm(160, 'outside', node=pve_env.node, status='stopped')
    async with start_server(allowlisted(pve_env)) as srv:
        resources = ok_data(await srv.call('GET', RESOURCES))
    guests = sorted(r['vmid'] for r in resources if 'vmid' in r)
    assert guests == [100, 101]
    assert [r['node'] for r in resources if r.get('type') == 'node'] == [pve_env.node]


async def test_cluster_resources_leave_out_nodes_outside_the_allowlist(pve_env, start_server):
    pve_env.pve.add_node('pve2')
    pve_env.pve.add_vm(120, 'elsewhere', node='pve2', status='running')
    async with start_server(allowlisted(pve_env)) as srv:
        resources = ok_data(await srv.call('GET', RESOURCES))
    assert 'pve2' not in [r.get('node') for r in resources]
    assert sorted(r['vmid'] for r in resources if 'vmid' in r) == [100, 101]


async def test_node_listing_leaves_out_nodes_outside_the_allowlist(pve_env, start_server):
    pve_env.pve.add_node('pve2')
    async with start_server(allowlisted(pve_env)) as srv:
        nodes = ok_data(await srv.call('GET', NODES))
    assert [n['node'] for n in nodes] == [pve_env.node]


async def test_listings_are_whole_without_allowlists(pve_env, start_server):
    pve_env.pve.add_vm(160, 'outside', node=pve_env.node, status='stopped')
    async with start_server(pve_env.server_env()) as srv:
        resources = ok_data(await srv.call('GET', RESOURCES))
    assert sorted(r['vmid'] for r in resources if 'vmid' in r) == [100, 101, 160, 200]
