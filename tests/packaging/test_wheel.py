"""The PyPI wheel: `pip install pve-mcp-server` (or `uvx pve-mcp-server`) gives a working `pve-mcp`."""

import subprocess

import pytest

from client import initialize_list_and_call
from conftest import built
from metadata import cargo_version, schema_release

pytestmark = pytest.mark.anyio


async def test_the_wheels_pve_mcp_serves_fakepve_through_an_mcp_client(pve_env):
    name, tools, result = await initialize_list_and_call(str(built('PVE_MCP_WHEEL_BIN')), pve_env)
    assert name == 'pve-mcp'
    assert len(tools) > 100, 'direct mode lists every read-only tool'
    assert not result.is_error, result.content
    assert [n['node'] for n in result.structured_content['data']] == ['pve1']


def test_the_wheels_pve_mcp_is_the_release_binary():
    assert built('PVE_MCP_WHEEL_BIN').read_bytes() == built('PVE_MCP_PACKAGED_BIN').read_bytes()


def test_version_names_the_package_version_and_the_schemas_pve_release():
    out = subprocess.run([str(built('PVE_MCP_WHEEL_BIN')), '--version'], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == 'pve-mcp {0} (tools generated from the Proxmox VE {1} API schema)'.format(
        cargo_version(), schema_release())


async def test_the_pve_mcp_server_alias_that_uvx_runs_serves_fakepve_too(pve_env):
    # `uvx pve-mcp-server` runs the command named like the package: the wheel's alias for pve-mcp.
    alias = built('PVE_MCP_WHEEL_BIN').with_name('pve-mcp-server')
    name, tools, result = await initialize_list_and_call(str(alias), pve_env)
    assert name == 'pve-mcp' and not result.is_error, result.content
