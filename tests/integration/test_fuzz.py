"""Hostile arguments to every generated tool (tier full, direct mode), pipelined as raw JSON-RPC over stdio:
wrong types everywhere, 1 MB strings, path traversal, CRLF, NUL, unicode, objects and arrays where scalars
belong, unknown arguments, missing required ones, `..` as a path segment. The server must never panic or
exit, every answer must be an isError result or a JSON-RPC error, and fakepve must receive nothing.

Separately, traversal strings that are valid values of a free-text path parameter must reach fakepve as one
percent-encoded segment: never as extra path steps."""

import asyncio
import json
import re

import pytest

import harness
from harness import META_METHOD, META_PATH, RawServer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

HUGE = 'A' * (1024 * 1024)
TRAVERSAL = '../../access\r\n\x00\u202e\U0001F4A3'
PARAM_RE = re.compile(r'\{([^}]+)\}')


def hostile_value(schema: dict, huge: bool):
    """A value of the wrong JSON type for this property (every reader refuses it)."""
    kind = schema.get('type')
    if isinstance(kind, list):
        kind = next((k for k in kind if k != 'null'), 'string')
    if kind in ('integer', 'number'):
        return HUGE if huge else TRAVERSAL
    if kind == 'boolean':
        return {'$ne': None, 'x': [TRAVERSAL]}
    if kind == 'array':
        return {'not': 'an array', 'x': TRAVERSAL}
    if kind == 'object':
        return [[TRAVERSAL]]
    # Strings (plain, enums, patterns, property strings): an array of arrays is none of them.
    return [[HUGE if huge else TRAVERSAL], {'\r\n': '\x00'}]


def payloads(tool: dict, index: int) -> list[dict]:
    schema = tool.get('inputSchema') or {}
    props = schema.get('properties') or {}
    required = schema.get('required') or []
    path_params = PARAM_RE.findall((tool.get('_meta') or {}).get(META_PATH, ''))
    huge = index % 60 == 0
    out = [
        # Unknown arguments only (with hostile names and values).
        {'zz_unknown\r\nX-Injected: 1': TRAVERSAL, '\u0000': {'$gt': ''}, '__proto__': {'polluted': True}},
        # Every declared argument of the wrong type.
        dict((name, hostile_value(p, huge and i == 0)) for i, (name, p) in enumerate(props.items())) or
        {'zz_unknown': HUGE if huge else TRAVERSAL},
    ]
    if required:
        out.append({})  # missing every required argument
    if path_params:
        # `..` and `.` as path segments, everything else absent or plausible.
        bad = dict((name, 1 if (props.get(name) or {}).get('type') in ('integer', 'number') else 'pve1')
                   for name in path_params)
        string_params = [n for n in path_params if (props.get(n) or {}).get('type') not in ('integer', 'number')]
        if string_params:
            bad[string_params[-1]] = '..'
            out.append(bad)
            out.append(dict(bad, **{string_params[-1]: '.'}))
    return out


async def test_hostile_arguments_to_every_tool_are_refused_and_nothing_reaches_pve(pve_env, tmp_path):
    server = await RawServer.start(pve_env.server_env(tier='full', PVE_TOOL_MODE='direct'), tmp_path / 'fuzz.stderr')
    try:
        init = await server.request('initialize', harness.initialize_request(1, '2025-11-25')['params'])
        assert 'result' in init, init
        await server.notify('notifications/initialized')
        listing = await server.request('tools/list', {})
        tools = listing['result']['tools']
        assert len(tools) > 300, 'tier full in direct mode lists every tool, got {0}'.format(len(tools))

        calls = {}
        next_id = 1000
        for index, tool in enumerate(tools):
            for arguments in payloads(tool, index):
                calls[next_id] = (tool['name'], arguments)
                next_id += 1
        # Plus malformed requests: arguments not an object, no name, a name that is not a string.
        malformed = [{'name': tools[0]['name'], 'arguments': [TRAVERSAL]}, {'arguments': {}},
                     {'name': {'x': 1}}, {'name': tools[0]['name'], 'arguments': TRAVERSAL},
                     {'name': '../../' + tools[0]['name'], 'arguments': {}}]
        for params in malformed:
            calls[next_id] = (params, None)
            next_id += 1
        before = pve_env.request_count()

        async def write_all():
            for request_id, (name, arguments) in calls.items():
                params = name if arguments is None else {'name': name, 'arguments': arguments}
                await server.send({'jsonrpc': '2.0', 'id': request_id, 'method': 'tools/call', 'params': params})
        writer = asyncio.create_task(write_all())
        answers = {}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 90
        while len(answers) < len(calls):
            assert loop.time() < deadline, 'only {0} of {1} answers'.format(len(answers), len(calls))
            message = await server.read_message(timeout=60)
            assert message is not None, 'pve-mcp closed stdout (exited?) after {0} answers; stderr: {1}'.format(
                len(answers), (tmp_path / 'fuzz.stderr').read_text()[-2000:])
            if 'id' in message and message['id'] in calls:
                answers[message['id']] = message
        await writer

        accepted = []
        for request_id, message in answers.items():
            if 'error' in message:
                assert message['error'].get('message'), message
                continue
            result = message['result']
            if not result.get('isError'):
                accepted.append((calls[request_id][0], json.dumps(calls[request_id][1])[:200]))
            else:
                assert result.get('content') and result['content'][0].get('text'), result
        print('fuzz: {0} tools, {1} calls, {2} JSON-RPC errors'.format(len(tools), len(calls), sum(1 for m in answers.values() if 'error' in m)))
        assert accepted == [], 'hostile calls were not refused: {0}'.format(accepted[:10])
        assert pve_env.requests_since(before) == [], 'fakepve received: {0}'.format(
            pve_env.requests_since(before)[:10])
        # Still alive and answering.
        again = await server.request('tools/list', {})
        assert len(again['result']['tools']) == len(tools)
        assert server.proc.returncode is None
    finally:
        code = await server.close()
    stderr = (tmp_path / 'fuzz.stderr').read_text(errors='replace')
    assert 'panicked' not in stderr, stderr[-3000:]
    assert code == 0, 'pve-mcp exit code {0}'.format(code)


def plausible(name: str, schema: dict, node: str):
    kind = schema.get('type')
    if kind in ('integer', 'number'):
        return 100
    if name == 'node':
        return node
    if schema.get('enum'):
        return schema['enum'][0]
    return 'local'


TRAVERSALS = ('../../access/users', '..%2F..%2Faccess', 'a/../../../access', '..\\..\\access', '%2e%2e')


async def test_traversal_in_path_parameters_stays_one_segment(pve_env, tmp_path):
    raw_paths = []
    record = pve_env.pve._record

    def record_raw(request, body):
        raw_paths.append(request.raw_path.split('?')[0])
        record(request, body)
    pve_env.pve._record = record_raw

    server = await RawServer.start(pve_env.server_env(tier='read-only', PVE_TOOL_MODE='direct'),
                                   tmp_path / 'traversal.stderr')
    try:
        await server.request('initialize', harness.initialize_request(1, '2025-11-25')['params'])
        await server.notify('notifications/initialized')
        tools = (await server.request('tools/list', {}))['result']['tools']
        sent = 0
        for tool in tools:
            template = tool['_meta'][META_PATH]
            if tool['_meta'][META_METHOD] != 'GET' or template.startswith('/access'):
                continue
            props = tool['inputSchema'].get('properties') or {}
            params = PARAM_RE.findall(template)
            free = [p for p in params if (props.get(p) or {}).get('type') == 'string'
                    and not (props.get(p) or {}).get('enum') and p != 'node']
            if not free:
                continue
            for value in TRAVERSALS:
                arguments = dict((p, plausible(p, props.get(p) or {}, pve_env.node)) for p in params)
                arguments[free[0]] = value
                start = len(raw_paths)
                answer = await server.request('tools/call', {'name': tool['name'], 'arguments': arguments})
                assert 'result' in answer or 'error' in answer
                for path in raw_paths[start:]:
                    if path == '/api2/json/version':
                        continue  # the server's own once-per-run release check
                    sent += 1
                    below = path[len('/api2/json'):]
                    assert below.count('/') == template.count('/'), \
                        '{0}: {1!r} became {2} (template {3})'.format(tool['name'], value, path, template)
                    assert not below.startswith('/access'), path
                    assert '/../' not in path and '/./' not in path and '\\' not in path, path
        print('traversal: {0} requests reached fakepve'.format(sent))
        assert sent > 0, 'no traversal value was valid for any free-text path parameter'
    finally:
        await server.close()
