"""Code mode (PVE_TOOL_MODE=code): pve_search, pve_describe and pve_run.

pve_run runs a JavaScript program (the body of an async function) whose `await pve.call(tool, args)`
takes the same path as a direct call (policy, allowlists, gates, task waiting, audit), and gives back
{"data": <returned>, "calls": n, "log": [...]}. A dry run sends reads only and returns the writes as a
plan with a plan_id; approving that id runs the writes, stopping at the first one not in the plan.
Limits (CPU, memory, wall time, calls) end the run, never the server.

Tools are named from docs/TOOLS.md, never written here.
"""

import json
from pathlib import Path

import anyio
import pytest

from harness import Asker, error_text

pytestmark = pytest.mark.anyio

RUN = 'pve_run'
VM = '/nodes/{node}/qemu/{vmid}'
START = '/nodes/{node}/qemu/{vmid}/status/start'
SNAPSHOTS = '/nodes/{node}/qemu/{vmid}/snapshot'
RESOURCES = '/cluster/resources'
QEMU = '/nodes/{node}/qemu'


def name_of(tools_doc, method: str, path: str) -> str:
    # PVE's tools only: docs/TOOLS.md also lists the Backup Server's (`pbs_…`), some on the same paths.
    found = [r.name for r in tools_doc.rows if (r.method, r.path) == (method, path) and not r.name.startswith('pbs_')]
    assert len(found) == 1, 'docs/TOOLS.md has {0} rows for {1} {2}'.format(len(found), method, path)
    return found[0]


def code_env(pve_env, tier='full', **extra):
    return pve_env.server_env(tier=tier, PVE_TOOL_MODE='code', **extra)


def writes_since(pve_env, before: int) -> list[tuple[str, str, bytes]]:
    return [r for r in pve_env.requests_since(before) if r[0] != 'GET']


async def run(srv, code: str, **options):
    return await srv.call_name(RUN, dict(options, code=code))


def ran(result) -> dict:
    """A successful run's structured content, after checking its shape and its compact text copy."""
    assert not result.is_error, 'the run failed: {0}'.format([c.text for c in result.content])
    answer = result.structured_content
    assert {'data', 'calls', 'log'} <= set(answer), answer
    text = result.content[0].text
    assert json.loads(text) == answer and '\n' not in text
    return answer


def snapshot_program(tools_doc, names=('before-upgrade-a', 'before-upgrade-b')) -> str:
    snap = name_of(tools_doc, 'POST', SNAPSHOTS)
    lines = ['const done = [];']
    for n in names:
        lines.append('done.push(await pve.call({0!r}, {{node: "pve1", vmid: 100, snapname: {1!r}}}));'.format(snap, n))
    lines.append('return done.length;')
    return '\n'.join(lines)


# ------------------------------------------------------------------ listing

async def test_code_mode_lists_search_describe_and_run(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        assert sorted(t.name for t in srv.tools) == ['pve_describe', 'pve_run', 'pve_search']


async def test_run_description_teaches_the_program_contract(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        [tool] = [t for t in srv.tools if t.name == RUN]
    for phrase in ('pve.call', 'dry_run', 'approve', 'console.log', 'return'):
        assert phrase in tool.description, phrase


# ------------------------------------------------------------------ reads and task waiting

async def test_cross_node_read_returns_only_the_names_in_one_call(pve_env, start_server, tools_doc):
    pve_env.pve.add_node('pve2')
    pve_env.pve.add_vm(300, 'mail', status='running', node='pve2')
    nodes = name_of(tools_doc, 'GET', '/nodes')
    vms = name_of(tools_doc, 'GET', QEMU)
    code = '''
const names = [];
for (const n of await pve.call("{0}", {{}})) {{
  for (const vm of await pve.call("{1}", {{node: n.node}})) if (vm.status === "running") names.push(vm.name);
}}
return names.sort();'''.format(nodes, vms)
    async with start_server(code_env(pve_env, tier='read-only')) as srv:
        answer = ran(await run(srv, code))
    assert answer['data'] == ['mail', 'web']
    assert answer['calls'] == 3


async def test_vm_start_inside_a_run_waits_for_its_task(pve_env, start_server, tools_doc):
    code = 'const r = await pve.call("{0}", {{node: "pve1", vmid: 101}}); return r.exitstatus;'.format(
        name_of(tools_doc, 'POST', START))
    async with start_server(code_env(pve_env)) as srv:
        answer = ran(await run(srv, code))
    assert answer['data'] == 'OK'
    assert pve_env.pve.vm(101).status == 'running'


async def test_a_tool_may_be_called_as_a_method_of_pve(pve_env, start_server, tools_doc):
    code = 'return (await pve.{0}({{node: "pve1", vmid: 100}})).name;'.format(name_of(tools_doc, 'GET', VM + '/config'))
    async with start_server(code_env(pve_env)) as srv:
        assert ran(await run(srv, code))['data'] == 'web'


async def test_console_log_lines_come_back_in_log(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        answer = ran(await run(srv, 'console.log("a", 1, {b: 2}); return null;'))
    assert answer['log'] == ['a 1 {"b":2}'] and answer['data'] is None


async def test_a_failed_call_throws_the_tools_error_text(pve_env, start_server, tools_doc):
    code = 'try {{ await pve.call("{0}", {{node: "pve1"}}); }} catch (e) {{ return e.message; }}'.format(
        name_of(tools_doc, 'GET', VM + '/config'))
    async with start_server(code_env(pve_env)) as srv:
        answer = ran(await run(srv, code))
    assert 'vmid' in answer['data'] and 'nothing was sent' in answer['data']


async def test_the_host_is_out_of_reach(pve_env, start_server):
    code = 'return [typeof require, typeof process, typeof fetch, typeof setTimeout, typeof __pve_call];'
    async with start_server(code_env(pve_env)) as srv:
        answer = ran(await run(srv, code))
    assert answer['data'] == ['undefined'] * 5


# ------------------------------------------------------------------ the same policy as direct calls

async def test_a_read_only_callers_program_cannot_send_a_post(pve_env, start_server, tools_doc):
    code = 'await pve.call("{0}", {{node: "pve1", vmid: 101}}); return 1;'.format(name_of(tools_doc, 'POST', START))
    async with start_server(code_env(pve_env, tier='read-only')) as srv:
        before = pve_env.request_count()
        text = error_text(await run(srv, code))
    assert 'read-execute' in text and 'nothing was sent' in text
    assert writes_since(pve_env, before) == []


async def test_allowlists_hold_inside_runs(pve_env, start_server, tools_doc):
    code = 'await pve.call("{0}", {{node: "pve1", vmid: 101}}); return 1;'.format(name_of(tools_doc, 'POST', START))
    async with start_server(code_env(pve_env, PVE_VMID_ALLOWLIST='100')) as srv:
        before = pve_env.request_count()
        text = error_text(await run(srv, code))
    assert 'PVE_VMID_ALLOWLIST' in text
    assert writes_since(pve_env, before) == []
    assert pve_env.pve.vm(101).status == 'stopped'


async def test_a_gated_delete_without_approval_sends_nothing(pve_env, start_server, tools_doc):
    code = 'await pve.call("{0}", {{node: "pve1", vmid: 101, confirm: true, confirm_vmid: 101}}); return 1;'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env)) as srv:
        before = pve_env.request_count()
        text = error_text(await run(srv, code))
    assert 'dry_run' in text and 'approve' in text
    assert writes_since(pve_env, before) == []
    assert pve_env.pve.vm(101) is not None


async def test_each_audit_line_names_the_run(pve_env, start_server, tools_doc, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    code = 'return (await pve.call("{0}", {{node: "pve1", vmid: 101}})).exitstatus;'.format(
        name_of(tools_doc, 'POST', START))
    async with start_server(code_env(pve_env, PVE_AUDIT_LOG=str(audit))) as srv:
        ran(await run(srv, code))
    [entry] = [json.loads(line) for line in audit.read_text().splitlines()]
    assert entry['outcome'] == 'ok' and entry['run']




async def test_a_gated_delete_in_a_run_goes_through_on_the_persons_answer(pve_env, start_server, tools_doc):
    asker = Asker('accept', {'confirm': True})
    code = 'return (await pve.call("{0}", {{node: "pve1", vmid: 101}})).exitstatus;'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env), elicitation_callback=asker) as srv:
        answer = ran(await run(srv, code))
    assert answer['data'] == 'OK' and len(asker.asked) == 1 and '101' in asker.asked[0].message
    assert pve_env.pve.vm(101) is None


async def test_a_gated_delete_the_person_declines_throws_and_sends_nothing(pve_env, start_server, tools_doc):
    asker = Asker('decline')
    code = 'try {{ await pve.call("{0}", {{node: "pve1", vmid: 101}}); }} catch (e) {{ return e.message; }}'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env), elicitation_callback=asker) as srv:
        before = pve_env.request_count()
        answer = ran(await run(srv, code))
    assert 'did not confirm' in answer['data']
    assert writes_since(pve_env, before) == []


async def test_a_dry_runs_writes_are_audited_as_planned(pve_env, start_server, tools_doc, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    async with start_server(code_env(pve_env, PVE_AUDIT_LOG=str(audit))) as srv:
        ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
    entries = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [e['outcome'] for e in entries] == ['planned', 'planned']
    assert len(set(e['run'] for e in entries)) == 1


# ------------------------------------------------------------------ plans and approval

async def test_a_dry_run_sends_no_write_and_returns_a_two_write_plan(pve_env, start_server, tools_doc):
    async with start_server(code_env(pve_env)) as srv:
        before = pve_env.request_count()
        answer = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
    assert writes_since(pve_env, before) == []
    plan = answer['plan']
    assert [w['method'] for w in plan] == ['POST', 'POST']
    assert plan[0]['path'] == '/nodes/pve1/qemu/100/snapshot' and plan[0]['gated'] is False
    assert plan[1]['arguments']['snapname'] == 'before-upgrade-b'
    assert answer['plan_id'].startswith('plan1.')


async def test_approving_a_plan_runs_its_writes(pve_env, start_server, tools_doc):
    async with start_server(code_env(pve_env)) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
        before = pve_env.request_count()
        answer = ran(await run(srv, snapshot_program(tools_doc), approve=dry['plan_id']))
    assert answer['data'] == 2
    assert len(writes_since(pve_env, before)) == 2
    assert answer['approved'] == {'writes_sent': 2, 'writes_planned': 2}


async def test_approving_a_plan_for_a_changed_program_sends_nothing_and_says_why(pve_env, start_server, tools_doc):
    async with start_server(code_env(pve_env)) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
        before = pve_env.request_count()
        changed = snapshot_program(tools_doc, names=('something-else', 'before-upgrade-b'))
        text = error_text(await run(srv, changed, approve=dry['plan_id']))
    assert 'differs from write 1 of the approved plan' in text and 'no write was sent' in text
    assert writes_since(pve_env, before) == []


async def test_after_a_write_off_the_plan_nothing_further_is_sent(pve_env, start_server, tools_doc):
    after = '\ntry {{ await pve.call("{0}", {{}}); }} catch (e) {{ console.log(e.message); }}'.format(
        name_of(tools_doc, 'GET', '/nodes'))
    changed = 'try {{\n{0}\n}} catch (e) {{}}{1}\nreturn 0;'.format(
        snapshot_program(tools_doc, names=('something-else', 'x')), after)
    async with start_server(code_env(pve_env)) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
        before = pve_env.request_count()
        text = error_text(await run(srv, changed, approve=dry['plan_id']))
    assert 'not called: the run was stopped' in text
    assert pve_env.requests_since(before) == []


async def test_an_approved_plan_lets_a_gated_delete_through(pve_env, start_server, tools_doc):
    code = 'return (await pve.call("{0}", {{node: "pve1", vmid: 101}})).exitstatus;'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env)) as srv:
        dry = ran(await run(srv, code, dry_run=True))
        assert dry['plan'][0]['gated'] is True
        answer = ran(await run(srv, code, approve=dry['plan_id']))
    assert answer['data'] == 'OK'
    assert pve_env.pve.vm(101) is None


async def test_a_gated_write_let_through_by_a_plan_is_audited_with_consent_plan(
        pve_env, start_server, tools_doc, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    code = 'return (await pve.call("{0}", {{node: "pve1", vmid: 101}})).exitstatus;'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env, PVE_AUDIT_LOG=str(audit))) as srv:
        dry = ran(await run(srv, code, dry_run=True))
        ran(await run(srv, code, approve=dry['plan_id']))
    entries = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(e['outcome'], e['consent']) for e in entries] == [('planned', None), ('ok', 'plan')], entries


async def test_with_confirm_human_an_approved_plan_still_asks_the_person_for_a_gated_delete(
        pve_env, start_server, tools_doc):
    asker = Asker('accept', {'confirm': True})
    code = 'return (await pve.call("{0}", {{node: "pve1", vmid: 101}})).exitstatus;'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env, PVE_CONFIRM='human'), elicitation_callback=asker) as srv:
        dry = ran(await run(srv, code, dry_run=True))
        assert asker.asked == [] and pve_env.pve.vm(101) is not None
        answer = ran(await run(srv, code, approve=dry['plan_id']))
    assert answer['data'] == 'OK' and len(asker.asked) == 1
    assert pve_env.pve.vm(101) is None


async def test_with_confirm_human_an_approved_plan_without_a_person_sends_nothing(pve_env, start_server, tools_doc):
    code = 'try {{ await pve.call("{0}", {{node: "pve1", vmid: 101}}); }} catch (e) {{ return e.message; }}'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env, PVE_CONFIRM='human')) as srv:
        dry = ran(await run(srv, code, dry_run=True))
        before = pve_env.request_count()
        answer = ran(await run(srv, code, approve=dry['plan_id']))
    assert 'PVE_CONFIRM=human' in answer['data'], answer
    assert writes_since(pve_env, before) == []
    assert pve_env.pve.vm(101) is not None


async def test_a_plan_survives_a_restart_with_the_same_state_key(pve_env, start_server, tools_doc):
    key = 'k' * 40
    async with start_server(code_env(pve_env, PVE_MCP_STATE_KEY=key)) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
    async with start_server(code_env(pve_env, PVE_MCP_STATE_KEY=key)) as srv:
        answer = ran(await run(srv, snapshot_program(tools_doc), approve=dry['plan_id']))
    assert answer['approved']['writes_sent'] == 2


async def test_without_a_state_key_a_plan_does_not_survive_a_restart(pve_env, start_server, tools_doc):
    async with start_server(code_env(pve_env)) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
    async with start_server(code_env(pve_env)) as srv:
        before = pve_env.request_count()
        text = error_text(await run(srv, snapshot_program(tools_doc), approve=dry['plan_id']))
    assert 'not issued by this server' in text and 'PVE_MCP_STATE_KEY' in text
    assert pve_env.requests_since(before) == []


# ------------------------------------------------------------------ limits: the run ends, the server lives

async def test_an_endless_loop_is_stopped_and_the_next_run_works(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        text = error_text(await run(srv, 'while (true) {}'))
        assert 'CPU time' in text
        assert ran(await run(srv, 'return 1 + 1;'))['data'] == 2


async def test_a_memory_bomb_is_stopped_and_the_next_run_works(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        text = error_text(await run(srv, 'const a = []; while (true) a.push("x".repeat(1 << 20) + a.length);'))
        assert 'out of memory' in text
        assert ran(await run(srv, 'return "fine";'))['data'] == 'fine'


async def test_deep_recursion_is_stopped(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        text = error_text(await run(srv, 'const f = (n) => f(n + 1) + 1; return f(0);'))
        assert 'stack' in text
        assert ran(await run(srv, 'return 3;'))['data'] == 3


async def test_a_syntax_error_names_its_line(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        text = error_text(await run(srv, 'const a = 1;\nreturn a +;'))
    assert 'does not compile' in text and 'line 2' in text


async def test_the_wall_time_limit_stops_a_sleeping_program(pve_env, start_server):
    async with start_server(code_env(pve_env, PVE_RUN_TIMEOUT='1')) as srv:
        text = error_text(await run(srv, 'await sleep(30000); return 1;'))
        assert 'wall time' in text
        assert ran(await run(srv, 'return 4;'))['data'] == 4


# ------------------------------------------------------------------ the typed API

async def test_describe_in_code_mode_gives_a_typescript_signature(pve_env, start_server, tools_doc):
    start = name_of(tools_doc, 'POST', START)
    async with start_server(code_env(pve_env)) as srv:
        result = await srv.call_name('pve_describe', {'names': [start]})
    [tool] = result.structured_content['data']
    signature = tool['signature']
    assert signature.startswith('/** ') and (start + '(args: {') in signature
    assert 'vmid: number;' in signature and 'Promise<TaskReport>' in signature
    assert 'inputSchema' not in tool


async def test_code_mode_search_hits_carry_declarations_cut_to_the_query(pve_env, start_server, tools_doc):
    update = name_of(tools_doc, 'PUT', VM + '/config')
    async with start_server(code_env(pve_env)) as srv:
        result = await srv.call_name('pve_search', {'query': "change a VM's network bridge"})
    hits = result.structured_content['data']
    [hit] = [h for h in hits[:3] if h['name'] == update]
    assert set(hit) == {'name', 'gated', 'gated_if', 'signature'}, hit
    signature = hit['signature']
    assert (update + '(args: {') in signature and 'vmid: number;' in signature and 'net${number}' in signature
    assert 'tags?:' not in signature and 'more optional (pve_describe)' in signature
    assert all(set(h) == {'name', 'summary'} for h in hits[3:]), hits[3:]


async def test_discovery_mode_search_hits_carry_no_declaration(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full', PVE_TOOL_MODE='discover')) as srv:
        result = await srv.call_name('pve_search', {'query': "change a VM's network bridge"})
    assert all('signature' not in h and 'call' in h for h in result.structured_content['data'])


async def test_describe_says_when_a_gate_depends_on_the_arguments(pve_env, start_server, tools_doc):
    shutdown = name_of(tools_doc, 'POST', VM + '/status/shutdown')
    delete = name_of(tools_doc, 'DELETE', VM)
    async with start_server(code_env(pve_env)) as srv:
        result = await srv.call_name('pve_describe', {'names': [shutdown, delete, name_of(tools_doc, 'POST', START)]})
    by_name = {t['name']: t for t in result.structured_content['data']}
    assert by_name[shutdown]['gated'] is True and 'forceStop' in by_name[shutdown]['gated_if']
    assert by_name[delete]['gated'] is True and 'gated_if' not in by_name[delete]
    assert 'gated_if' not in by_name[name_of(tools_doc, 'POST', START)]


# ------------------------------------------------------------------ the README's programs

def readme_programs() -> list[str]:
    """The ```js blocks of README.md's "Code mode" section, in order."""
    text = (Path(__file__).resolve().parents[2] / 'README.md').read_text()
    section = text.split('### Code mode', 1)[1].split('\n## ', 1)[0]
    return [block.split('\n', 1)[1] for block in section.split('```js')[1:] for block in [block.split('```')[0]]]


async def test_readme_program_finds_big_running_vms_without_backup(pve_env, start_server):
    pve_env.pve.add_vm(150, 'big', status='running', config={'memory': 16384})
    unprotected, _ = readme_programs()
    async with start_server(code_env(pve_env, tier='read-only')) as srv:
        answer = ran(await run(srv, unprotected))
    assert answer['data'] == ['big (150 on pve1)']


async def test_readme_program_plans_a_snapshot_of_each_pool_vm(pve_env, start_server, tools_doc):
    _, snapshots = readme_programs()
    make_pool = 'await pve.call("{0}", {{poolid: "lab"}}); await pve.call("{1}", {{poolid: "lab", vms: "100,101"}});'.format(
        name_of(tools_doc, 'POST', '/pools'), name_of(tools_doc, 'PUT', '/pools'))
    async with start_server(code_env(pve_env)) as srv:
        ran(await run(srv, make_pool))
        dry = ran(await run(srv, snapshots, dry_run=True))
        assert [w['path'] for w in dry['plan']] == ['/nodes/pve1/qemu/100/snapshot', '/nodes/pve1/qemu/101/snapshot']
        answer = ran(await run(srv, snapshots, approve=dry['plan_id']))
    assert answer['data'] == [100, 101]


async def test_a_run_makes_at_most_500_calls(pve_env, start_server, tools_doc):
    code = '''let n = 0;
try {{ while (true) {{ await pve.call("{0}", {{}}); n++; }} }} catch (e) {{ return [n, e.message]; }}'''.format(
        name_of(tools_doc, 'GET', '/nodes'))
    async with start_server(code_env(pve_env)) as srv:
        answer = ran(await run(srv, code))
    assert answer['data'][0] == 500 and 'at most 500 calls' in answer['data'][1]


async def test_a_large_return_value_is_cut_to_the_result_limit(pve_env, start_server):
    async with start_server(code_env(pve_env, PVE_RESULT_LIMIT='500')) as srv:
        result = await run(srv, 'return "x".repeat(10000);')
    assert not result.is_error
    assert 'Result cut' in result.content[0].text and len(result.content[0].text) < 3000


# ------------------------------------------------------------------ issue 30: every effect on the record

async def test_a_plan_is_run_once_and_approving_it_again_sends_nothing(pve_env, start_server, tools_doc):
    code = 'return (await pve.call("{0}", {{node: "pve1", vmid: 101}})).exitstatus;'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env)) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
        assert ran(await run(srv, snapshot_program(tools_doc), approve=dry['plan_id']))['data'] == 2
        before = pve_env.request_count()
        text = error_text(await run(srv, snapshot_program(tools_doc), approve=dry['plan_id']))
        assert 'already approved and run' in text and 'dry-run' in text
        assert pve_env.requests_since(before) == []
        gated = ran(await run(srv, code, dry_run=True))
        ran(await run(srv, code, approve=gated['plan_id']))
        before = pve_env.request_count()
        error_text(await run(srv, code, approve=gated['plan_id']))
    assert writes_since(pve_env, before) == []


async def test_a_plan_whose_run_sent_no_write_may_be_approved_again(pve_env, start_server, tools_doc):
    async with start_server(code_env(pve_env)) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
        error_text(await run(srv, 'throw new Error("not yet");', approve=dry['plan_id']))
        answer = ran(await run(srv, snapshot_program(tools_doc), approve=dry['plan_id']))
    assert answer['approved'] == {'writes_sent': 2, 'writes_planned': 2}


async def test_an_approved_run_stopped_part_way_says_which_planned_writes_remain(pve_env, start_server, tools_doc):
    async with start_server(code_env(pve_env)) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
        changed = snapshot_program(tools_doc, names=('before-upgrade-a', 'something-else'))
        text = error_text(await run(srv, changed, approve=dry['plan_id']))
    assert '1 of its 2 writes sent; write 2 not sent' in text and 'used up' in text


async def test_a_write_cut_off_by_the_wall_time_is_reported_with_its_upid_and_audited(
        pve_env, start_server, tools_doc, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    pve_env.pve.time_scale = 1.0
    pve_env.pve.vm(101).start_secs = 4
    code = 'await pve.call("{0}", {{node: "pve1", vmid: 101}}); return 1;'.format(name_of(tools_doc, 'POST', START))
    async with start_server(code_env(pve_env, PVE_RUN_TIMEOUT='1', PVE_AUDIT_LOG=str(audit))) as srv:
        text = error_text(await run(srv, code))
    assert 'wall time' in text and 'accepted by PVE' in text and 'UPID:' in text, text
    [entry] = [json.loads(line) for line in audit.read_text().splitlines()]
    assert entry['outcome'] == 'started' and entry['upid'].startswith('UPID:') and entry['run'], entry
    assert entry['upid'] in text


async def test_a_refusal_the_program_catches_is_listed_in_the_result(pve_env, start_server, tools_doc):
    code = 'try {{ await pve.call("{0}", {{node: "pve1", vmid: 101}}); }} catch (e) {{}} return "VM 101 deleted";'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env)) as srv:
        answer = ran(await run(srv, code))
    [refusal] = answer['refused']
    assert refusal['tool'] == name_of(tools_doc, 'DELETE', VM) and 'Nothing was sent' in refusal['reason']
    assert pve_env.pve.vm(101) is not None


async def test_a_run_with_no_refusal_has_no_refused_list(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        assert 'refused' not in ran(await run(srv, 'return 1;'))


async def test_audit_lines_of_an_approved_run_name_its_plan_id(pve_env, start_server, tools_doc, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    async with start_server(code_env(pve_env, PVE_AUDIT_LOG=str(audit))) as srv:
        dry = ran(await run(srv, snapshot_program(tools_doc), dry_run=True))
        ran(await run(srv, snapshot_program(tools_doc), approve=dry['plan_id']))
    entries = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [e['plan'] for e in entries] == [None, None, dry['plan_id'], dry['plan_id']], entries


async def test_a_gated_call_refused_in_a_run_carries_no_direct_call_advice(
        pve_env, start_server, tools_doc, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    code = 'try {{ await pve.call("{0}", {{node: "pve1", vmid: 101}}); }} catch (e) {{ return e.message; }}'.format(
        name_of(tools_doc, 'DELETE', VM))
    async with start_server(code_env(pve_env, PVE_AUDIT_LOG=str(audit))) as srv:
        answer = ran(await run(srv, code))
    [entry] = [json.loads(line) for line in audit.read_text().splitlines()]
    for text in (answer['data'], answer['refused'][0]['reason'], entry['message']):
        assert 'call again' not in text and 'confirm: true' not in text, text
    assert 'dry_run' in answer['data']


async def test_a_failed_calls_error_names_the_programs_line(pve_env, start_server, tools_doc):
    code = 'const a = 1;\nawait pve.call("{0}", {{node: "pve1"}});'.format(name_of(tools_doc, 'GET', VM + '/config'))
    async with start_server(code_env(pve_env)) as srv:
        text = error_text(await run(srv, code))
    assert '(at line 2, column' in text, text


async def test_a_reference_error_names_the_programs_line_and_column(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        one_line = error_text(await run(srv, 'nope();'))
        two_lines = error_text(await run(srv, 'const a = 1;\n  nope();'))
    assert 'ReferenceError' in one_line and '(at line 1, column 1)' in one_line, one_line
    assert '(at line 2, column 3)' in two_lines, two_lines


async def test_an_error_the_engine_places_only_in_the_wrapper_names_no_place(pve_env, start_server):
    async with start_server(code_env(pve_env)) as srv:
        text = error_text(await run(srv, 'const a = 1;\nconst b = nope;'))
    assert 'ReferenceError' in text and '(at line' not in text, text


async def test_an_approved_run_sees_the_dry_runs_clock_and_random_values(pve_env, start_server, tools_doc):
    code = '''const snap = "pre-" + Date.now() + "-" + Math.floor(Math.random() * 1e9);
await pve.call("{0}", {{node: "pve1", vmid: 100, snapname: snap}});
return snap;'''.format(name_of(tools_doc, 'POST', SNAPSHOTS))
    async with start_server(code_env(pve_env)) as srv:
        dry = ran(await run(srv, code, dry_run=True))
        await anyio.sleep(0.05)
        answer = ran(await run(srv, code, approve=dry['plan_id']))
    assert answer['data'] == dry['data'] and answer['approved']['writes_sent'] == 1


async def test_a_runs_date_is_a_working_date(pve_env, start_server):
    code = 'const d = new Date(); return [d instanceof Date, typeof Date(), new Date(0).toISOString(), Date.UTC(2020, 0)];'
    async with start_server(code_env(pve_env)) as srv:
        answer = ran(await run(srv, code))
    assert answer['data'] == [True, 'string', '1970-01-01T00:00:00.000Z', 1577836800000]


# ------------------------------------------------------------------ issue 30, second round

async def test_a_read_of_what_a_planned_write_creates_does_not_stop_the_dry_run(pve_env, start_server, tools_doc):
    code = '''await pve.call("{0}", {{node: "pve1", vmid: 100, newid: 150, name: "copy"}});
const status = await pve.call("{1}", {{node: "pve1", vmid: 150}});
return status;'''.format(name_of(tools_doc, 'POST', VM + '/clone'), name_of(tools_doc, 'GET', VM + '/status/current'))
    async with start_server(code_env(pve_env)) as srv:
        before = pve_env.request_count()
        answer = ran(await run(srv, code, dry_run=True))
    assert writes_since(pve_env, before) == []
    assert [w['path'] for w in answer['plan']] == ['/nodes/pve1/qemu/100/clone']
    assert answer['data']['dry_run'].startswith('NOT READ'), answer['data']
    assert answer['data']['path'] == '/nodes/pve1/qemu/150/status/current'
    [unread] = answer['unread']
    assert unread['path'] == '/nodes/pve1/qemu/150/status/current' and unread['reason'], unread


async def test_a_failed_read_with_no_planned_write_before_it_still_throws_in_a_dry_run(pve_env, start_server, tools_doc):
    code = 'return await pve.call("{0}", {{node: "pve1", vmid: 150}});'.format(
        name_of(tools_doc, 'GET', VM + '/status/current'))
    async with start_server(code_env(pve_env)) as srv:
        text = error_text(await run(srv, code, dry_run=True))
    assert 'the program threw' in text, text
