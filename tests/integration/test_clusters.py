"""Several clusters from one server: a configuration file (PVE_MCP_CONFIG) with [[cluster]] tables, here
two fakepve instances: `home` at tier full and `lab` read-only. Every tool takes a `cluster` argument (an
enum of the names, required with two); each call goes to the cluster it names, under that cluster's
access; results, errors and audit lines name the cluster; one cluster down leaves the other usable."""

import asyncio
import json

import pytest

import harness
from fakepve_launcher import running_fakepve
from harness import error_text, run_startup
from http_harness import http_server, http_session, new_token, token_file
from oauth_issuer import running_issuer

pytestmark = pytest.mark.anyio

QEMU = '/nodes/{node}/qemu'
STOP = '/nodes/{node}/qemu/{vmid}/status/stop'
NODES = '/nodes'

LAB_GUESTS = (
    {'type': 'qemu', 'vmid': 300, 'name': 'labvm', 'status': 'running', 'config': {'cores': 1, 'memory': 1024}},
)


@pytest.fixture
async def lab_env(tmp_path):
    """A second fakepve: node pve1 with VM 300 "labvm" running."""
    pki = tmp_path / 'pki-lab'
    pki.mkdir()
    async with running_fakepve(str(pki), guests=LAB_GUESTS) as env:
        yield env


def cluster_table(name, env, extra=''):
    return ('[[cluster]]\nname = "{0}"\nbase_url = "{1}"\ntoken_id = "{2}"\ntoken_secret_env = "{3}"\n'
            'ca_file = "{4}"\n{5}\n').format(name, env.url, env.token_id, secret_variable(name), env.ca_file, extra)


def secret_variable(name):
    return 'TEST_{0}_TOKEN_SECRET'.format(name.upper())


def two_clusters(tmp_path, home, lab, top='', audit=None):
    """The configuration file of `home` (tier full) and `lab` (read-only); the environment to start with it."""
    text = 'access_tier = "full"\ntool_mode = "direct"\n{0}\n'.format(top)
    if audit is not None:
        text += 'audit_log = "{0}"\n'.format(audit)
    text += '\n' + cluster_table('home', home, 'tier = "full"') + cluster_table('lab', lab, 'read_only = true')
    path = tmp_path / 'pve-mcp.toml'
    path.write_text(text)
    return {'PVE_MCP_CONFIG': str(path), secret_variable('home'): home.token_secret,
            secret_variable('lab'): lab.token_secret}


def cluster_data(result, cluster):
    """The data of a successful call that names its cluster."""
    assert not result.is_error, 'the call failed: {0}'.format(error_text(result) if result.is_error else '')
    structured = result.structured_content
    assert structured.get('cluster') == cluster, 'the result must name the cluster: {0!r}'.format(structured)
    assert json.loads(result.content[0].text) == structured, 'the text copy is the structured content'
    return structured


async def refused_on(env, srv, name, arguments):
    before = env.request_count()
    text = await srv.refusal(name, arguments)
    assert env.requests_since(before) == [], 'a refused call must send nothing'
    return text


async def test_each_cluster_lists_its_own_vms(pve_env, lab_env, tmp_path, start_server):
    async with start_server(two_clusters(tmp_path, pve_env, lab_env)) as srv:
        listing = srv.tool('GET', QEMU).name
        home = cluster_data(await srv.call_name(listing, {'node': 'pve1', 'cluster': 'home'}), 'home')
        lab = cluster_data(await srv.call_name(listing, {'node': 'pve1', 'cluster': 'lab'}), 'lab')
    assert sorted(vm['name'] for vm in home['data']) == ['db', 'web']
    assert [vm['name'] for vm in lab['data']] == ['labvm']


async def test_the_cluster_argument_is_a_required_enum_of_the_names(pve_env, lab_env, tmp_path, start_server):
    async with start_server(two_clusters(tmp_path, pve_env, lab_env)) as srv:
        schema = srv.tool('GET', NODES).input_schema
        text = await refused_on(pve_env, srv, srv.tool('GET', NODES).name, {})
    assert schema['properties']['cluster']['enum'] == ['home', 'lab']
    assert 'cluster' in schema['required']
    assert '`cluster`' in text and 'home' in text and 'lab' in text


async def test_a_stop_on_the_read_only_cluster_is_refused_with_nothing_sent(pve_env, lab_env, tmp_path,
                                                                           start_server):
    async with start_server(two_clusters(tmp_path, pve_env, lab_env)) as srv:
        stop = srv.tool('POST', STOP).name
        text = await refused_on(lab_env, srv, stop, {'node': 'pve1', 'vmid': 300, 'cluster': 'lab',
                                                     'confirm': True, 'confirm_vmid': 300})
    assert 'lab' in text and 'read-only' in text and 'nothing was sent' in text
    assert lab_env.pve.vm(300).status == 'running'


async def test_a_stop_on_the_full_cluster_goes_through_and_names_it(pve_env, lab_env, tmp_path, start_server):
    async with start_server(two_clusters(tmp_path, pve_env, lab_env)) as srv:
        stop = srv.tool('POST', STOP).name
        result = await srv.call_name(stop, {'node': 'pve1', 'vmid': 100, 'cluster': 'home',
                                            'confirm': True, 'confirm_vmid': 100})
        report = cluster_data(result, 'home')
    assert report['task']['exitstatus'] == 'OK', report
    assert pve_env.pve.vm(100).status == 'stopped'
    assert lab_env.request_count() == 0, 'nothing went to the other cluster'


async def test_an_unknown_cluster_is_refused_naming_the_known_ones(pve_env, lab_env, tmp_path, start_server):
    async with start_server(two_clusters(tmp_path, pve_env, lab_env)) as srv:
        listing = srv.tool('GET', QEMU).name
        before = (pve_env.request_count(), lab_env.request_count())
        text = await srv.refusal(listing, {'node': 'pve1', 'cluster': 'work'})
        assert (pve_env.request_count(), lab_env.request_count()) == before, 'nothing may be sent'
    assert '`work`' in text and 'home, lab' in text


async def test_one_cluster_down_leaves_the_other_fully_usable(pve_env, lab_env, tmp_path, start_server):
    async with start_server(two_clusters(tmp_path, pve_env, lab_env)) as srv:
        listing = srv.tool('GET', QEMU).name
        await lab_env.pve.stop()
        down = await srv.call_name(listing, {'node': 'pve1', 'cluster': 'lab'})
        text = error_text(down)
        home = cluster_data(await srv.call_name(listing, {'node': 'pve1', 'cluster': 'home'}), 'home')
        stop = srv.tool('POST', STOP).name
        stopped = cluster_data(await srv.call_name(stop, {'node': 'pve1', 'vmid': 100, 'cluster': 'home',
                                                          'confirm': True, 'confirm_vmid': 100}), 'home')
    assert 'lab' in text
    assert sorted(vm['name'] for vm in home['data']) == ['db', 'web']
    assert stopped['task']['exitstatus'] == 'OK'


async def test_start_up_does_not_wait_for_a_cluster_that_is_down(pve_env, lab_env, tmp_path, start_server):
    settings = two_clusters(tmp_path, pve_env, lab_env)
    await lab_env.pve.stop()
    async with start_server(settings) as srv:
        listing = srv.tool('GET', QEMU).name
        home = cluster_data(await srv.call_name(listing, {'node': 'pve1', 'cluster': 'home'}), 'home')
    assert sorted(vm['name'] for vm in home['data']) == ['db', 'web']


async def test_audit_lines_name_the_cluster(pve_env, lab_env, tmp_path, start_server):
    audit = tmp_path / 'audit.jsonl'
    async with start_server(two_clusters(tmp_path, pve_env, lab_env, audit=audit)) as srv:
        stop = srv.tool('POST', STOP).name
        await srv.call_name(stop, {'node': 'pve1', 'vmid': 300, 'cluster': 'lab', 'confirm': True,
                                   'confirm_vmid': 300})
        await srv.call_name(stop, {'node': 'pve1', 'vmid': 100, 'cluster': 'home', 'confirm': True,
                                   'confirm_vmid': 100})
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(e['cluster'], e['outcome']) for e in lines] == [('lab', 'refused'), ('home', 'ok')], lines


async def test_one_configured_cluster_makes_the_argument_optional(pve_env, tmp_path, start_server):
    path = tmp_path / 'one.toml'
    path.write_text('tool_mode = "direct"\n' + cluster_table('home', pve_env))
    async with start_server({'PVE_MCP_CONFIG': str(path), secret_variable('home'): pve_env.token_secret}) as srv:
        schema = srv.tool('GET', NODES).input_schema
        nodes = cluster_data(await srv.call_name(srv.tool('GET', NODES).name, {}), 'home')
    assert schema['properties']['cluster']['enum'] == ['home']
    assert 'cluster' not in schema.get('required', [])
    assert [n['node'] for n in nodes['data']] == ['pve1']


def test_a_bad_configuration_file_stops_start_up_with_one_line_naming_file_line_and_key(tmp_path):
    path = tmp_path / 'bad.toml'
    path.write_text('access_tier = "full"\n\n[[cluster]]\nname = "home"\nbase_url = "https://127.0.0.1:1"\n'
                    'token_id = "root@pam!mcp"\ntoken_secret = "s"\ntier = "admin"\n')
    done = run_startup({'PVE_MCP_CONFIG': str(path)})
    assert done.returncode == 2
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert str(path) in lines[0] and 'line 8' in lines[0] and '`tier`' in lines[0] and '`admin`' in lines[0]


async def test_search_finds_tools_across_clusters_and_says_where_they_may_be_called(pve_env, lab_env, tmp_path,
                                                                                     start_server):
    settings = two_clusters(tmp_path, pve_env, lab_env, top='tool_mode = "discover"').copy()
    text = (tmp_path / 'pve-mcp.toml').read_text().replace('tool_mode = "direct"\n', '', 1)
    (tmp_path / 'pve-mcp.toml').write_text(text)
    async with start_server(settings) as srv:
        found = await srv.call_name('pve_search', {'query': 'stop a virtual machine', 'limit': 25})
    hits = {hit['name']: hit for hit in found.structured_content['data']}
    stop = next(hit for hit in hits.values() if hit['path'] == STOP)
    listing = next(hit for hit in hits.values() if hit['path'] == QEMU)
    assert stop['clusters'] == ['home'], 'lab is read-only'
    assert listing['clusters'] == ['home', 'lab']


async def test_the_release_check_runs_once_per_cluster_naming_it(pve_env, lab_env, tmp_path, start_server):
    async with start_server(two_clusters(tmp_path, pve_env, lab_env)) as srv:
        nodes = srv.tool('GET', NODES).name
        for cluster in ('home', 'lab', 'home', 'lab'):
            await srv.call_name(nodes, {'cluster': cluster})
        await asyncio.sleep(0.5)
        log = srv.stderr()
    versions = [r for env in (pve_env, lab_env) for r in env.pve.requests if r[1] == '/api2/json/version']
    assert len(versions) == 2, 'one /version per cluster'
    warnings = [line for line in log.splitlines() if 'generated from the PVE' in line]
    if warnings:
        assert len(warnings) == 2 and any('`home`' in w for w in warnings) and any('`lab`' in w for w in warnings)


async def test_an_http_caller_limited_to_one_cluster_cannot_call_the_other(pve_env, lab_env, tmp_path):
    alice = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'alice', 'token': alice, 'clusters': ['lab']}])
    settings = {**two_clusters(tmp_path, pve_env, lab_env), 'PVE_MCP_HTTP_TOKENS': str(tokens)}
    async with http_server(settings, tmp_path / 'http.stderr') as srv:
        async with http_session(srv.url, alice) as (session, tools):
            listing = harness.tool_for(tools, 'GET', QEMU).name
            lab = await session.call_tool(listing, {'node': 'pve1', 'cluster': 'lab'})
            before = pve_env.request_count()
            home = await session.call_tool(listing, {'node': 'pve1', 'cluster': 'home'})
            assert pve_env.requests_since(before) == [], 'nothing may reach a cluster the caller may not call'
    assert [vm['name'] for vm in cluster_data(lab, 'lab')['data']] == ['labvm']
    assert '`home`' in error_text(home) and 'known clusters: lab' in error_text(home)


async def test_an_oauth_mapping_limited_to_one_cluster_cannot_call_the_other(pve_env, lab_env, tmp_path):
    audience = 'https://pve-mcp.test/mcp'
    async with running_issuer() as issuer:
        top = '\n'.join(['oauth_issuer = {0}'.format(json.dumps(issuer.url)),
                         'oauth_audience = {0}'.format(json.dumps(audience)), '',
                         '[[oauth.map]]', 'claim = "groups"', 'value = "lab-team"', 'clusters = ["lab"]', ''])
        async with http_server(two_clusters(tmp_path, pve_env, lab_env, top=top), tmp_path / 'http.stderr') as srv:
            token = issuer.token(audience, groups=['lab-team'])
            async with http_session(srv.url, token) as (session, tools):
                listing = harness.tool_for(tools, 'GET', QEMU).name
                lab = await session.call_tool(listing, {'node': 'pve1', 'cluster': 'lab'})
                before = pve_env.request_count()
                home = await session.call_tool(listing, {'node': 'pve1', 'cluster': 'home'})
                assert pve_env.requests_since(before) == [], 'nothing may reach a cluster the mapping leaves out'
    assert [vm['name'] for vm in cluster_data(lab, 'lab')['data']] == ['labvm']
    assert '`home`' in error_text(home) and 'known clusters: lab' in error_text(home)


async def test_progress_names_the_cluster(pve_env, lab_env, tmp_path, start_server):
    pve_env.pve.time_scale = 1.0
    pve_env.pve.vm(101).start_secs = 1.5
    heard = []

    async def on_progress(progress, total, message):
        heard.append(message)

    async with start_server(two_clusters(tmp_path, pve_env, lab_env)) as srv:
        start = srv.tool('POST', '/nodes/{node}/qemu/{vmid}/status/start').name
        result = await srv.session.call_tool(start, {'node': 'pve1', 'vmid': 101, 'cluster': 'home'},
                                             read_timeout_seconds=harness.REQUEST_TIMEOUT,
                                             progress_callback=on_progress)
    assert cluster_data(result, 'home')['task']['exitstatus'] == 'OK'
    assert heard and all(m and m.startswith('[home] ') for m in heard), heard
