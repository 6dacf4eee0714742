"""Drives an installed `pve-mcp` command the way an MCP client does: the official Python SDK over stdio."""

import os
from datetime import timedelta

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def initialize_list_and_call(command: str, pve_env) -> tuple[str, list, object]:
    """Starts `command` against fakepve; returns the server's name, its tools and the result of the
    tool that lists the cluster's nodes (found by its `_meta`: GET /nodes)."""
    env = {k: v for k, v in os.environ.items() if k in ('PATH', 'HOME', 'LANG', 'TMPDIR')}
    env.update(pve_env.server_env())
    params = StdioServerParameters(command=command, args=[], env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, read_timeout_seconds=timedelta(seconds=30)) as session:
            init = await session.initialize()
            tools = (await session.list_tools()).tools
            nodes = [t for t in tools if (t.meta or {}).get('pve-mcp/method') == 'GET'
                     and (t.meta or {}).get('pve-mcp/path') == '/nodes']
            assert len(nodes) == 1, 'one tool lists the nodes, not {0}'.format(len(nodes))
            result = await session.call_tool(nodes[0].name, {})
            return init.serverInfo.name, tools, result
