"""Helpers for pve-mcp's integration tests: spawning the binary, finding tools, reading results,
and what the vendored schema and docs/TOOLS.md say the tool list must be.

Tools are always found by their `_meta` (method and PVE path), never by name: names may change.
"""

import asyncio
import contextlib
import dataclasses
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

if sys.version_info < (3, 11):
    from exceptiongroup import BaseExceptionGroup  # anyio's dependency on 3.10

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError

REPO_ROOT = Path(__file__).resolve().parents[2]
APIDOC = REPO_ROOT / 'apidoc' / 'apidoc.json'
TOOLS_DOC = REPO_ROOT / 'docs' / 'TOOLS.md'

META_METHOD = 'pve-mcp/method'
META_PATH = 'pve-mcp/path'
META_TIER = 'pve-mcp/tier'
META_CATEGORY = 'pve-mcp/category'
META_KEYS = (META_METHOD, META_PATH, META_TIER, META_CATEGORY)
TIERS = ('read-only', 'read-execute', 'full')
NAME_RE = re.compile(r'^[a-z0-9_]{1,40}$')

# Seconds one MCP request may take before the test fails (fakepve answers in milliseconds).
REQUEST_TIMEOUT = 30.0
# Seconds a server has to exit once its stdin is closed, or to fail at startup.
EXIT_TIMEOUT = 10.0


# ------------------------------------------------------------------ the binary

def binary() -> Path:
    """The pve-mcp binary: $PVE_MCP_BIN, else target/debug/pve-mcp (relative paths from the repo root)."""
    path = Path(os.environ.get('PVE_MCP_BIN') or 'target/debug/pve-mcp')
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


def base_env() -> dict[str, str]:
    """The environment every spawned server gets besides its PVE_* settings: nothing from the caller's
    PVE_* or RUST_LOG leaks in, so a developer's shell cannot change what a test sees."""
    return dict((k, v) for k, v in os.environ.items() if k in ('PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR'))


def run_startup(settings: dict[str, str], timeout: float = EXIT_TIMEOUT) -> subprocess.CompletedProcess:
    """Run the binary with exactly these settings and an initialize request on stdin; return when it exits."""
    init = json.dumps(initialize_request(1, '2025-11-25')) + '\n'
    return subprocess.run([str(binary())], env={**base_env(), **settings}, input=init.encode(),
                          capture_output=True, timeout=timeout, cwd=REPO_ROOT)


# ------------------------------------------------------------------ tool lookup

def meta(tool) -> dict[str, Any]:
    return tool.meta or {}


def tool_for(tools, method: str, path: str):
    """The tool whose `_meta` says it calls `method path` (a PVE path template such as /nodes/{node}/qemu)."""
    found = [t for t in tools if meta(t).get(META_METHOD) == method and meta(t).get(META_PATH) == path]
    if not found:
        raise AssertionError('no tool in tools/list has _meta {0} {1} (of {2} tools)'.format(method, path, len(tools)))
    if len(found) > 1:
        raise AssertionError('{0} tools claim {1} {2}: {3}'.format(len(found), method, path, [t.name for t in found]))
    return found[0]


def tool_for_raw(tools: list[dict], method: str, path: str) -> dict:
    """tool_for on a raw tools/list answer (JSON objects)."""
    found = [t for t in tools if (t.get('_meta') or {}).get(META_METHOD) == method
             and (t.get('_meta') or {}).get(META_PATH) == path]
    assert len(found) == 1, '{0} tools in tools/list have _meta {1} {2}'.format(len(found), method, path)
    return found[0]


def endpoint(tool) -> tuple[str, str]:
    return meta(tool).get(META_METHOD), meta(tool).get(META_PATH)


# ------------------------------------------------------------------ results

def texts(result) -> list[str]:
    return [c.text for c in result.content if getattr(c, 'type', None) == 'text']


def ok_data(result) -> Any:
    """The PVE data of a successful call, after checking the success contract:
    isError false, structuredContent == {"data": ...} (a configuration read may add "property_strings",
    pve_search a "hint"),
    content[0] the same as compact JSON text (the data alone when that is all there is)."""
    assert not result.is_error, 'the call failed: {0}'.format(texts(result))
    assert isinstance(result.structured_content, dict) and 'data' in result.structured_content \
        and set(result.structured_content) <= {'data', 'property_strings', 'hint'}, \
        'structuredContent must be {{"data": ...}}, got {0!r}'.format(result.structured_content)
    data = result.structured_content['data']
    whole = data if set(result.structured_content) == {'data'} else result.structured_content
    assert result.content and result.content[0].type == 'text', 'content[0] must be text: {0!r}'.format(result.content)
    text = result.content[0].text
    assert json.loads(text) == whole, 'content[0].text is not the data: {0!r}'.format(text[:500])
    assert '\n' not in text, 'content[0].text must be compact JSON'
    return data


def error_text(result) -> str:
    """The message of a failed call, after checking the error contract: isError true, readable text,
    no structuredContent."""
    assert result.is_error, 'the call should have failed but returned {0!r}'.format(result.structured_content)
    assert result.structured_content is None, 'an error carries no structuredContent: {0!r}'.format(
        result.structured_content)
    joined = '\n'.join(texts(result))
    assert joined.strip(), 'an error must say what went wrong'
    return joined


# ------------------------------------------------------------------ a running server (MCP SDK client)

@dataclasses.dataclass
class Server:
    """One pve-mcp process, initialized, with its tool list."""

    session: ClientSession
    init: Any
    tools: list
    stderr_path: Path

    def tool(self, method: str, path: str):
        return tool_for(self.tools, method, path)

    async def call(self, method: str, path: str, **arguments):
        """Call the tool for `method path` with these arguments; returns the CallToolResult."""
        return await self.call_name(self.tool(method, path).name, arguments)

    async def call_name(self, name: str, arguments: dict):
        return await self.session.call_tool(name, arguments, read_timeout_seconds=REQUEST_TIMEOUT)

    async def refusal(self, name: str, arguments: dict) -> str:
        """Call a tool that must be refused: the message, whether the server answered with a JSON-RPC
        error or with an isError result."""
        try:
            result = await self.call_name(name, arguments)
        except MCPError as exc:
            assert exc.message, 'a JSON-RPC error must say what went wrong'
            return exc.message
        return error_text(result)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors='replace')


async def list_all_tools(session: ClientSession) -> list:
    """tools/list, which must fit one page."""
    listing = await session.list_tools()
    assert listing.next_cursor is None, 'tools/list must answer in one page'
    return listing.tools


@contextlib.asynccontextmanager
async def mcp_server(settings: dict[str, str], stderr_path: Path, **session_options):
    """Spawn pve-mcp with these PVE_* settings (plus PATH/HOME), initialize it and list its tools.

    Its stderr goes to stderr_path. The process is stopped when the block ends. `session_options` go to
    the SDK's ClientSession (elicitation_callback=..., say, to declare the elicitation capability)."""
    exe = binary()
    assert exe.is_file(), 'pve-mcp binary not found at {0}: run cargo build or set PVE_MCP_BIN'.format(exe)
    params = StdioServerParameters(command=str(exe), args=[], env={**base_env(), **settings}, cwd=str(REPO_ROOT))
    with open(stderr_path, 'w') as errlog, single_errors():
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, read_timeout_seconds=REQUEST_TIMEOUT,
                                     **session_options) as session:
                init = await session.initialize()
                tools = await list_all_tools(session)
                yield Server(session=session, init=init, tools=tools, stderr_path=stderr_path)


@contextlib.contextmanager
def single_errors():
    """Unwrap the task groups' exception groups when they hold one error (a failed assert, say), so
    pytest reports it plainly."""
    try:
        yield
    except BaseExceptionGroup as group:
        leaves = list(_leaves(group))
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


def _leaves(group):
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            yield from _leaves(exc)
        else:
            yield exc


# ------------------------------------------------------------------ raw JSON-RPC over stdio

def initialize_request(request_id: int, version: str) -> dict:
    return {'jsonrpc': '2.0', 'id': request_id, 'method': 'initialize',
            'params': {'protocolVersion': version, 'capabilities': {},
                       'clientInfo': {'name': 'pve-mcp-tests', 'version': '0'}}}


class RawServer:
    """pve-mcp spoken to in raw JSON-RPC lines, checking that every stdout line is a JSON-RPC message."""

    def __init__(self, proc: asyncio.subprocess.Process, stderr_file):
        self.proc = proc
        self.stderr_file = stderr_file
        self.lines: list[str] = []
        self.messages: list[dict] = []
        self._next_id = 1

    @classmethod
    async def start(cls, settings: dict[str, str], stderr_path: Path) -> 'RawServer':
        """Spawn pve-mcp with these PVE_* settings (plus PATH/HOME); its stderr goes to stderr_path."""
        exe = binary()
        assert exe.is_file(), 'pve-mcp binary not found at {0}: run cargo build or set PVE_MCP_BIN'.format(exe)
        stderr_file = open(stderr_path, 'w')
        try:
            # tools/list is one long line: the stream's line limit must hold it.
            proc = await asyncio.create_subprocess_exec(
                str(exe), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=stderr_file,
                env={**base_env(), **settings}, cwd=str(REPO_ROOT), limit=256 * 1024 * 1024)
        except BaseException:
            stderr_file.close()
            raise
        return cls(proc, stderr_file)

    async def send(self, message: dict) -> None:
        self.proc.stdin.write((json.dumps(message) + '\n').encode())
        await self.proc.stdin.drain()

    async def notify(self, method: str, params: dict | None = None) -> None:
        message = {'jsonrpc': '2.0', 'method': method}
        if params is not None:
            message['params'] = params
        await self.send(message)

    async def read_message(self, timeout: float = REQUEST_TIMEOUT) -> dict | None:
        """The next stdout line as a JSON-RPC message (None at end of output)."""
        raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        if not raw:
            return None
        line = raw.decode()
        self.lines.append(line)
        assert line.endswith('\n'), 'a stdout line must end with a newline: {0!r}'.format(line[:200])
        try:
            message = json.loads(line)
        except ValueError:
            raise AssertionError('stdout carries something that is not JSON-RPC: {0!r}'.format(line[:200])) from None
        assert isinstance(message, dict) and message.get('jsonrpc') == '2.0', \
            'stdout line is not a JSON-RPC 2.0 message: {0!r}'.format(line[:200])
        assert ('method' in message) or ('id' in message and ('result' in message) != ('error' in message)), \
            'not a request, notification or response: {0!r}'.format(line[:200])
        self.messages.append(message)
        return message

    async def request(self, method: str, params: dict | None = None, request_id: int | None = None) -> dict:
        """Send a request and return the response with its id (a JSON-RPC message with result or error)."""
        if request_id is None:
            request_id = self._next_id
        self._next_id = max(self._next_id, request_id) + 1
        message = {'jsonrpc': '2.0', 'id': request_id, 'method': method}
        if params is not None:
            message['params'] = params
        await self.send(message)
        while True:
            answer = await self.read_message()
            assert answer is not None, 'the server closed stdout before answering {0}'.format(method)
            if answer.get('id') == request_id and 'method' not in answer:
                return answer

    async def close(self) -> int | None:
        """Close stdin, read and check what is left on stdout, and wait for the exit (kill after EXIT_TIMEOUT).
        Returns the exit code, or None if the process had to be killed."""
        if self.proc.stdin and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            async def drain():
                while await self.read_message() is not None:
                    pass
                return await self.proc.wait()
            return await asyncio.wait_for(drain(), EXIT_TIMEOUT)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            return None
        finally:
            self.stderr_file.close()


# ------------------------------------------------------------------ what the schema and docs imply

def apidoc_methods() -> list[tuple[str, str]]:
    """Every (METHOD, path) in apidoc/apidoc.json."""
    out = []

    def walk(node):
        for method in (node.get('info') or {}):
            out.append((method, node['path']))
        for child in node.get('children') or []:
            walk(child)
    for root in json.loads(APIDOC.read_text()):
        walk(root)
    return out


@dataclasses.dataclass(frozen=True)
class DocRow:
    category: str
    name: str
    method: str
    path: str
    tier: str
    gate: str


ROW_RE = re.compile(r'^\| `([^`]+)` \| `([A-Z]+) ([^`]+)` \| ([a-z-]+) \| ([^|]*)\|')
LEFT_OUT_RE = re.compile(r'^\| `([A-Z]+) ([^`]+)` \| ')
SECTION_RE = re.compile(r'^## (.+?)(?: \((\d+)\))?\s*$')


@dataclasses.dataclass
class ToolsDoc:
    rows: list[DocRow]
    left_out: list[tuple[str, str]]
    categories: list[str]


RELEASES_RE = re.compile(r'^One binary serves every vendored PVE release \(([^)]+)\)')


def in_newest(line: str, newest: str | None) -> bool:
    """Whether a tool row's "since / until" cell (after the gate's) says the newest release has it:
    empty or `9.1 –`, not `– 8.x` or a list without the newest."""
    cells = [c.strip() for c in line.strip().strip('|').split(' | ')]
    if newest is None or len(cells) < 6:
        return True
    span = cells[4]
    if ',' in span:
        return span.split(',')[-1].strip() == newest
    return not re.search(r'–\s*\S', span)


PBS_PART = '# Proxmox Backup Server tools'


def tools_doc() -> ToolsDoc:
    """docs/TOOLS.md's PVE part read back: its tool rows (with their section as category) and the Left
    out table. The Backup Server's part (from PBS_PART on) is pbs_tools_doc()'s."""
    return _read_tools_doc(TOOLS_DOC.read_text().split('\n' + PBS_PART + '\n')[0], 'Left out')


def pbs_tools_doc() -> ToolsDoc:
    """docs/TOOLS.md's Backup Server part read back, like tools_doc(): categories are its `pbs …` sections."""
    text = TOOLS_DOC.read_text()
    assert '\n' + PBS_PART + '\n' in text, 'docs/TOOLS.md has no {0!r} part'.format(PBS_PART)
    return _read_tools_doc(text.split('\n' + PBS_PART + '\n', 1)[1], 'pbs left out')


def _read_tools_doc(text: str, left_out_section: str) -> ToolsDoc:
    rows, left_out, categories = [], [], []
    section = None
    newest = None
    for number, line in enumerate(text.splitlines()):
        if number > 0 and line.startswith('# '):
            break  # the next product's part
        releases = RELEASES_RE.match(line)
        if releases:
            newest = releases.group(1).split(',')[-1].strip()
        heading = SECTION_RE.match(line)
        if heading:
            section = heading.group(1)
            if heading.group(2) is not None:
                categories.append(section)
            continue
        if section == left_out_section:
            found = LEFT_OUT_RE.match(line)
            if found:
                left_out.append((found.group(1), found.group(2)))
            continue
        found = ROW_RE.match(line)
        if found and section in categories and in_newest(line, newest):
            rows.append(DocRow(category=section, name=found.group(1), method=found.group(2), path=found.group(3),
                               tier=found.group(4), gate=found.group(5).strip()))
    return ToolsDoc(rows=rows, left_out=left_out, categories=categories)


def closed_to_tokens() -> set[tuple[str, str]]:
    """Every (METHOD, path) the schema marks `allowtoken: 0`: not offered to pve-mcp's API token login."""
    out = set()

    def walk(node):
        for method, info in (node.get('info') or {}).items():
            if str(info.get('allowtoken', 1)) in ('0', 'False', 'false'):
                out.add((method, node['path']))
        for child in node.get('children') or []:
            walk(child)
    for root in json.loads(APIDOC.read_text()):
        walk(root)
    return out


def expected_counts() -> dict[str, int]:
    """Tool counts per tier for the suite's API token login: read-only = GETs in the schema minus left-out
    GETs, full = every method minus every left-out one, read-execute = the TOOLS.md rows of tier read-only
    or read-execute; each minus the methods closed to API tokens (`allowtoken: 0`)."""
    closed = closed_to_tokens()
    methods = [m for m in apidoc_methods() if m not in closed]
    doc = tools_doc()
    doc.rows = [r for r in doc.rows if (r.method, r.path) not in closed]
    left_out = set(doc.left_out)
    assert left_out <= set(methods), 'TOOLS.md leaves out endpoints the schema lacks: {0}'.format(
        sorted(left_out - set(methods)))
    counts = Counter(m for m, _ in methods)
    return {
        'read-only': counts['GET'] - sum(1 for m, _ in left_out if m == 'GET'),
        'read-execute': sum(1 for r in doc.rows if r.tier in ('read-only', 'read-execute')),
        'full': len(methods) - len(left_out),
    }


def tier_rank(tier: str) -> int:
    return TIERS.index(tier)


# ------------------------------------------------------------------ overlay results (tasks)

TASK_KEYS = {'upid', 'node', 'type', 'id', 'user', 'status', 'exitstatus', 'duration_s', 'log_tail'}


def ok_task(result) -> dict:
    """The report of a waited-for PVE task that ended well, after checking the task success contract:
    isError false, structuredContent == {"task": {...}} with exactly TASK_KEYS, status "stopped",
    exitstatus "OK" or "WARNINGS: n", and content[0] the same structured content as compact JSON text."""
    assert not result.is_error, 'the call failed: {0}'.format(texts(result))
    assert isinstance(result.structured_content, dict) and set(result.structured_content) == {'task'}, \
        'structuredContent must be {{"task": ...}}, got {0!r}'.format(result.structured_content)
    task = result.structured_content['task']
    assert set(task) == TASK_KEYS, 'task report keys: {0}'.format(sorted(task))
    assert task['status'] == 'stopped', task
    assert task['exitstatus'] == 'OK' or re.fullmatch(r'WARNINGS: \d+', task['exitstatus'] or ''), task
    assert isinstance(task['log_tail'], list) and all(isinstance(line, str) for line in task['log_tail']), task
    assert isinstance(task['duration_s'], (int, float)) and task['duration_s'] >= 0, task
    assert result.content and result.content[0].type == 'text', 'content[0] must be text: {0!r}'.format(result.content)
    assert json.loads(result.content[0].text) == result.structured_content, \
        'content[0].text is not the structured content: {0!r}'.format(result.content[0].text[:500])
    return task


async def task_finished(pve, upid: str, timeout: float = 15.0) -> dict:
    """Wait (real seconds) until fakepve's task `upid` has stopped; its record."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while pve.tasks[upid]['status'] != 'stopped':
        assert loop.time() < deadline, 'fakepve task {0} still running after {1} s'.format(upid, timeout)
        await asyncio.sleep(0.05)
    return pve.tasks[upid]


class Asker:
    """An elicitation callback answering with `action` (and `content`), remembering what it was asked."""

    def __init__(self, action, content=None):
        self.action = action
        self.content = content
        self.asked = []

    async def __call__(self, context, params):
        from mcp import types
        self.asked.append(params)
        return types.ElicitResult(action=self.action, content=self.content)
