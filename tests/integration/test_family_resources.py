"""Resources and completion of the Backup Server and the Datacenter Manager, and per PVE release,
through the official MCP client: with the fake PBS beside fakepve, its datastores, namespaces, backup
groups and snapshots are resources and completion values, within PBS_DATASTORES, PBS_NAMESPACES and the
VMID allowlist; with the fake PDM, its remotes and their guests, within PDM_REMOTE_ALLOWLIST and the
VMID allowlist; with PVE alone nothing of either is listed; and a cluster whose release is known lists
the resources its release has."""

import asyncio
import json

import pytest
from mcp.shared.exceptions import MCPError
from mcp.types import ResourceTemplateReference

pytestmark = pytest.mark.anyio

PVE_TEMPLATES = ['pve://nodes/{node}', 'pve://nodes/{node}/guests/{vmid}',
                 'pve://nodes/{node}/storage/{storage}/content', 'pve://tasks/{upid}']


def with_pbs(pve_env, pbs_env, **lists):
    return pve_env.server_env(tier='full', PBS_URL=pbs_env.url, PBS_TOKEN_ID=pbs_env.token_id,
                              PBS_TOKEN_SECRET=pbs_env.token_secret, PBS_CA_FILE=pbs_env.ca_file, **lists)


def with_pdm(pve_env, pdm_env, **lists):
    return pve_env.server_env(tier='full', PDM_URL=pdm_env.url, PDM_TOKEN_ID=pdm_env.token_id,
                              PDM_TOKEN_SECRET=pdm_env.token_secret, PDM_CA_FILE=pdm_env.ca_file, **lists)


def resource_json(result):
    assert len(result.contents) == 1, result
    return json.loads(result.contents[0].text)


async def listed(srv):
    fixed = [str(r.uri) for r in (await srv.session.list_resources()).resources]
    templates = [t.uri_template for t in (await srv.session.list_resource_templates()).resource_templates]
    return fixed, templates


async def offered(srv, template, name, typed='', **context):
    ref = ResourceTemplateReference(type='ref/resource', uri=template)
    done = await srv.session.complete(ref, {'name': name, 'value': typed}, context or None)
    return done.completion.values


GROUPS = 'pve://pbs/datastores/{store}/groups{?ns,cluster}'
SNAPSHOTS = 'pve://pbs/datastores/{store}/groups/{backup_type}/{backup_id}/snapshots{?ns,cluster}'
REMOTE_GUEST = 'pve://pdm/remotes/{remote}/guests/{vmid}{?cluster}'
REMOTE_NODE = 'pve://pdm/remotes/{remote}/nodes/{node}{?cluster}'


# ------------------------------------------------------------------ PVE alone

async def test_with_pve_alone_nothing_of_a_backup_server_or_manager_is_listed(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        fixed, templates = await listed(srv)
    assert fixed == ['pve://cluster/overview']
    assert templates == PVE_TEMPLATES


# ------------------------------------------------------------------ Backup Server

async def test_the_backup_server_s_datastores_are_a_resource_with_their_usage(pve_env, pbs_env, start_server):
    async with start_server(with_pbs(pve_env, pbs_env)) as srv:
        fixed, templates = await listed(srv)
        usage = resource_json(await srv.session.read_resource('pve://pbs/datastores'))
    assert fixed == ['pve://cluster/overview', 'pve://pbs/datastores']
    assert GROUPS in templates and SNAPSHOTS in templates
    assert not [t for t in templates if t.startswith('pve://pdm/')]
    stores = {s['store']: s for s in usage['datastores']}
    assert set(stores) == {'store1', 'offsite'}
    assert stores['store1']['used_percent'] is not None


async def test_a_namespace_s_backup_groups_are_read(pve_env, pbs_env, start_server):
    async with start_server(with_pbs(pve_env, pbs_env)) as srv:
        root = resource_json(await srv.session.read_resource('pve://pbs/datastores/store1/groups'))
        lab = resource_json(await srv.session.read_resource('pve://pbs/datastores/store1/groups?ns=lab'))
    assert {(g['backup-type'], g['backup-id']) for g in root} >= {('vm', '100'), ('vm', '101'), ('ct', '200')}
    assert [(g['backup-type'], g['backup-id']) for g in lab] == [('vm', '100')]


async def test_vm_100_s_snapshots_are_read_with_their_verify_state(pve_env, pbs_env, start_server):
    async with start_server(with_pbs(pve_env, pbs_env)) as srv:
        snaps = resource_json(await srv.session.read_resource('pve://pbs/datastores/store1/groups/vm/100/snapshots'))
    assert len(snaps) == 3
    assert {s['backup-id'] for s in snaps} == {'100'}
    assert any((s.get('verification') or {}).get('state') == 'ok' for s in snaps), snaps


async def test_a_datastore_outside_the_allowlist_is_neither_read_nor_offered(pve_env, pbs_env, start_server):
    async with start_server(with_pbs(pve_env, pbs_env, PBS_DATASTORES='store1')) as srv:
        usage = resource_json(await srv.session.read_resource('pve://pbs/datastores'))
        before = pbs_env.request_count()
        with pytest.raises(MCPError) as refused:
            await srv.session.read_resource('pve://pbs/datastores/offsite/groups')
        sent = pbs_env.requests_since(before)
        stores = await offered(srv, GROUPS, 'store')
    assert [s['store'] for s in usage['datastores']] == ['store1']
    assert 'offsite' in refused.value.error.message and 'PBS_DATASTORES' in refused.value.error.message
    assert sent == [], 'nothing is sent for a datastore outside the allowlist'
    assert stores == ['store1']


async def test_datastores_namespaces_and_groups_are_offered_as_completion(pve_env, pbs_env, start_server):
    async with start_server(with_pbs(pve_env, pbs_env)) as srv:
        stores = await offered(srv, GROUPS, 'store')
        namespaces = await offered(srv, GROUPS, 'ns', store='store1')
        types = await offered(srv, SNAPSHOTS, 'backup_type', store='store1')
        ids = await offered(srv, SNAPSHOTS, 'backup_id', '1', store='store1', backup_type='vm')
    assert stores == ['offsite', 'store1']
    assert namespaces == ['lab']
    assert types == ['ct', 'host', 'vm']
    assert ids == ['100', '101']


async def test_completion_offers_no_group_or_namespace_a_call_would_refuse(pve_env, pbs_env, start_server):
    settings = with_pbs(pve_env, pbs_env, PVE_VMID_ALLOWLIST='100', PBS_NAMESPACES='lab')
    async with start_server(settings) as srv:
        namespaces = await offered(srv, GROUPS, 'ns', store='store1')
        ids = await offered(srv, SNAPSHOTS, 'backup_id', store='store1', ns='lab')
        root = await offered(srv, SNAPSHOTS, 'backup_id', store='store1')
    assert namespaces == ['lab']
    assert ids == ['100']
    assert root == [], 'the root namespace is outside PBS_NAMESPACES'


# ------------------------------------------------------------------ Datacenter Manager

async def test_the_manager_s_remotes_and_their_guests_are_a_resource(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env)) as srv:
        fixed, templates = await listed(srv)
        remotes = resource_json(await srv.session.read_resource('pve://pdm/remotes'))['remotes']
        guest = resource_json(await srv.session.read_resource('pve://pdm/remotes/pve-a/guests/100'))
        node = resource_json(await srv.session.read_resource('pve://pdm/remotes/pve-a/nodes/a1'))
    assert fixed == ['pve://cluster/overview', 'pve://pdm/remotes']
    assert REMOTE_GUEST in templates and not [t for t in templates if t.startswith('pve://pbs/')]
    by_name = {r['remote']: r for r in remotes}
    assert set(by_name) == {'pve-a', 'pve-b', 'pbs-main'}
    assert {g['vmid'] for g in by_name['pve-a']['guests']} == {100, 101, 200}
    assert by_name['pbs-main']['datastores']
    assert guest['type'] == 'qemu' and guest['config']['name'] == 'web'
    assert REMOTE_NODE in templates and node, node


async def test_a_remote_outside_the_allowlist_is_neither_listed_read_nor_offered(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env, PDM_REMOTE_ALLOWLIST='pve-a')) as srv:
        remotes = resource_json(await srv.session.read_resource('pve://pdm/remotes'))['remotes']
        before = pdm_env.request_count()
        with pytest.raises(MCPError) as refused:
            await srv.session.read_resource('pve://pdm/remotes/pve-b/guests/300')
        sent = [r for r in pdm_env.requests_since(before) if '/pve-b/' in r[1]]
        offered_remotes = await offered(srv, REMOTE_GUEST, 'remote')
    assert [r['remote'] for r in remotes] == ['pve-a']
    assert 'pve-b' in refused.value.error.message
    assert sent == [], 'nothing is sent to a remote outside the allowlist'
    assert offered_remotes == ['pve-a']


async def test_a_remote_s_guests_and_nodes_are_offered_within_the_vmid_allowlist(pve_env, pdm_env, start_server):
    async with start_server(with_pdm(pve_env, pdm_env, PVE_VMID_ALLOWLIST='100-299')) as srv:
        guests = await offered(srv, REMOTE_GUEST, 'vmid', remote='pve-a')
        everywhere = await offered(srv, REMOTE_GUEST, 'vmid')
        nodes = await offered(srv, REMOTE_NODE, 'node', remote='pve-a')
    assert guests == ['100', '101', '200']
    assert everywhere == ['100', '101', '200'], 'VM 300 on pve-b is outside the allowlist'
    assert nodes == ['a1', 'a2']


# ------------------------------------------------------------------ per release

async def test_once_the_release_is_known_the_resources_are_those_it_has(pve_env, start_server):
    pve_env.pve.version, pve_env.pve.release_version = '6.4.1', '6.4'
    async with start_server(pve_env.server_env()) as srv:
        await srv.call_name('nodes_list', {})
        await asyncio.sleep(0.5)
        fixed, templates = await listed(srv)
        node = resource_json(await srv.session.read_resource('pve://nodes/pve1'))
    assert fixed == ['pve://cluster/overview'], 'PVE 6.4 has /cluster/resources'
    assert templates == PVE_TEMPLATES, 'PVE 6.4 has every endpoint the templates read'
    assert node, node


async def test_with_pve_alone_a_backup_server_template_completes_nothing(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        stores = await offered(srv, GROUPS, 'store')
    assert stores == []


async def test_the_instructions_name_the_family_s_resources_only_where_configured(pve_env, pbs_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        alone = srv.init.instructions or ''
    async with start_server(with_pbs(pve_env, pbs_env)) as srv:
        with_backup_server = srv.init.instructions or ''
    assert 'pve://pbs/' not in alone and 'pve://pdm/' not in alone
    assert 'pve://pbs/datastores' in with_backup_server and 'pve://pdm/' not in with_backup_server
