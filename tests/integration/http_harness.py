"""Helpers for the Streamable HTTP tests: start pve-mcp with --http (PVE_MCP_HTTP), write token files,
and talk MCP to it with the official SDK's streamable HTTP client, or raw HTTP with httpx2.

The server binds 127.0.0.1 port 0 and its startup log line tells the real port."""

import asyncio
import contextlib
import dataclasses
import json
import re
import secrets
import signal
from pathlib import Path

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

import harness

URL_RE = re.compile(r'(http://127\.0\.0\.1:\d+/mcp)')
START_TIMEOUT = 15.0


def new_token() -> str:
    return secrets.token_hex(24)


def token_file(path: Path, entries: list[dict]) -> Path:
    """Write a TOML token file: one [[token]] table per entry (name, token, tier, categories, ...)."""
    lines = []
    for entry in entries:
        lines.append('[[token]]')
        for key, value in entry.items():
            lines.append('{0} = {1}'.format(key, json.dumps(value)))
        lines.append('')
    path.write_text('\n'.join(lines))
    return path


@dataclasses.dataclass
class HttpServer:
    url: str
    proc: asyncio.subprocess.Process
    stderr_path: Path

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors='replace')

    def rss_kib(self) -> int:
        """The server's resident memory (VmRSS), in KiB."""
        for line in Path('/proc/{0}/status'.format(self.proc.pid)).read_text().splitlines():
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
        raise AssertionError('no VmRSS for pid {0}'.format(self.proc.pid))

    def alive(self) -> bool:
        return self.proc.returncode is None


@contextlib.asynccontextmanager
async def http_server(settings: dict[str, str], stderr_path: Path, bind: str = '127.0.0.1:0'):
    """Spawn pve-mcp serving HTTP with these settings; yields an HttpServer once it listens.
    Stopped with SIGTERM (then SIGKILL) when the block ends."""
    exe = harness.binary()
    assert exe.is_file(), 'pve-mcp binary not found at {0}'.format(exe)
    env = {**harness.base_env(), **settings, 'PVE_MCP_HTTP': bind}
    errfile = open(stderr_path, 'w')
    proc = await asyncio.create_subprocess_exec(str(exe), stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=errfile, env=env,
                                                cwd=str(harness.REPO_ROOT))
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        url = None
        while url is None:
            found = URL_RE.search(stderr_path.read_text(errors='replace'))
            if found:
                url = found.group(1)
                break
            if proc.returncode is not None:
                raise AssertionError('pve-mcp --http exited ({0}) before listening: {1}'.format(
                    proc.returncode, stderr_path.read_text(errors='replace')))
            assert loop.time() < deadline, 'pve-mcp --http did not listen within {0} s: {1}'.format(
                START_TIMEOUT, stderr_path.read_text(errors='replace'))
            await asyncio.sleep(0.05)
        yield HttpServer(url=url, proc=proc, stderr_path=stderr_path)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()
        errfile.close()


def headers_for(token: str | None, **extra: str) -> dict[str, str]:
    headers = dict(extra)
    if token is not None:
        headers['Authorization'] = 'Bearer ' + token
    return headers


@contextlib.asynccontextmanager
async def http_session(url: str, token: str | None = None, list_tools: bool = True):
    """An initialized MCP ClientSession over Streamable HTTP; yields (session, tools)."""
    timeout = httpx2.Timeout(harness.REQUEST_TIMEOUT, read=120.0)
    limits = httpx2.Limits(max_connections=400, max_keepalive_connections=50)
    with harness.single_errors():
        async with httpx2.AsyncClient(headers=headers_for(token), timeout=timeout, limits=limits) as client:
            async with streamable_http_client(url, http_client=client) as (read, write):
                async with ClientSession(read, write, read_timeout_seconds=harness.REQUEST_TIMEOUT) as session:
                    await session.initialize()
                    tools = await harness.list_all_tools(session) if list_tools else []
                    yield session, tools


def initialize_body(request_id: int = 1) -> dict:
    return harness.initialize_request(request_id, '2025-11-25')


MCP_ACCEPT = {'Accept': 'application/json, text/event-stream', 'Content-Type': 'application/json'}


async def raw_post(url: str, body, token: str | None = None, **headers: str) -> httpx2.Response:
    """One POST to the endpoint (JSON body, or bytes as is); the whole response is read."""
    async with httpx2.AsyncClient(timeout=harness.REQUEST_TIMEOUT) as client:
        data = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
        return await client.post(url, content=data, headers={**MCP_ACCEPT, **headers_for(token), **headers})


def sse_messages(text: str) -> list[dict]:
    """The JSON-RPC messages of an SSE body (data: lines)."""
    out = []
    for line in text.splitlines():
        if line.startswith('data:') and line[5:].strip():
            out.append(json.loads(line[5:]))
    return out


def env_without_pve_tokens(settings: dict[str, str]) -> dict[str, str]:
    return dict((k, v) for k, v in settings.items() if k not in ('PVE_TOKEN_ID', 'PVE_TOKEN_SECRET'))


__all__ = ['HttpServer', 'http_server', 'http_session', 'token_file', 'new_token', 'raw_post', 'sse_messages',
           'initialize_body', 'headers_for', 'env_without_pve_tokens']
