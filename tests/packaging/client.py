"""Drives an installed `pve-mcp` command the way an MCP client does: the official Python SDK over stdio."""

import os

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def initialize_list_and_call(command: str, pve_env, path: str = '/nodes') -> tuple[str, list, object]:
    """Starts `command` with `pve_env.server_env()`; returns the server's name, its tools and the
    result of the tool that reads `path` (found by its `_meta`: GET `path`), called without arguments."""
    env = {k: v for k, v in os.environ.items() if k in ('PATH', 'HOME', 'LANG', 'TMPDIR')}
    env.update(pve_env.server_env())
    params = StdioServerParameters(command=command, args=[], env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=30.0) as session:
            init = await session.initialize()
            tools = (await session.list_tools()).tools
            found = [t for t in tools if (t.meta or {}).get('pve-mcp/method') == 'GET'
                     and (t.meta or {}).get('pve-mcp/path') == path]
            assert len(found) == 1, 'one tool reads GET {0}, not {1}'.format(path, len(found))
            result = await session.call_tool(found[0].name, {})
            return init.server_info.name, tools, result
