"""Discovery mode: PVE_TOOL_MODE (direct, discover, auto), and the discovery tools pve_search,
pve_describe and pve_call.

- auto (the default) lists everything directly when it fits PVE_TOOL_BUDGET (4000 tokens, at 4 bytes
  each), otherwise pve_search, pve_describe, pve_call and as many of the most used tools as fit;
- pve_search finds tools in plain words, only ever among those the caller may use, sending nothing to PVE;
- pve_describe gives named tools' full descriptions and input schemas (a tool the caller may not use
  is reported as unavailable, with the reason and without its schema; a made-up name as unknown);
- pve_call calls any permitted tool by name with the same checks, gates and task waiting as a direct call.

Tools are found by method and PVE path; their names come from docs/TOOLS.md, never written here.
"""

import json

import anyio
import pytest

import harness
from harness import error_text, ok_data, ok_task

pytestmark = pytest.mark.anyio

SEARCH = 'pve_search'
DESCRIBE = 'pve_describe'
CALL = 'pve_call'
WHOAMI = 'pve_whoami'
DISCOVERY = {SEARCH, DESCRIBE, CALL, WHOAMI}

QEMU = '/nodes/{node}/qemu'
VM = '/nodes/{node}/qemu/{vmid}'
CONFIG = '/nodes/{node}/qemu/{vmid}/config'
SNAPSHOTS = '/nodes/{node}/qemu/{vmid}/snapshot'
START = '/nodes/{node}/qemu/{vmid}/status/start'
API = '/api2/json'

HIT_KEYS = {'name', 'method', 'path', 'tier', 'category', 'summary', 'gated', 'call'}
# A hit whose gate depends on its arguments also says when it applies.
CONDITIONAL_HIT_KEYS = HIT_KEYS | {'gated_if'}
# PVE_TOOL_BUDGET's default, 4000 tokens, at 4 bytes each.
DEFAULT_LIST_BYTES = 16000


def name_of(tools_doc, method: str, path: str) -> str:
    """The name docs/TOOLS.md gives the tool for `method path`."""
    found = [r.name for r in tools_doc.rows if (r.method, r.path) == (method, path)]
    assert len(found) == 1, 'docs/TOOLS.md has {0} rows for {1} {2}'.format(len(found), method, path)
    return found[0]


def sent_since(pve_env, before: int) -> list[tuple[str, str, bytes]]:
    """What the calls sent to fakepve since request_count() was `before`, leaving out the server's own
    one-off background read of /version (made on its first tools/call, not by the tool called)."""
    return [r for r in pve_env.requests_since(before) if (r[0], r[1]) != ('GET', API + '/version')]


def auto_env(pve_env, tier=None, **extra):
    """The settings with no PVE_TOOL_MODE at all: the default mode, auto."""
    return pve_env.server_env(tier=tier, PVE_TOOL_MODE=None, **extra)


def discover_env(pve_env, tier=None, **extra):
    return pve_env.server_env(tier=tier, PVE_TOOL_MODE='discover', **extra)


def names(tools) -> set[str]:
    return set(t.name for t in tools)


async def search(srv, query, **options) -> list[dict]:
    """pve_search's hits, after checking they are a successful list of hits."""
    hits = ok_data(await srv.call_name(SEARCH, dict(options, query=query)))
    assert isinstance(hits, list), 'pve_search must return a list: {0!r}'.format(hits)
    for hit in hits:
        assert set(hit) in (HIT_KEYS, CONDITIONAL_HIT_KEYS), 'a search hit has keys {0}'.format(sorted(hit))
        assert ('gated_if' in hit) <= hit['gated'], hit
    return hits


async def describe(srv, *tool_names) -> dict:
    """pve_describe's structured answer ({"data": [...], "unknown": [...]}, plus "unavailable": [...] when a
    named tool exists but this session may not use it) after checking its shape."""
    result = await srv.call_name(DESCRIBE, {'names': list(tool_names)})
    assert not result.is_error, 'pve_describe failed: {0}'.format(harness.texts(result))
    answer = result.structured_content
    assert isinstance(answer, dict) and set(answer) - {'unavailable'} == {'data', 'unknown'}, \
        'pve_describe must answer {{"data", "unknown"}}: {0!r}'.format(answer)
    assert json.loads(result.content[0].text) == answer, 'the text copy is not the structured answer'
    return answer


async def call(srv, tool_name, arguments=None, **options):
    """pve_call of `tool_name` with `arguments` (left out when None)."""
    args = {'name': tool_name}
    if arguments is not None:
        args['arguments'] = arguments
    return await srv.session.call_tool(CALL, args, read_timeout_seconds=harness.REQUEST_TIMEOUT, **options)


# ------------------------------------------------------------------ PVE_TOOL_MODE

async def test_default_mode_lists_the_three_discovery_tools(pve_env, start_server):
    async with start_server(auto_env(pve_env)) as srv:
        assert DISCOVERY <= names(srv.tools)


async def test_default_mode_lists_core_direct_tools(pve_env, start_server):
    async with start_server(auto_env(pve_env)) as srv:
        vm_list = srv.tool('GET', QEMU)
        srv.tool('GET', '/cluster/resources')
    assert harness.meta(vm_list)[harness.META_TIER] == 'read-only'


async def test_default_mode_lists_only_tools_of_the_tier(pve_env, start_server):
    async with start_server(auto_env(pve_env)) as srv:
        methods = set(harness.meta(t).get(harness.META_METHOD) for t in srv.tools if t.name not in DISCOVERY)
    assert methods == {'GET'}, methods


@pytest.mark.parametrize('tier', ['read-only', 'full'])
async def test_default_mode_tools_list_is_under_the_default_budget(pve_env, tmp_path, tier):
    raw = await harness.RawServer.start(auto_env(pve_env, tier=tier), tmp_path / 'raw.stderr')
    try:
        answer = await raw.request('initialize', harness.initialize_request(0, '2025-11-25')['params'])
        assert 'result' in answer, answer
        await raw.notify('notifications/initialized')
        listing = await raw.request('tools/list', {})
    finally:
        await raw.close()
    assert 'result' in listing, listing
    size = len(json.dumps(listing['result'], separators=(',', ':'), ensure_ascii=False).encode())
    assert size < DEFAULT_LIST_BYTES, 'tools/list in the default mode is {0} bytes'.format(size)
    assert DISCOVERY <= set(t['name'] for t in listing['result']['tools'])


async def test_default_mode_instructions_mention_pve_search(pve_env, start_server):
    async with start_server(auto_env(pve_env)) as srv:
        instructions = srv.init.instructions or ''
    assert SEARCH in instructions, instructions[:500]


async def test_direct_mode_lists_every_tool_of_the_tier(pve_env, start_server, expected_counts):
    async with start_server(pve_env.server_env(PVE_TOOL_MODE='direct')) as srv:
        listed = names(srv.tools)
    assert not listed & DISCOVERY, 'direct mode lists no discovery tool'
    assert len(listed) == expected_counts['read-only']


async def test_discover_mode_lists_exactly_the_discovery_tools(pve_env, start_server):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        assert names(srv.tools) == DISCOVERY


async def test_auto_mode_with_a_small_category_is_direct(pve_env, start_server):
    async with start_server(auto_env(pve_env, PVE_CATEGORIES='pools')) as srv:
        tools = srv.tools
    assert not names(tools) & DISCOVERY, 'a small list should be direct: {0}'.format(sorted(names(tools)))
    assert tools and all(harness.meta(t)[harness.META_CATEGORY] == 'pools' for t in tools)


async def test_auto_mode_with_a_large_budget_is_direct(pve_env, start_server, expected_counts):
    async with start_server(auto_env(pve_env, PVE_TOOL_BUDGET='10000000')) as srv:
        listed = names(srv.tools)
    assert not listed & DISCOVERY
    assert len(listed) == expected_counts['read-only']


def assert_refused_to_start(variable, value):
    settings = {'PVE_BASE_URL': 'https://127.0.0.1:9', 'PVE_TOKEN_ID': 'root@pam!mcp',
                'PVE_TOKEN_SECRET': 'discovery-test-secret', variable: value}
    done = harness.run_startup(settings)
    stderr = done.stderr.decode(errors='replace')
    assert done.returncode != 0, 'pve-mcp started with {0}={1}'.format(variable, value)
    assert done.stdout == b''
    assert variable in stderr, stderr


@pytest.mark.parametrize('value', ['lazy', 'Discovery'])
def test_unknown_tool_mode_stops_startup_naming_it(value):
    assert_refused_to_start('PVE_TOOL_MODE', value)


@pytest.mark.parametrize('value', ['lots', '-1'])
def test_invalid_tool_budget_stops_startup_naming_it(value):
    assert_refused_to_start('PVE_TOOL_BUDGET', value)


# ------------------------------------------------------------------ pve_search

async def test_search_finds_snapshot_creation(pve_env, start_server):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        hits = await search(srv, 'take a snapshot of VM 100')
    assert ('POST', SNAPSHOTS) in [(h['method'], h['path']) for h in hits], hits


async def test_search_hit_names_a_real_tool_with_its_endpoint(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        hits = await search(srv, 'take a snapshot of VM 100')
    hit = [h for h in hits if (h['method'], h['path']) == ('POST', SNAPSHOTS)][0]
    assert hit['name'] == name_of(tools_doc, 'POST', SNAPSHOTS)
    assert (hit['tier'], hit['category'], hit['gated']) == ('full', 'qemu', False)
    assert isinstance(hit['summary'], str) and hit['summary'].strip()


async def test_a_search_hit_whose_gate_depends_on_its_arguments_says_when(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        hits = await search(srv, 'shut down a VM')
    [hit] = [h for h in hits if (h['method'], h['path']) == ('POST', '/nodes/{node}/qemu/{vmid}/status/shutdown')]
    assert hit['gated'] is True and hit['gated_if'] == '`forceStop` is true', hit


async def test_search_hit_says_how_to_call_it_with_required_arguments_and_types(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        hits = await search(srv, 'start VM 100')
    hit = [h for h in hits if (h['method'], h['path']) == ('POST', START)][0]
    assert hit['call'] == '{0}(node: string, vmid: integer)'.format(name_of(tools_doc, 'POST', START))


async def test_search_at_read_only_shows_only_get_tools(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, tier='read-only')) as srv:
        hits = await search(srv, 'delete a VM', limit=25)
    assert hits, 'a read-only search for "delete a VM" still finds read tools'
    assert all(h['method'] == 'GET' and h['tier'] == 'read-only' for h in hits), \
        [(h['name'], h['method']) for h in hits if h['method'] != 'GET']
    assert name_of(tools_doc, 'DELETE', VM) not in [h['name'] for h in hits]


async def search_answer(srv, query) -> dict:
    """pve_search's whole structured answer: {"data": [...]} and, when it has one, "hint"."""
    result = await srv.call_name(SEARCH, {'query': query})
    ok_data(result)
    return result.structured_content


async def test_search_for_an_action_above_the_tier_names_the_tier_that_offers_it(pve_env, start_server, tools_doc):
    start = name_of(tools_doc, 'POST', START)
    async with start_server(discover_env(pve_env, tier='read-only')) as srv:
        answer = await search_answer(srv, 'start a vm')
    assert start not in [h['name'] for h in answer['data']], 'the tier still decides what is listed'
    hint = answer.get('hint', '')
    assert start in hint and '`read-execute`' in hint and 'PVE_ACCESS_TIER=read-execute' in hint, answer


async def test_search_hints_nothing_when_the_tier_offers_the_best_match(pve_env, start_server):
    async with start_server(discover_env(pve_env, tier='read-execute')) as srv:
        assert 'hint' not in await search_answer(srv, 'start a vm')
    async with start_server(discover_env(pve_env, tier='read-only')) as srv:
        assert 'hint' not in await search_answer(srv, 'is VM 100 running?'), 'a question asks for no action'


async def test_search_never_shows_tools_outside_the_categories(pve_env, start_server):
    async with start_server(discover_env(pve_env, tier='full', PVE_CATEGORIES='qemu')) as srv:
        hits = await search(srv, 'list containers', limit=25)
    assert all(h['category'] == 'qemu' for h in hits), [(h['name'], h['category']) for h in hits]


async def test_search_category_filter_keeps_only_that_category(pve_env, start_server):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        hits = await search(srv, 'snapshot', category='lxc', limit=25)
    assert hits, 'containers have snapshot tools'
    assert all(h['category'] == 'lxc' for h in hits), [(h['name'], h['category']) for h in hits]


async def test_search_limit_caps_the_hits(pve_env, start_server):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        hits = await search(srv, 'snapshot', limit=2)
    assert len(hits) == 2


async def test_search_without_query_is_an_error_naming_query(pve_env, start_server):
    async with start_server(discover_env(pve_env)) as srv:
        text = error_text(await srv.call_name(SEARCH, {}))
    assert 'query' in text


async def test_search_with_unknown_category_is_an_error_naming_it(pve_env, start_server):
    async with start_server(discover_env(pve_env)) as srv:
        text = error_text(await srv.call_name(SEARCH, {'query': 'list VMs', 'category': 'vms'}))
    assert 'category' in text and 'vms' in text


async def test_search_sends_nothing_to_pve(pve_env, start_server):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        before = pve_env.request_count()
        await search(srv, 'list VMs on a node')
        await search(srv, 'start a container', category='lxc')
        assert sent_since(pve_env, before) == []


# ------------------------------------------------------------------ pve_describe

async def test_describe_returns_the_tools_endpoint_and_input_schema(pve_env, start_server, tools_doc):
    name = name_of(tools_doc, 'PUT', CONFIG)
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        answer = await describe(srv, name)
    assert answer['unknown'] == []
    [tool] = answer['data']
    assert (tool['name'], tool['method'], tool['path'], tool['tier']) == (name, 'PUT', CONFIG, 'full')
    schema = tool['inputSchema']
    assert {'node', 'vmid', 'cores', 'description'} <= set(schema['properties']), sorted(schema['properties'])
    assert '^net[0-9]+$' in schema.get('patternProperties', {}), 'indexed options (net0, net1...) are described'
    assert set(tool['inputSchema'].get('required', [])) >= {'node', 'vmid'}


async def test_describe_gives_fuller_text_than_tools_list(pve_env, start_server, tools_doc):
    name = name_of(tools_doc, 'PUT', CONFIG)
    async with start_server(pve_env.server_env(tier='full', PVE_TOOL_MODE='direct')) as srv:
        compact = srv.tool('PUT', CONFIG)
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        [full] = (await describe(srv, name))['data']
    assert set(compact.input_schema.get('patternProperties', {})) == set(full['inputSchema'].get('patternProperties', {}))
    compact_props = compact.input_schema['properties']
    full_props = full['inputSchema']['properties']
    assert set(compact_props) == set(full_props), 'describe and tools/list must offer the same arguments'
    assert len(full['description']) >= len(compact.description)
    assert len(json.dumps(full['inputSchema'])) > len(json.dumps(compact.input_schema))
    # Property strings are phrased differently (key list in tools/list, PVE's format from describe), so
    # compare the whole: describe says more, and says something about every argument tools/list describes.
    described = lambda props: sum(len(s.get('description', '')) for s in props.values())  # noqa: E731
    assert described(full_props) > described(compact_props)
    silent = [p for p, s in compact_props.items() if s.get('description') and not full_props[p].get('description')]
    assert not silent, silent


async def test_describe_of_a_gated_tool_explains_the_confirmation(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        [tool] = (await describe(srv, name_of(tools_doc, 'DELETE', VM)))['data']
    assert 'confirm' in tool['description'] and 'confirm_vmid' in tool['description']
    assert {'confirm', 'confirm_vmid'} <= set(tool['inputSchema']['properties'])


async def test_describe_reports_a_tool_above_the_tier_as_unavailable(pve_env, start_server, tools_doc):
    delete = name_of(tools_doc, 'DELETE', VM)
    listing = name_of(tools_doc, 'GET', QEMU)
    async with start_server(discover_env(pve_env, tier='read-only')) as srv:
        answer = await describe(srv, delete, listing)
    assert answer['unknown'] == []
    [above] = answer['unavailable']
    assert above['name'] == delete and 'tier' in above['reason'] and 'inputSchema' not in above
    assert [t['name'] for t in answer['data']] == [listing]


async def test_describe_reports_a_made_up_name_as_unknown(pve_env, start_server):
    async with start_server(discover_env(pve_env)) as srv:
        answer = await describe(srv, 'no_such_tool_anywhere')
    assert answer == {'data': [], 'unknown': ['no_such_tool_anywhere']}


async def test_describe_without_names_is_an_error_naming_names(pve_env, start_server):
    async with start_server(discover_env(pve_env)) as srv:
        text = error_text(await srv.call_name(DESCRIBE, {}))
    assert 'names' in text


# ------------------------------------------------------------------ pve_call

async def test_call_lists_vms_like_the_direct_tool(pve_env, start_server, tools_doc):
    async with start_server(auto_env(pve_env)) as srv:
        direct = ok_data(await srv.call('GET', QEMU, node=pve_env.node))
        through_call = ok_data(await call(srv, name_of(tools_doc, 'GET', QEMU), {'node': pve_env.node}))
    assert sorted(vm['vmid'] for vm in through_call) == [100, 101]
    key = lambda vm: vm['vmid']  # noqa: E731
    strip = lambda vms: [dict((k, v) for k, v in vm.items() if k not in ('uptime', 'cpu', 'mem', 'netin', 'netout'))  # noqa: E731
                         for vm in sorted(vms, key=key)]
    assert strip(through_call) == strip(direct)


async def test_call_requests_the_concrete_pve_path(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env)) as srv:
        before = pve_env.request_count()
        config = ok_data(await call(srv, name_of(tools_doc, 'GET', CONFIG), {'node': pve_env.node, 'vmid': 101}))
        sent = sent_since(pve_env, before)
    assert config['name'] == 'db'
    assert [(m, p) for m, p, _ in sent] == [('GET', '{0}/nodes/{1}/qemu/101/config'.format(API, pve_env.node))]


async def test_call_accepts_arguments_as_json_text(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env)) as srv:
        config = ok_data(await call(srv, name_of(tools_doc, 'GET', CONFIG),
                                    json.dumps({'node': pve_env.node, 'vmid': 100})))
    assert config['name'] == 'web'


async def test_call_with_bad_arguments_names_the_field_and_sends_nothing(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env)) as srv:
        before = pve_env.request_count()
        text = error_text(await call(srv, name_of(tools_doc, 'GET', CONFIG), {'node': pve_env.node, 'vmid': 'abc'}))
        assert sent_since(pve_env, before) == []
    assert 'vmid' in text


async def test_call_with_a_missing_argument_names_it_and_sends_nothing(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env)) as srv:
        before = pve_env.request_count()
        text = error_text(await call(srv, name_of(tools_doc, 'GET', CONFIG), {'node': pve_env.node}))
        assert sent_since(pve_env, before) == []
    assert 'vmid' in text


async def test_call_with_arguments_not_an_object_is_an_error(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env)) as srv:
        before = pve_env.request_count()
        text = error_text(await call(srv, name_of(tools_doc, 'GET', QEMU), 'node=pve1'))
        assert sent_since(pve_env, before) == []
    assert 'arguments' in text


async def test_call_of_a_tool_above_the_tier_is_refused_and_sends_nothing(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, tier='read-only')) as srv:
        before = pve_env.request_count()
        text = error_text(await call(srv, name_of(tools_doc, 'DELETE', VM),
                                     {'node': pve_env.node, 'vmid': 101, 'confirm': True, 'confirm_vmid': 101}))
        assert sent_since(pve_env, before) == []
    assert 'tier' in text
    assert pve_env.pve.vm(101) is not None


async def test_call_of_a_tool_outside_the_categories_is_refused_and_sends_nothing(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, PVE_CATEGORIES='qemu')) as srv:
        before = pve_env.request_count()
        text = error_text(await call(srv, name_of(tools_doc, 'GET', '/nodes/{node}/lxc'), {'node': pve_env.node}))
        assert sent_since(pve_env, before) == []
    assert 'PVE_CATEGORIES' in text or 'category' in text


async def test_call_of_an_unknown_tool_points_to_pve_search(pve_env, start_server):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        before = pve_env.request_count()
        text = error_text(await call(srv, 'no_such_tool_anywhere', {'node': pve_env.node}))
        assert sent_since(pve_env, before) == []
    assert 'no_such_tool_anywhere' in text and SEARCH in text


async def test_call_without_name_is_an_error_naming_name(pve_env, start_server):
    async with start_server(discover_env(pve_env)) as srv:
        result = await srv.session.call_tool(CALL, {'arguments': {}}, read_timeout_seconds=harness.REQUEST_TIMEOUT)
        text = error_text(result)
    assert 'name' in text


async def test_unlisted_tool_can_still_be_called_by_name(pve_env, start_server, tools_doc):
    name = name_of(tools_doc, 'GET', SNAPSHOTS)
    async with start_server(discover_env(pve_env)) as srv:
        assert name not in names(srv.tools)
        snapshots = ok_data(await srv.call_name(name, {'node': pve_env.node, 'vmid': 100}))
    assert isinstance(snapshots, list) and 'current' in [s.get('name') for s in snapshots]


async def test_call_of_gated_delete_without_confirmation_is_refused(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        before = pve_env.request_count()
        text = error_text(await call(srv, name_of(tools_doc, 'DELETE', VM), {'node': pve_env.node, 'vmid': 101}))
        assert sent_since(pve_env, before) == []
    assert 'confirm' in text and 'confirm_vmid' in text
    assert pve_env.pve.vm(101) is not None


async def test_call_of_gated_delete_with_confirmation_deletes_the_vm(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, tier='full')) as srv:
        task = ok_task(await call(srv, name_of(tools_doc, 'DELETE', VM),
                                  {'node': pve_env.node, 'vmid': 101, 'confirm': True, 'confirm_vmid': 101}))
    assert task['type'] == 'qmdestroy' and task['exitstatus'] == 'OK'
    assert pve_env.pve.vm(101) is None
    assert pve_env.pve.vm(100) is not None


async def test_call_waits_for_the_task_it_starts(pve_env, start_server, tools_doc):
    async with start_server(discover_env(pve_env, tier='read-execute')) as srv:
        result = await call(srv, name_of(tools_doc, 'POST', START), {'node': pve_env.node, 'vmid': 101})
    task = ok_task(result)
    assert result.structured_content['task']['exitstatus'] == 'OK'
    assert (task['type'], task['id']) == ('qmstart', '101')
    assert pve_env.pve.vm(101).status == 'running'


async def test_call_reports_progress_of_a_slow_task(pve_env, start_server, tools_doc):
    pve_env.pve.time_scale = 1.0
    pve_env.pve.vm(101).start_secs = 1.5
    heard = []

    async def on_progress(progress, total, message):
        heard.append((progress, total, message))

    async with start_server(discover_env(pve_env, tier='read-execute')) as srv:
        with anyio.fail_after(harness.REQUEST_TIMEOUT):
            result = await call(srv, name_of(tools_doc, 'POST', START), {'node': pve_env.node, 'vmid': 101},
                                progress_callback=on_progress)
    ok_task(result)
    assert heard, 'no notifications/progress while a 1.5 s task ran through pve_call'
    values = [p for p, _, _ in heard]
    assert values == sorted(values) and len(set(values)) == len(values), values
