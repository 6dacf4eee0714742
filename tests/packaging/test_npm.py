"""The npm packages: the `pve-mcp-server` launcher runs the binary of its platform package
(`pve-mcp-server-linux-x64` here), both installed from their `npm pack` tarballs."""

import json
import subprocess

import pytest

from client import initialize_list_and_call
from conftest import REPO_ROOT, built
from metadata import cargo_version, server_json

pytestmark = pytest.mark.anyio

LAUNCHER_PACKAGE = REPO_ROOT / 'packaging' / 'npm' / 'pve-mcp-server' / 'package.json'


async def test_the_npm_launcher_serves_fakepve_through_an_mcp_client(pve_env):
    name, tools, result = await initialize_list_and_call(str(built('PVE_MCP_NPM_BIN')), pve_env)
    assert name == 'pve-mcp'
    assert not result.is_error, result.content
    assert [n['node'] for n in result.structured_content['data']] == ['pve1']


def test_the_launcher_passes_arguments_and_the_exit_code_through():
    out = subprocess.run([str(built('PVE_MCP_NPM_BIN')), '--version'], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith('pve-mcp {0} '.format(cargo_version())), out
    bad = subprocess.run([str(built('PVE_MCP_NPM_BIN')), '--no-such-flag'], capture_output=True, text=True)
    assert bad.returncode == 2 and '--no-such-flag' in bad.stderr, bad


def test_the_installed_platform_package_holds_the_release_binary():
    modules = built('PVE_MCP_NPM_BIN').resolve().parents[2]
    installed = modules / 'pve-mcp-server-linux-x64' / 'bin' / 'pve-mcp'
    assert installed.read_bytes() == built('PVE_MCP_PACKAGED_BIN').read_bytes()


def test_the_launcher_package_names_every_platform_at_its_own_version_and_the_registry_name():
    package = json.loads(LAUNCHER_PACKAGE.read_text())
    assert package['version'] == cargo_version()
    assert package['bin'] == {'pve-mcp': 'bin/pve-mcp.js'}
    assert package['optionalDependencies'] == {
        'pve-mcp-server-' + p: cargo_version()
        for p in ('darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64')}
    assert package['mcpName'] == server_json()['name']
