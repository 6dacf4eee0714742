"""Every vendored PVE release in one binary: each cluster is served as the release its /version names.
Against fakepve reporting 6.4, 7.4, 8.4, 9.1 and 9.2, the listing (after the release is learned)
matches that release's vendored schema endpoint by endpoint and parameter by parameter, and
pve_describe and pve_search show that release; on 8.4 a 9.2-only call, parameter, value or
property-string key is refused with nothing sent, an 8.x-only parameter or key is sent; two clusters at different releases are each checked
against their own; a cluster upgraded under the running server is served as its new release without
a restart."""

import asyncio
import contextlib
import json
import re

import pytest

import harness

pytestmark = pytest.mark.anyio

RELEASES = harness.REPO_ROOT / 'apidoc' / 'releases'
SCHEMAS = {'6.4': RELEASES / 'pve-6.4.json', '7.4': RELEASES / 'pve-7.4.json', '8.4': RELEASES / 'pve-8.json',
           '9.1': RELEASES / 'pve-9.1.json', '9.2': harness.APIDOC}
# Arguments the server adds to a tool's own: the gate's echoes, task waiting, the cluster.
OVERLAY = {'confirm', 'confirm_vmid', 'confirm_name', 'wait', 'task_timeout', 'cluster'}
VERSION = ('GET', '/api2/json/version')


def runs(env, release):
    env.pve.version, env.pve.release_version = release + '.1', release


def unnamed(path):
    """A path with its placeholders unnamed: a renamed placeholder is the same endpoint."""
    return re.sub(r'\{[^}]+\}', '{}', path)


def closed_to_tokens(release):
    """The endpoints a release marks `allowtoken: 0`."""
    out = set()

    def walk(node):
        for method, info in (node.get('info') or {}).items():
            if str(info.get('allowtoken', 1)) in ('0', 'False', 'false'):
                out.add((method, unnamed(node['path'])))
        for child in node.get('children') or []:
            walk(child)
    for root in json.loads(SCHEMAS[release].read_text()):
        walk(root)
    return out


def vendored(release):
    """(METHOD, unnamed path) -> (non-path parameters, indexed stems) of a release's schema, every
    endpoint offered to an API token. Whether a token may call an endpoint the primary schema has
    is the primary's word (7.4 closed a few TFA reads to tokens that 9.2 opens)."""
    out = {}
    primary = set(vendored_all('9.2'))
    closed = closed_to_tokens('9.2') | {k for k in closed_to_tokens(release) if k not in primary}
    for key, value in vendored_all(release).items():
        if key not in closed:
            out[key] = value
    return out


def vendored_all(release):
    """(METHOD, unnamed path) -> (non-path parameters, indexed stems) of every endpoint of a release."""
    out = {}

    def walk(node):
        for method, info in (node.get('info') or {}).items():
            placeholders = set(re.findall(r'\{([^}]+)\}', node['path']))
            props = (info.get('parameters') or {}).get('properties') or {}
            plain = {p for p in props if not p.endswith('[n]') and p not in placeholders}
            stems = {p[:-3] for p in props if p.endswith('[n]')}
            out[(method, unnamed(node['path']))] = (plain, stems)
        for child in node.get('children') or []:
            walk(child)
    for root in json.loads(SCHEMAS[release].read_text()):
        walk(root)
    return out


def listed(tool):
    method, path = harness.endpoint(tool)
    schema = tool.input_schema
    placeholders = set(re.findall(r'\{([^}]+)\}', path))
    plain = set(schema.get('properties', {})) - OVERLAY - placeholders
    stems = {re.sub(r'^\^|\[0-9\]\+\$$', '', k).replace('\\', '') for k in schema.get('patternProperties', {})}
    return (method, unnamed(path)), (plain, stems)


async def learned(srv):
    """One call (which starts the background read of /version), a moment, and the listing again."""
    await srv.call_name('nodes_list', {})
    await asyncio.sleep(0.5)
    await srv.call_name('nodes_list', {})
    return await harness.list_all_tools(srv.session)


@contextlib.asynccontextmanager
async def serving_8_4(pve_env, start_server):
    """A server at tier full whose cluster runs 8.4, its release learned."""
    runs(pve_env, '8.4')
    async with start_server(pve_env.server_env(tier='full')) as srv:
        await learned(srv)
        yield srv


def sent_since(env, before):
    """The requests the cluster got since `before`, but the release reads."""
    return [r for r in env.pve.requests[before:] if (r[0], r[1]) != VERSION]


@pytest.mark.parametrize('release', sorted(SCHEMAS))
async def test_the_listing_is_the_releases_schema_endpoint_by_endpoint_and_parameter_by_parameter(
        release, pve_env, start_server, tools_doc):
    runs(pve_env, release)
    async with start_server(pve_env.server_env(tier='full')) as srv:
        tools = await learned(srv)
    left_out = {(m, unnamed(p)) for m, p in tools_doc.left_out}
    expected = {k: v for k, v in vendored(release).items() if k not in left_out}
    got = dict(listed(t) for t in tools if harness.meta(t).get(harness.META_PATH))
    assert sorted(set(got) - set(expected)) == [], 'listed, but not in PVE {0}'.format(release)
    assert sorted(set(expected) - set(got)) == [], 'in PVE {0}, but not listed'.format(release)
    wrong = [(k, got[k], expected[k]) for k in expected if got[k] != expected[k]]
    assert wrong == [], 'parameters differ from PVE {0}: {1}'.format(release, wrong[:3])


async def test_describe_shows_the_parameters_of_the_clusters_release(pve_env, start_server):
    runs(pve_env, '8.4')
    async with start_server(pve_env.server_env(tier='full', PVE_TOOL_MODE='discover')) as srv:
        await learned(srv)
        result = await srv.call_name('pve_describe', {'names': ['node_vzdump', 'node_config_update',
                                                                 'qemu_vm_config_update']})
    assert not result.is_error, harness.texts(result)
    by_name = {t['name']: t for t in result.structured_content['data']}
    assert 'notification-policy' in by_name['node_vzdump']['inputSchema']['properties']
    assert 'location' not in by_name['node_config_update']['inputSchema']['properties']
    qemu = by_name['qemu_vm_config_update']['inputSchema']
    assert 'aw-bits' not in qemu['properties']['machine']['description']
    assert 'cyls=' in qemu['patternProperties']['^scsi[0-9]+$']['description']


async def test_on_8_4_what_only_9_2_has_is_refused_with_nothing_sent(pve_env, start_server):
    async with serving_8_4(pve_env, start_server) as srv:
        before = len(pve_env.pve.requests)
        tool = await srv.refusal('qemu_vm_dbus_vmstate', {'node': 'pve1', 'vmid': 100, 'action': 'start'})
        param = await srv.refusal('node_config_update', {'node': 'pve1', 'location': 'rack 1'})
        value = await srv.refusal('node_config_get', {'node': 'pve1', 'property': 'location'})
        sent = sent_since(pve_env, before)
    assert '`qemu_vm_dbus_vmstate` needs PVE 9.1 or newer; the cluster runs 8.4' in tool, tool
    assert 'parameter `location` of `node_config_update` needs PVE 9.2 or newer' in param, param
    assert 'value `location` of parameter `property`' in value, value
    assert all('nothing was sent' in m for m in (tool, param, value))
    assert sent == []


async def test_on_8_4_a_parameter_only_8_has_is_sent(pve_env, start_server):
    async with serving_8_4(pve_env, start_server) as srv:
        before = len(pve_env.pve.requests)
        await srv.call_name('node_vzdump', {'node': 'pve1', 'vmid': '100', 'notification-policy': 'always'})
        sent = pve_env.pve.requests[before:]
    vzdump = [r for r in sent if r[0] == 'POST' and r[1] == '/api2/json/nodes/pve1/vzdump']
    assert vzdump and b'notification-policy=always' in vzdump[0][2], sent


async def test_on_8_4_a_property_string_key_only_9_has_is_refused_with_nothing_sent(pve_env, start_server):
    async with serving_8_4(pve_env, start_server) as srv:
        before = len(pve_env.pve.requests)
        text = await srv.refusal('qemu_vm_config_update', {'node': 'pve1', 'vmid': 100, 'machine': 'q35,aw-bits=39'})
        obj = await srv.refusal('qemu_vm_config_update', {'node': 'pve1', 'vmid': 100,
                                                          'machine': {'type': 'q35', 'aw-bits': 39}})
        sent = sent_since(pve_env, before)
    for message in (text, obj):
        assert ('key `aw-bits` of parameter `machine` of `qemu_vm_config_update` needs PVE 9.1 or newer; '
                'the cluster runs 8.4') in message, message
    assert sent == []


async def test_on_8_4_a_property_string_key_only_8_has_is_sent(pve_env, start_server):
    async with serving_8_4(pve_env, start_server) as srv:
        before = len(pve_env.pve.requests)
        await srv.call_name('qemu_vm_config_update', {'node': 'pve1', 'vmid': 100, 'scsi5': 'local-lvm:1,cyls=100'})
        # `freeze-fs-on-backup` is a key of its own up to 8.x (an alias of 9.1's `freeze-fs` since):
        # merged into the configuration and written as given.
        await srv.call_name('qemu_vm_config_update', {'node': 'pve1', 'vmid': 100,
                                                      'agent': {'enabled': 1, 'freeze-fs-on-backup': False}})
        sent = pve_env.pve.requests[before:]
    put = [r for r in sent if r[0] == 'PUT' and r[1] == '/api2/json/nodes/pve1/qemu/100/config']
    assert len(put) == 2, sent
    assert b'scsi5=local-lvm%3A1%2Ccyls%3D100' in put[0][2], put[0]
    assert b'agent=1%2Cfreeze-fs-on-backup%3D0' in put[1][2], put[1]


async def test_two_clusters_at_different_releases_are_each_served_as_their_own(pve_env, tmp_path, start_server):
    from fakepve_launcher import running_fakepve
    from test_clusters import cluster_table, secret_variable
    pki = tmp_path / 'pki-new'
    pki.mkdir()
    async with running_fakepve(str(pki)) as new:
        runs(pve_env, '8.4')
        runs(new, '9.2')
        path = tmp_path / 'pve-mcp.toml'
        path.write_text('access_tier = "full"\ntool_mode = "direct"\n\n' + cluster_table('old', pve_env)
                        + cluster_table('new', new))
        settings = {'PVE_MCP_CONFIG': str(path), secret_variable('old'): pve_env.token_secret,
                    secret_variable('new'): new.token_secret}
        async with start_server(settings) as srv:
            for cluster in ('old', 'new'):
                await srv.call_name('nodes_list', {'cluster': cluster})
            await asyncio.sleep(0.5)
            old = await srv.refusal('node_config_update', {'cluster': 'old', 'node': 'pve1', 'location': 'x'})
            before = len(new.pve.requests)
            await srv.call_name('node_config_update', {'cluster': 'new', 'node': 'pve1', 'location': 'x'})
            sent = [r for r in new.pve.requests[before:] if (r[0], r[1]) != VERSION]
            init = srv.init.instructions
    assert 'cluster `old` runs 8.4' in old, old
    assert ('PUT', '/api2/json/nodes/pve1/config') in [r[:2] for r in sent]
    assert 'PVE release:' in init


async def test_a_cluster_upgraded_under_the_running_server_is_served_as_its_new_release(pve_env, start_server):
    runs(pve_env, '8.4')
    async with start_server(pve_env.server_env(tier='full', PVE_REQUEST_TIMEOUT='2')) as srv:
        await learned(srv)
        first = await srv.refusal('node_config_update', {'node': 'pve1', 'location': 'x'})
        # The upgrade: the node restarts on 9.2, so the server's connections to it drop.
        runs(pve_env, '9.2')
        pve_env.pve.flaky_network(drop_rate=1.0)
        await srv.session.call_tool('nodes_list', {})
        pve_env.pve.flaky_network(drop_rate=0.0)
        tools = await learned(srv)
        before = len(pve_env.pve.requests)
        await srv.call_name('node_config_update', {'node': 'pve1', 'location': 'x'})
        sent = sent_since(pve_env, before)
    assert 'needs PVE 9.2 or newer' in first
    assert ('PUT', '/api2/json/nodes/pve1/config') in [r[:2] for r in sent]
    assert any(t.name == 'qemu_vm_dbus_vmstate' for t in tools)


@pytest.mark.parametrize('release, found', [('8.4', False), ('9.2', True)])
async def test_search_finds_only_what_the_clusters_release_has(release, found, pve_env, start_server):
    runs(pve_env, release)
    async with start_server(pve_env.server_env(tier='full', PVE_TOOL_MODE='discover')) as srv:
        await learned(srv)
        result = await srv.call_name('pve_search', {'query': 'dbus vmstate of a virtual machine', 'limit': 20})
    names = [t['name'] for t in result.structured_content['data']]
    assert names and ('qemu_vm_dbus_vmstate' in names) == found, names


async def test_a_tool_only_an_older_release_has_is_sent_to_a_cluster_running_it(pve_env, start_server):
    runs(pve_env, '6.4')
    async with start_server(pve_env.server_env(tier='full')) as srv:
        tools = await learned(srv)
        before = len(pve_env.pve.requests)
        await srv.call_name('node_cpu_list', {'node': 'pve1'})
        sent = [r[:2] for r in pve_env.pve.requests[before:] if (r[0], r[1]) != VERSION]
    assert any(t.name == 'node_cpu_list' for t in tools)
    assert sent == [('GET', '/api2/json/nodes/pve1/cpu')]


async def test_clusters_at_different_releases_list_what_any_has_saying_on_which_it_is_not(
        pve_env, tmp_path, start_server):
    from fakepve_launcher import running_fakepve
    from test_clusters import cluster_table, secret_variable
    pki = tmp_path / 'pki-new'
    pki.mkdir()
    async with running_fakepve(str(pki)) as new:
        runs(pve_env, '8.4')
        runs(new, '9.2')
        path = tmp_path / 'pve-mcp.toml'
        path.write_text('access_tier = "full"\ntool_mode = "direct"\n\n' + cluster_table('old', pve_env)
                        + cluster_table('new', new))
        settings = {'PVE_MCP_CONFIG': str(path), secret_variable('old'): pve_env.token_secret,
                    secret_variable('new'): new.token_secret}
        async with start_server(settings) as srv:
            for cluster in ('old', 'new'):
                await srv.call_name('nodes_list', {'cluster': cluster})
            await asyncio.sleep(0.5)
            await srv.call_name('nodes_list', {'cluster': 'new'})
            tools = {t.name: t for t in await harness.list_all_tools(srv.session)}
    newer = tools['qemu_vm_dbus_vmstate']
    assert newer.description.endswith('Not on cluster `old` (PVE 8.x).'), newer.description
    notes = [(t.name, p) for t in tools.values() for p, v in t.input_schema.get('properties', {}).items()
             if 'Not on cluster `old` (PVE 8.x).' in (v.get('description') or '')]
    assert notes, 'a parameter 9.2 added says the 8.4 cluster lacks it'
    eight, primary = vendored_all('8.4'), vendored_all('9.2')
    older_only = [t for t in tools.values() if listed(t)[0] in eight and listed(t)[0] not in primary]
    assert older_only and all('Not on cluster `new` (PVE 9.2).' in t.description for t in older_only)


async def test_the_listing_changes_as_soon_as_the_release_read_is_answered(pve_env, start_server):
    from test_toolsets import ListChanges
    runs(pve_env, '8.4')
    changes = ListChanges()
    async with start_server(pve_env.server_env(tier='full', PVE_TOOL_MODE='direct'), message_handler=changes) as srv:
        await srv.call_name('nodes_list', {})
        await changes.wait()
        names = {t.name for t in await harness.list_all_tools(srv.session)}
    assert 'qemu_vm_dbus_vmstate' not in names, 'listed as 8.4 without a second call'


@pytest.mark.parametrize('release, found', [('6.4', True), ('9.2', False)])
async def test_search_finds_a_tool_only_an_older_release_has_on_a_cluster_running_it(
    release, found, pve_env, start_server
):
    runs(pve_env, release)
    async with start_server(pve_env.server_env(tier='full', PVE_TOOL_MODE='discover')) as srv:
        await learned(srv)
        result = await srv.call_name('pve_search', {'query': 'list the CPU models of node pve1', 'limit': 5})
    names = [t['name'] for t in result.structured_content['data']]
    assert names and ('node_cpu_list' in names) == found, names


async def test_with_clusters_at_different_releases_search_finds_an_older_only_tool_and_names_its_cluster(
    pve_env, tmp_path, start_server
):
    from fakepve_launcher import running_fakepve
    from test_clusters import cluster_table, secret_variable
    pki = tmp_path / 'pki-new'
    pki.mkdir()
    async with running_fakepve(str(pki)) as new:
        runs(pve_env, '6.4')
        runs(new, '9.2')
        path = tmp_path / 'pve-mcp.toml'
        path.write_text('access_tier = "full"\ntool_mode = "discover"\n\n' + cluster_table('old', pve_env)
                        + cluster_table('new', new))
        settings = {'PVE_MCP_CONFIG': str(path), secret_variable('old'): pve_env.token_secret,
                    secret_variable('new'): new.token_secret}
        async with start_server(settings) as srv:
            for cluster in ('old', 'new'):
                await srv.call_name('pve_call', {'name': 'nodes_list', 'arguments': {'cluster': cluster}})
            await asyncio.sleep(0.5)
            result = await srv.call_name('pve_search', {'query': 'list the CPU models of node pve1', 'limit': 5})
    hits = {t['name']: t for t in result.structured_content['data']}
    assert 'node_cpu_list' in hits, list(hits)
    assert hits['node_cpu_list']['clusters'] == ['old'], hits['node_cpu_list']


async def test_a_backup_server_beside_keeps_its_tools_listed_once_the_pve_release_is_known(
        pve_env, pbs_env, start_server):
    runs(pve_env, '8.4')
    env = pve_env.server_env(tier='full', PVE_TOOL_MODE='direct', PBS_URL=pbs_env.url, PBS_TOKEN_ID=pbs_env.token_id,
                             PBS_TOKEN_SECRET=pbs_env.token_secret, PBS_CA_FILE=pbs_env.ca_file)
    async with start_server(env) as srv:
        before = {t.name for t in await harness.list_all_tools(srv.session)}
        after = {t.name for t in await learned(srv)}
    pbs = {n for n in before if n.startswith('pbs_')}
    assert pbs and pbs <= after, sorted(pbs - after)[:5]
    assert 'qemu_vm_dbus_vmstate' in before and 'qemu_vm_dbus_vmstate' not in after
