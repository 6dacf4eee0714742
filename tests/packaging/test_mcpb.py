"""The .mcpb bundle (Claude Desktop's one-click install), built by packaging/build.py with the official
MCPB CLI: its manifest validates, the user's settings reach the server's environment, and the packed
bundle holds the manifest, the icon and the release binary."""

import json
import re
import stat
import subprocess
import zipfile

from conftest import REPO_ROOT, built
from metadata import cargo_version, readme_configuration

MANIFEST = REPO_ROOT / 'packaging' / 'mcpb' / 'manifest.json'


def manifest() -> dict:
    return json.loads(MANIFEST.read_text())


def test_the_manifest_passes_the_official_mcpb_validator():
    out = subprocess.run([str(built('PVE_MCP_MCPB_CLI')), 'validate', str(MANIFEST)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert 'validation passes' in out.stdout


def test_the_manifest_is_spec_0_3_or_newer_at_the_packages_version():
    m = manifest()
    assert tuple(int(p) for p in m['manifest_version'].split('.')) >= (0, 3)
    assert m['version'] == cargo_version()
    assert m['server']['type'] == 'binary'
    assert m['tools_generated'] is True, 'the tools come from the schema, tier and categories'


def test_every_user_setting_reaches_a_documented_variable_and_the_secret_is_sensitive():
    m = manifest()
    env = m['server']['mcp_config']['env']
    used = {re.fullmatch(r'\$\{user_config\.(\w+)\}', v).group(1): k for k, v in env.items()}
    assert set(used) == set(m['user_config']), 'every user setting is mapped, and only those'
    assert set(env) <= set(readme_configuration()), 'every variable is in the README configuration table'
    assert set(used.values()) >= {'PVE_BASE_URL', 'PVE_TOKEN_ID', 'PVE_TOKEN_SECRET', 'PVE_CA_FILE',
                                  'PVE_ACCESS_TIER', 'PVE_CATEGORIES'}
    for key, option in m['user_config'].items():
        assert option.get('sensitive', False) == (used[key] in {'PVE_TOKEN_SECRET', 'PBS_TOKEN_SECRET', 'PDM_TOKEN_SECRET'}), key


def test_optional_settings_have_defaults_the_server_accepts():
    # An optional setting without a default would reach the server as the literal `${user_config.x}`.
    for key, option in manifest()['user_config'].items():
        assert option.get('required') or 'default' in option, key
    assert manifest()['user_config']['access_tier']['default'] == 'read-only'


def test_the_bundle_holds_the_manifest_the_icon_and_the_release_binary():
    with zipfile.ZipFile(built('PVE_MCP_MCPB')) as bundle:
        names = set(bundle.namelist())
        assert {'manifest.json', 'icon.png', 'server/pve-mcp'} <= names, names
        packed = json.loads(bundle.read('manifest.json'))
        assert packed['version'] == cargo_version()
        assert packed['compatibility']['platforms'] == ['linux']
        assert bundle.read('server/pve-mcp') == built('PVE_MCP_PACKAGED_BIN').read_bytes()
        mode = bundle.getinfo('server/pve-mcp').external_attr >> 16
        assert mode & stat.S_IXUSR, 'the binary is packed executable'
        assert bundle.read('icon.png')[:8] == b'\x89PNG\r\n\x1a\n'
