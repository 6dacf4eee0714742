"""A Proxmox Backup Server beside the PVE, through the official MCP client: one pve-mcp with fakepve and the
fake PBS (tests/fakes/), configured by PBS_URL and its token (the clusters `pve` and `pbs`).

The operator's questions of issue 28: which backups of VM 100 exist on a datastore, verify one and report
the task's real end (OK, or the failure PBS logged), prune behind its gate (refused without confirmation
with nothing sent, then confirmed), how full the datastores are; the access tier holds for PBS tools; with
only PVE configured no `pbs_` tool is listed. Then the same questions in discovery mode (pve_search,
pve_call) and code mode (pve.call).

Tools are found by `_meta` (method and path) among the `pbs_` tools, never written by name here, except
what docs/TOOLS.md's Backup Server part says.
"""

import asyncio
import json

import pytest

import harness
from harness import error_text, texts

pytestmark = pytest.mark.anyio

SNAPSHOTS = '/admin/datastore/{store}/snapshots'
VERIFY = '/admin/datastore/{store}/verify'
PRUNE = '/admin/datastore/{store}/prune'
USAGE = '/status/datastore-usage'
PBS_PREFIX = 'pbs_'
API = '/api2/json'


def both(pve_env, pbs_env, tier='full', **extra):
    """The settings of one server with the PVE of pve_env and the Backup Server of pbs_env (its token, CA)."""
    return pve_env.server_env(tier=tier, PBS_URL=pbs_env.url, PBS_TOKEN_ID=pbs_env.token_id,
                              PBS_TOKEN_SECRET=pbs_env.token_secret, PBS_CA_FILE=pbs_env.ca_file, **extra)


def pbs_tool(tools, method, path):
    """The `pbs_` tool whose `_meta` says it calls `method path` on the Backup Server."""
    found = [t for t in tools if t.name.startswith(PBS_PREFIX) and harness.endpoint(t) == (method, path)]
    assert len(found) == 1, '{0} pbs_ tools claim {1} {2}'.format(len(found), method, path)
    return found[0]


def pbs_name(method, path):
    """The tool name docs/TOOLS.md's Backup Server part gives `method path`."""
    found = [r.name for r in harness.pbs_tools_doc().rows if (r.method, r.path) == (method, path)]
    assert len(found) == 1, 'docs/TOOLS.md has {0} PBS rows for {1} {2}'.format(len(found), method, path)
    return found[0]


async def call_pbs(srv, method, path, **arguments):
    return await srv.call_name(pbs_tool(srv.tools, method, path).name, arguments)


def pbs_data(result):
    """The data of a successful PBS call, which names its cluster: `pbs`."""
    assert not result.is_error, 'the call failed: {0}'.format(texts(result))
    structured = result.structured_content
    assert structured.get('cluster') == 'pbs', structured
    assert json.loads(result.content[0].text) == structured, 'the text copy is the structured content'
    return structured['data']


def pbs_task(result):
    """The report of a waited-for PBS task that ended well (cluster `pbs`)."""
    assert not result.is_error, 'the call failed: {0}'.format(texts(result))
    structured = result.structured_content
    assert set(structured) == {'task', 'cluster'} and structured['cluster'] == 'pbs', structured
    task = structured['task']
    assert set(task) == harness.TASK_KEYS, sorted(task)
    assert task['status'] == 'stopped', task
    return task


def sent_since(pbs_env, before):
    return pbs_env.requests_since(before)


def corrupt_newest(pbs_env, store='store1', group='vm/100'):
    """Mark the newest snapshot of `group` corrupt (a verify of it fails); its backup time."""
    snap = pbs_env.fake.snapshots(store, group)[-1]
    snap.corrupt = True
    return snap.backup_time


# ------------------------------------------------------------------ what is listed

async def test_only_pve_configured_lists_no_pbs_tool(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        assert [t.name for t in srv.tools if t.name.startswith(PBS_PREFIX)] == []


async def test_pve_and_pbs_list_the_pbs_tools_of_docs_tools_md(pve_env, pbs_env, start_server):
    doc = {(r.method, r.path): r.name for r in harness.pbs_tools_doc().rows}
    async with start_server(both(pve_env, pbs_env)) as srv:
        listed = {harness.endpoint(t): t.name for t in srv.tools if t.name.startswith(PBS_PREFIX)}
    assert listed == doc


async def test_a_pbs_task_tool_offers_waiting_for_the_pbs_task(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env)) as srv:
        props = pbs_tool(srv.tools, 'POST', VERIFY).input_schema['properties']
    assert props['wait']['description'].startswith("Wait for the PBS task's end")
    assert 'task_timeout' in props


# ------------------------------------------------------------------ direct mode

async def test_lists_the_backups_of_vm_100_on_a_datastore(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env)) as srv:
        data = pbs_data(await call_pbs(srv, 'GET', SNAPSHOTS, store='store1', **{'backup-type': 'vm',
                                                                                  'backup-id': '100'}))
    expected = [s.backup_time for s in pbs_env.fake.snapshots('store1', 'vm/100')]
    assert sorted(s['backup-time'] for s in data) == expected
    assert {(s['backup-type'], s['backup-id']) for s in data} == {('vm', '100')}
    assert [(s.get('verification') or {}).get('state') for s in sorted(data, key=lambda s: s['backup-time'])] == \
        ['ok', 'ok', None]


async def test_backups_call_goes_to_the_pbs_and_nothing_to_pve(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env)) as srv:
        pve_before, pbs_before = pve_env.request_count(), pbs_env.request_count()
        pbs_data(await call_pbs(srv, 'GET', SNAPSHOTS, store='store1'))
        assert pve_env.requests_since(pve_before) == []
        assert [(m, p) for m, p, _ in sent_since(pbs_env, pbs_before)] == \
            [('GET', API + '/admin/datastore/store1/snapshots')]


async def test_verifying_one_snapshot_reports_the_task_ok(pve_env, pbs_env, start_server):
    newest = pbs_env.fake.snapshots('store1', 'vm/100')[-1]
    async with start_server(both(pve_env, pbs_env)) as srv:
        task = pbs_task(await call_pbs(srv, 'POST', VERIFY, store='store1', **{
            'backup-type': 'vm', 'backup-id': '100', 'backup-time': newest.backup_time}))
    assert task['exitstatus'] == 'OK'
    assert task['type'] == 'verify_snapshot' and task['node'] == 'pbs'
    assert task['upid'] in pbs_env.fake.tasks
    assert task['log_tail'][-1].endswith(': TASK OK')  # PBS's log lines carry their time
    assert newest.verification['state'] == 'ok'


async def test_a_failing_verify_reports_the_error_pbs_logged(pve_env, pbs_env, start_server):
    backup_time = corrupt_newest(pbs_env)
    async with start_server(both(pve_env, pbs_env)) as srv:
        text = error_text(await call_pbs(srv, 'POST', VERIFY, store='store1', **{
            'backup-type': 'vm', 'backup-id': '100', 'backup-time': backup_time}))
    assert text.startswith('{0} (cluster `pbs`): PBS task verify_snapshot failed: '.format(pbs_name('POST', VERIFY)))
    assert 'verification failed - please check the log for details' in text
    assert 'UPID:pbs:' in text
    assert pbs_env.fake.snapshots('store1', 'vm/100')[-1].verification['state'] == 'failed'


async def test_a_verify_still_running_points_to_the_pbs_task_status_tool(pve_env, pbs_env, start_server):
    pbs_env.fake.time_scale = 2.0  # each snapshot's verify takes 2 real seconds
    async with start_server(both(pve_env, pbs_env)) as srv:
        text = error_text(await call_pbs(srv, 'POST', VERIFY, store='store1', task_timeout=1, **{
            'backup-type': 'vm', 'backup-id': '101', 'ignore-verified': False}))
    assert 'PBS task verify_group is still running' in text
    assert pbs_name('GET', '/nodes/{node}/tasks/{upid}/status') in text, text
    await pbs_env.fake.settle()


async def test_prune_without_confirmation_is_refused_and_nothing_is_sent(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env)) as srv:
        before = pbs_env.request_count()
        text = await srv.refusal(pbs_tool(srv.tools, 'POST', PRUNE).name, {
            'store': 'store1', 'backup-type': 'vm', 'backup-id': '100', 'keep-last': 1})
        assert sent_since(pbs_env, before) == []
    assert 'confirm' in text and 'confirm_name' in text and '100' in text
    assert len(pbs_env.fake.snapshots('store1', 'vm/100')) == 3


async def test_prune_with_a_wrong_echo_is_refused_and_nothing_is_sent(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env)) as srv:
        before = pbs_env.request_count()
        text = await srv.refusal(pbs_tool(srv.tools, 'POST', PRUNE).name, {
            'store': 'store1', 'backup-type': 'vm', 'backup-id': '100', 'keep-last': 1,
            'confirm': True, 'confirm_name': '101'})
        assert sent_since(pbs_env, before) == []
    assert 'confirm_name' in text
    assert len(pbs_env.fake.snapshots('store1', 'vm/100')) == 3


async def test_confirmed_prune_keeps_only_what_it_was_told(pve_env, pbs_env, start_server):
    newest = pbs_env.fake.snapshots('store1', 'vm/100')[-1].backup_time
    async with start_server(both(pve_env, pbs_env)) as srv:
        before = pbs_env.request_count()
        data = pbs_data(await call_pbs(srv, 'POST', PRUNE, store='store1', confirm=True, confirm_name='100', **{
            'backup-type': 'vm', 'backup-id': '100', 'keep-last': 1}))
        [(method, path, body)] = sent_since(pbs_env, before)
    assert (method, path) == ('POST', API + '/admin/datastore/store1/prune')
    assert b'confirm' not in (body or b''), body
    assert [s.backup_time for s in pbs_env.fake.snapshots('store1', 'vm/100')] == [newest]
    assert sorted(entry['keep'] for entry in data) == [False, False, True]


async def test_datastore_usage_shows_each_datastore_total_and_used(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env)) as srv:
        data = pbs_data(await call_pbs(srv, 'GET', USAGE))
    usage = {d['store']: (d.get('total'), d.get('used')) for d in data}
    assert usage == {name: (store.total, store.used) for name, store in pbs_env.fake.datastores.items()}


# ------------------------------------------------------------------ tiers

async def test_read_only_lists_no_pbs_verify_or_prune(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env, tier='read-only')) as srv:
        listed = {harness.endpoint(t) for t in srv.tools if t.name.startswith(PBS_PREFIX)}
    assert ('GET', SNAPSHOTS) in listed
    assert ('POST', VERIFY) not in listed and ('POST', PRUNE) not in listed


@pytest.mark.parametrize('path,arguments', [
    (VERIFY, {'store': 'store1', 'backup-type': 'vm', 'backup-id': '100'}),
    (PRUNE, {'store': 'store1', 'backup-type': 'vm', 'backup-id': '100', 'keep-last': 1,
             'confirm': True, 'confirm_name': '100'}),
])
async def test_read_only_refuses_pbs_verify_and_prune_and_sends_nothing(pve_env, pbs_env, start_server, path,
                                                                         arguments):
    async with start_server(both(pve_env, pbs_env, tier='read-only')) as srv:
        before = pbs_env.request_count()
        text = await srv.refusal(pbs_name('POST', path), arguments)
        assert sent_since(pbs_env, before) == []
    assert text
    assert len(pbs_env.fake.snapshots('store1', 'vm/100')) == 3


async def test_read_execute_verifies_but_refuses_prune(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env, tier='read-execute')) as srv:
        task = pbs_task(await call_pbs(srv, 'POST', VERIFY, store='store1', **{
            'backup-type': 'vm', 'backup-id': '100'}))
        assert task['exitstatus'] == 'OK'
        before = pbs_env.request_count()
        await srv.refusal(pbs_name('POST', PRUNE), {'store': 'store1', 'backup-type': 'vm', 'backup-id': '100',
                                                    'keep-last': 1, 'confirm': True, 'confirm_name': '100'})
        assert sent_since(pbs_env, before) == []


# ------------------------------------------------------------------ discovery mode

async def search_names(srv, query, limit=10):
    result = await srv.call_name('pve_search', {'query': query, 'limit': limit})
    return [hit['name'] for hit in harness.ok_data(result)]


async def test_discovery_search_finds_the_pbs_prune_by_its_words(pve_env, pbs_env, start_server):
    # PBS's tools are ranked on their schema's words and phrasings beside PVE's curated ranking;
    # a question in PBS's own words finds them (BENCHMARKS.md has the figures for operators' words).
    async with start_server(both(pve_env, pbs_env, PVE_TOOL_MODE='discover')) as srv:
        names = await search_names(srv, 'prune a backup group on the datastore', limit=3)
    assert pbs_name('POST', PRUNE) in names


async def test_discovery_search_with_pve_alone_finds_no_pbs_tool(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full', PVE_TOOL_MODE='discover')) as srv:
        names = await search_names(srv, 'list backup snapshots in a datastore', limit=20)
    assert names and not [n for n in names if n.startswith(PBS_PREFIX)]


async def test_discovery_describe_shows_a_pbs_tool(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env, PVE_TOOL_MODE='discover')) as srv:
        result = await srv.call_name('pve_describe', {'names': [pbs_name('GET', SNAPSHOTS)]})
    assert not result.is_error, texts(result)
    [described] = result.structured_content['data']
    assert (described['method'], described['path'], described['clusters']) == ('GET', SNAPSHOTS, ['pbs'])


async def test_discovery_call_lists_the_backups_of_vm_100(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env, PVE_TOOL_MODE='discover')) as srv:
        data = pbs_data(await srv.call_name('pve_call', {'name': pbs_name('GET', SNAPSHOTS), 'arguments': {
            'store': 'store1', 'backup-type': 'vm', 'backup-id': '100'}}))
    assert len(data) == len(pbs_env.fake.snapshots('store1', 'vm/100'))


async def test_discovery_call_verify_reports_the_failure_pbs_logged(pve_env, pbs_env, start_server):
    backup_time = corrupt_newest(pbs_env)
    async with start_server(both(pve_env, pbs_env, PVE_TOOL_MODE='discover')) as srv:
        text = error_text(await srv.call_name('pve_call', {'name': pbs_name('POST', VERIFY), 'arguments': {
            'store': 'store1', 'backup-type': 'vm', 'backup-id': '100', 'backup-time': backup_time}}))
    assert 'verification failed - please check the log for details' in text


async def test_discovery_call_prune_is_gated_then_confirmed(pve_env, pbs_env, start_server):
    prune = {'store': 'store1', 'backup-type': 'vm', 'backup-id': '100', 'keep-last': 1}
    async with start_server(both(pve_env, pbs_env, PVE_TOOL_MODE='discover')) as srv:
        before = pbs_env.request_count()
        text = await srv.refusal('pve_call', {'name': pbs_name('POST', PRUNE), 'arguments': prune})
        assert sent_since(pbs_env, before) == []
        assert 'confirm_name' in text
        pbs_data(await srv.call_name('pve_call', {'name': pbs_name('POST', PRUNE), 'arguments': dict(
            prune, confirm=True, confirm_name='100')}))
    assert len(pbs_env.fake.snapshots('store1', 'vm/100')) == 1


async def test_discovery_read_only_refuses_a_pbs_verify_and_sends_nothing(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env, tier='read-only', PVE_TOOL_MODE='discover')) as srv:
        before = pbs_env.request_count()
        await srv.refusal('pve_call', {'name': pbs_name('POST', VERIFY), 'arguments': {
            'store': 'store1', 'backup-type': 'vm', 'backup-id': '100'}})
        assert sent_since(pbs_env, before) == []


# ------------------------------------------------------------------ code mode

async def run(srv, code, **options):
    result = await srv.call_name('pve_run', dict(options, code=code))
    assert not result.is_error, 'the run failed: {0}'.format(texts(result))
    return result.structured_content


async def test_code_mode_lists_the_backups_of_vm_100(pve_env, pbs_env, start_server):
    code = 'const s = await pve.call("{0}", {{store: "store1", "backup-type": "vm", "backup-id": "100"}}); ' \
           'return s.map(x => x["backup-time"]);'.format(pbs_name('GET', SNAPSHOTS))
    async with start_server(both(pve_env, pbs_env, PVE_TOOL_MODE='code')) as srv:
        answer = await run(srv, code)
    assert answer['data'] == [s.backup_time for s in pbs_env.fake.snapshots('store1', 'vm/100')]


async def test_code_mode_verify_returns_the_tasks_exit_status(pve_env, pbs_env, start_server):
    code = 'return (await pve.call("{0}", {{store: "store1", "backup-type": "vm", "backup-id": "100"}})).exitstatus;' \
        .format(pbs_name('POST', VERIFY))
    async with start_server(both(pve_env, pbs_env, PVE_TOOL_MODE='code')) as srv:
        assert (await run(srv, code))['data'] == 'OK'


async def test_code_mode_failing_verify_throws_what_pbs_logged(pve_env, pbs_env, start_server):
    backup_time = corrupt_newest(pbs_env)
    code = 'try {{ await pve.call("{0}", {{store: "store1", "backup-type": "vm", "backup-id": "100", ' \
           '"backup-time": {1}}}); }} catch (e) {{ return e.message; }}'.format(pbs_name('POST', VERIFY), backup_time)
    async with start_server(both(pve_env, pbs_env, PVE_TOOL_MODE='code')) as srv:
        answer = await run(srv, code)
    assert 'verification failed - please check the log for details' in answer['data']


async def test_code_mode_prune_needs_an_approved_plan(pve_env, pbs_env, start_server):
    code = 'await pve.call("{0}", {{store: "store1", "backup-type": "vm", "backup-id": "100", "keep-last": 1, ' \
           'confirm: true, confirm_name: "100"}}); return 1;'.format(pbs_name('POST', PRUNE))
    async with start_server(both(pve_env, pbs_env, PVE_TOOL_MODE='code')) as srv:
        before = pbs_env.request_count()
        text = error_text(await srv.call_name('pve_run', {'code': code}))
        assert sent_since(pbs_env, before) == []
        assert 'dry_run' in text and 'approve' in text
        dry = await run(srv, code, dry_run=True)
        assert sent_since(pbs_env, before) == [] and len(pbs_env.fake.snapshots('store1', 'vm/100')) == 3
        assert (await run(srv, code, approve=dry['plan_id']))['data'] == 1
    assert len(pbs_env.fake.snapshots('store1', 'vm/100')) == 1


# ------------------------------------------------------------------ MCP tasks and the MCP Apps view

APPS = 'io.modelcontextprotocol/ui'
APPS_HOST = {'extensions': {APPS: {'mimeTypes': ['text/html;profile=mcp-app']}}}


def apps_meta():
    return {'io.modelcontextprotocol/protocolVersion': '2026-07-28',
            'io.modelcontextprotocol/clientCapabilities': APPS_HOST,
            'io.modelcontextprotocol/clientInfo': {'name': 'apps-host', 'version': '1'}}


async def test_a_gated_pbs_tool_points_to_the_confirmation_view(pve_env, pbs_env, tmp_path):
    raw = await harness.RawServer.start(both(pve_env, pbs_env, PVE_CONFIRM='human'), tmp_path / 'stderr')
    try:
        listing = (await raw.request('tools/list', {'_meta': apps_meta()}))['result']['tools']
    finally:
        await raw.close()
    prune = [t for t in listing if t['name'] == pbs_name('POST', PRUNE)]
    assert prune and prune[0]['_meta']['ui']['resourceUri'].startswith('ui://'), prune


async def test_a_long_pbs_verify_as_an_mcp_task_ends_ok_and_is_audited_under_its_tool(pve_env, pbs_env, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    pbs_env.fake.time_scale = 1.0
    raw = await harness.RawServer.start(both(pve_env, pbs_env, PVE_AUDIT_LOG=str(audit)), tmp_path / 'stderr')
    try:
        params = {'protocolVersion': '2025-11-25', 'clientInfo': {'name': 'tasks-test', 'version': '1'},
                  'capabilities': {'extensions': {'io.modelcontextprotocol/tasks': {}}}}
        assert 'result' in await raw.request('initialize', params)
        await raw.notify('notifications/initialized')
        answer = await raw.request('tools/call', {'name': pbs_name('POST', VERIFY), 'arguments': {
            'store': 'store1', 'backup-type': 'vm', 'backup-id': '101', 'ignore-verified': False}})
        created = answer['result']
        assert created.get('resultType') == 'task', created
        for _ in range(100):
            done = (await raw.request('tasks/get', {'taskId': created['taskId']}))['result']
            if done['status'] not in ('working', 'input_required'):
                break
            await asyncio.sleep(0.2)
        for _ in range(50):  # the task's end is audited by a background wait, which polls
            if len(audit.read_text().splitlines()) >= 2:
                break
            await asyncio.sleep(0.2)
    finally:
        await raw.close()
    assert done['status'] == 'completed' and 'OK' in str(done), done
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [line['outcome'] for line in lines] == ['started', 'ok'], lines
    assert lines and all(line['tool'] == pbs_name('POST', VERIFY) for line in lines), lines


# ------------------------------------------------------------------ clusters and consent

async def test_a_pbs_tool_on_the_pve_cluster_is_refused_and_nothing_is_sent(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env)) as srv:
        pve_before, pbs_before = pve_env.request_count(), pbs_env.request_count()
        text = await srv.refusal(pbs_name('GET', SNAPSHOTS), {'store': 'store1', 'cluster': 'pve'})
        assert pve_env.requests_since(pve_before) == [] and sent_since(pbs_env, pbs_before) == []
    assert '`{0}` is a PBS tool, and cluster `pve` is a PVE: call it with `cluster` `pbs`'.format(
        pbs_name('GET', SNAPSHOTS)) in text, text


async def test_a_pve_tool_on_the_pbs_cluster_is_refused_and_nothing_is_sent(pve_env, pbs_env, start_server):
    async with start_server(both(pve_env, pbs_env)) as srv:
        pve_before, pbs_before = pve_env.request_count(), pbs_env.request_count()
        [nodes] = [t.name for t in srv.tools if harness.endpoint(t) == ('GET', '/nodes')
                   and not t.name.startswith(PBS_PREFIX)]  # PBS has a GET /nodes too
        text = await srv.refusal(nodes, {'cluster': 'pbs'})
        assert pve_env.requests_since(pve_before) == [] and sent_since(pbs_env, pbs_before) == []
    assert '`{0}` is a PVE tool, and cluster `pbs` is a PBS: call it with `cluster` `pve`'.format(nodes) in text, text
    assert 'nothing was sent' in text


async def test_with_pve_alone_a_pbs_tool_is_an_unknown_tool(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        text = await srv.refusal(pbs_name('GET', SNAPSHOTS), {'store': 'store1'})
        assert pve_env.requests_since(before) == []
    assert 'unknown tool' in text, text


async def test_a_prune_asks_the_person_naming_the_group_and_prunes_on_accept(pve_env, pbs_env, start_server):
    asker = harness.Asker('accept', {'confirm': True})
    async with start_server(both(pve_env, pbs_env), elicitation_callback=asker) as srv:
        pbs_data(await call_pbs(srv, 'POST', PRUNE, store='store1', **{
            'backup-type': 'vm', 'backup-id': '100', 'keep-last': 1}))
    assert len(asker.asked) == 1 and '100' in asker.asked[0].message, asker.asked
    assert len(pbs_env.fake.snapshots('store1', 'vm/100')) == 1


async def test_a_prune_the_person_declines_sends_nothing(pve_env, pbs_env, start_server):
    asker = harness.Asker('decline')
    async with start_server(both(pve_env, pbs_env), elicitation_callback=asker) as srv:
        before = pbs_env.request_count()
        await srv.refusal(pbs_name('POST', PRUNE), {'store': 'store1', 'backup-type': 'vm', 'backup-id': '100',
                                                    'keep-last': 1})
        assert sent_since(pbs_env, before) == []
    assert len(pbs_env.fake.snapshots('store1', 'vm/100')) == 3
