"""tools/call against fakepve: reads, writes read back, lenient arguments, PVE's errors passed on, and
arguments or tools refused before anything is sent."""

import json

import pytest

import harness
from harness import error_text, ok_data

pytestmark = pytest.mark.anyio

NODES = '/nodes'
QEMU = '/nodes/{node}/qemu'
LXC = '/nodes/{node}/lxc'
CONFIG = '/nodes/{node}/qemu/{vmid}/config'
API = '/api2/json'


# ------------------------------------------------------------------ reads

async def test_node_list_names_the_node(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        nodes = ok_data(await srv.call('GET', NODES))
        assert [n['node'] for n in nodes] == [pve_env.node]


async def test_vm_list_on_node_returns_both_vms(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        node = ok_data(await srv.call('GET', NODES))[0]['node']
        vms = ok_data(await srv.call('GET', QEMU, node=node))
        assert dict((vm['vmid'], (vm['name'], vm['status'])) for vm in vms) == {
            100: ('web', 'running'), 101: ('db', 'stopped')}


async def test_container_list_on_node_returns_the_container(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        cts = ok_data(await srv.call('GET', LXC, node=pve_env.node))
        assert [ct['vmid'] for ct in cts] == [200]


async def test_vm_config_returns_its_name(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        config = ok_data(await srv.call('GET', CONFIG, node=pve_env.node, vmid=100))
        assert config['name'] == 'web'
        assert config['scsi0'].startswith('local-lvm:vm-100-disk-0')


async def test_result_is_pves_data_verbatim_as_compact_json(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        result = await srv.call('GET', CONFIG, node=pve_env.node, vmid=101)
        data = ok_data(result)
    assert data == await pve_env.get('/nodes/{0}/qemu/101/config'.format(pve_env.node))
    # A configuration read adds its property strings as objects; the text copy is the whole structure.
    assert result.content[0].text == json.dumps(result.structured_content, separators=(',', ':'), ensure_ascii=False)


async def test_call_requests_the_concrete_pve_path(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        before = pve_env.request_count()
        ok_data(await srv.call('GET', CONFIG, node=pve_env.node, vmid=100))
        sent = pve_env.requests_since(before)
    assert [(m, p) for m, p, _ in sent] == [('GET', '{0}/nodes/{1}/qemu/100/config'.format(API, pve_env.node))]


# ------------------------------------------------------------------ writes

async def test_config_change_is_read_back(pve_env, start_server):
    text = 'changed by pve-mcp integration test'
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        changed = ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, description=text,
                                         onboot=True))['changed']
        assert changed['description'] == {'before': None, 'after': text}
        sent = pve_env.requests_since(before)
        path = '{0}/nodes/{1}/qemu/101/config'.format(API, pve_env.node)
        pending = path[:-len('/config')] + '/pending'
        # Read before (for the report of what changed), written once, read back, and what is pending.
        assert [(m, p) for m, p, _ in sent] == [('GET', path), ('PUT', path), ('GET', path), ('GET', pending)]
        config = ok_data(await srv.call('GET', CONFIG, node=pve_env.node, vmid=101))
    assert config['description'] == text
    assert str(config['onboot']).lower() in ('1', 'true')
    vm = pve_env.pve.vm(101)
    assert vm.config['description'] == text


async def test_property_string_given_as_object_is_written_as_pve_text(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101,
                               net1={'model': 'e1000', 'bridge': 'vmbr1', 'firewall': True}))
    parts = pve_env.pve.vm(101).config['net1'].split(',')
    assert parts[0] == 'model=e1000' or parts[0].startswith('e1000')
    assert set(parts[1:]) == {'bridge=vmbr1', 'firewall=1'}


async def test_rename_of_running_vm_applies_at_once(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=100, name='web-renamed'))
        vms = ok_data(await srv.call('GET', QEMU, node=pve_env.node))
    assert pve_env.pve.vm(100).name == 'web-renamed'
    assert 'web-renamed' in [vm['name'] for vm in vms]


# ------------------------------------------------------------------ lenient arguments

async def test_vmid_as_string_is_accepted(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        config = ok_data(await srv.call('GET', CONFIG, node=pve_env.node, vmid='100'))
        assert config['name'] == 'web'


async def test_boolean_as_string_is_accepted(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid='101', onboot='true'))
    assert str(pve_env.pve.vm(101).config['onboot']).lower() in ('1', 'true')


async def test_integer_as_string_is_accepted(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        ok_data(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, cores='3'))
    assert str(pve_env.pve.vm(101).config['cores']) == '3'


# ------------------------------------------------------------------ PVE's errors

async def test_pve_validation_error_is_passed_on_with_its_field(pve_env, start_server):
    """A boot order naming a device the VM lacks is well-formed, so only PVE can refuse it: HTTP 400
    'Parameter verification failed.' with errors {"boot": "invalid bootorder: ..."}."""
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        text = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, boot='order=scsi5'))
        writes = [r for r in pve_env.requests_since(before) if r[0] == 'PUT']
        assert len(writes) == 1, 'the request should have reached PVE'
    assert 'Parameter verification failed' in text
    assert 'boot' in text
    assert "invalid bootorder: device 'scsi5' does not exist" in text
    assert pve_env.pve.vm(101).config['boot'] == 'order=scsi0;net0'


async def test_pve_error_message_is_passed_on(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        text = error_text(await srv.call('GET', CONFIG, node=pve_env.node, vmid=999))
    assert "Configuration file 'nodes/{0}/qemu-server/999.conf' does not exist".format(pve_env.node) in text


async def test_pve_http_error_status_is_an_error(pve_env, start_server):
    pve_env.pve.fail('GET', '/nodes/{0}/qemu'.format(pve_env.node), status=503, message='service unavailable now')
    async with start_server(pve_env.server_env()) as srv:
        text = error_text(await srv.call('GET', QEMU, node=pve_env.node))
    assert 'service unavailable now' in text


# ------------------------------------------------------------------ refused before sending

@pytest.mark.parametrize('vmid', [5, 99, 'abc', '', 1.5, -100])
async def test_invalid_vmid_is_refused_naming_it_and_nothing_is_sent(pve_env, start_server, vmid):
    async with start_server(pve_env.server_env()) as srv:
        before = pve_env.request_count()
        text = error_text(await srv.call('GET', CONFIG, node=pve_env.node, vmid=vmid))
        assert pve_env.requests_since(before) == []
    assert 'vmid' in text


async def test_missing_required_argument_is_refused_naming_it(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        before = pve_env.request_count()
        text = error_text(await srv.call('GET', CONFIG, node=pve_env.node))
        assert pve_env.requests_since(before) == []
    assert 'vmid' in text


async def test_unknown_argument_is_refused_naming_it(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        before = pve_env.request_count()
        text = error_text(await srv.call('GET', CONFIG, node=pve_env.node, vmid=100, bogus_option='1'))
        assert pve_env.requests_since(before) == []
    assert 'bogus_option' in text


async def test_property_string_object_with_unknown_key_is_refused_naming_it(pve_env, start_server):
    # A property string given as an object is checked key by key; given as text it goes to PVE as is.
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        text = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101,
                                         net0={'model': 'virtio', 'bridge': 'vmbr0', 'nosuchkey': 1}))
        assert pve_env.requests_since(before) == []
    assert 'net0' in text and 'nosuchkey' in text


async def test_property_string_text_is_left_to_pve(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101,
                                         net0='virtio,bridge=vmbr0,nosuchkey=1'))
    assert 'net0' in text and 'invalid key in comma-separated list property: nosuchkey' in text


async def test_value_outside_enum_is_refused_naming_the_field(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        text = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, ostype='windows95'))
        assert pve_env.requests_since(before) == []
    assert 'ostype' in text


async def test_all_bad_arguments_are_named_at_once(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = error_text(await srv.call('PUT', CONFIG, node=pve_env.node, vmid='abc', cores=0,
                                         ostype='windows95'))
    for field in ('vmid', 'cores', 'ostype'):
        assert field in text


async def test_tool_above_the_tier_is_refused_and_nothing_is_sent(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        name = srv.tool('PUT', CONFIG).name
    async with start_server(pve_env.server_env(tier='read-only')) as srv:
        assert name not in [t.name for t in srv.tools]
        before = pve_env.request_count()
        await srv.refusal(name, {'node': pve_env.node, 'vmid': 101, 'description': 'must not be written'})
        assert pve_env.requests_since(before) == []
    assert 'description' not in pve_env.pve.vm(101).config


async def test_tool_outside_the_categories_is_refused_and_nothing_is_sent(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        name = srv.tool('GET', NODES).name
    async with start_server(pve_env.server_env(PVE_CATEGORIES='qemu')) as srv:
        assert name not in [t.name for t in srv.tools]
        before = pve_env.request_count()
        await srv.refusal(name, {})
        assert pve_env.requests_since(before) == []


async def test_unknown_tool_is_refused_and_nothing_is_sent(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        await srv.refusal('no_such_tool_anywhere', {'node': pve_env.node})
        assert pve_env.requests_since(before) == []
