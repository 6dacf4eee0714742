"""server.json (the MCP Registry entry) and every package name the same version and names as
Cargo.toml, and the variables a registry client asks for are the README's configuration table."""

import json
import re
import shutil
import subprocess
import sys
import tomllib

from conftest import REPO_ROOT
from metadata import cargo_version, readme_configuration, server_json

NAME = 'pve-mcp-server'
SECRETS = {'PVE_TOKEN_SECRET', 'PVE_PASSWORD', 'PVE_MCP_STATE_KEY', 'PBS_TOKEN_SECRET', 'PDM_TOKEN_SECRET'}
# Settings of the HTTP endpoint (OAuth included): not for a client that starts the server on stdio.
HTTP_ONLY = {'PVE_MCP_HTTP', 'PVE_MCP_HTTP_TOKENS', 'PVE_MCP_HTTP_ALLOWED_ORIGINS', 'PVE_MCP_HTTP_ALLOWED_HOSTS',
             'PVE_MCP_HTTP_MAX_BODY', 'PVE_MCP_HTTP_MAX_CONCURRENT', 'PVE_MCP_HTTP_MAX_SESSIONS',
             'PVE_MCP_OAUTH_ISSUER', 'PVE_MCP_OAUTH_AUDIENCE', 'PVE_MCP_OAUTH_ALSO_AUDIENCES', 'PVE_MCP_OAUTH_SCOPES'}


def test_server_json_has_cargos_version_for_itself_and_every_package():
    doc = server_json()
    assert doc['version'] == cargo_version()
    for package in doc['packages']:
        if package['registryType'] == 'oci':
            assert package['identifier'].endswith(':' + cargo_version())
        else:
            assert package['version'] == cargo_version(), package['registryType']


def test_server_json_offers_pypi_npm_and_the_image_under_one_name():
    doc = server_json()
    assert doc['name'].endswith('/' + NAME)
    assert len(doc['description']) <= 100
    identifiers = {p['registryType']: p['identifier'] for p in doc['packages']}
    assert identifiers['pypi'] == NAME and identifiers['npm'] == NAME
    assert identifiers['oci'].split(':')[0].endswith('/' + NAME)


def test_every_package_asks_for_the_readme_variables_and_marks_secrets():
    table = readme_configuration()
    for package in server_json()['packages']:
        variables = {v['name']: v for v in package['environmentVariables']}
        assert set(variables) <= set(table), 'not in the README table: {0}'.format(set(variables) - set(table))
        assert set(table) - set(variables) == HTTP_ONLY, package['registryType']
        for name, v in variables.items():
            assert v.get('isSecret', False) == (name in SECRETS), name


def test_server_json_defaults_are_the_readmes():
    table = readme_configuration()
    for package in server_json()['packages']:
        for v in package['environmentVariables']:
            if 'default' in v:
                assert table[v['name']] == '`{0}`'.format(v['default']), v['name']


def test_every_registry_can_verify_the_name():
    name = server_json()['name']
    # PyPI shows README.md (the wheel's readme), npm reads mcpName, the image carries a label.
    assert re.search(r'mcp-name: {0}(\s|-->)'.format(re.escape(name)), (REPO_ROOT / 'README.md').read_text())
    assert 'io.modelcontextprotocol.server.name="{0}"'.format(name) in (REPO_ROOT / 'Dockerfile').read_text()


def test_the_crate_the_wheel_and_the_npm_package_share_the_name_and_the_command():
    cargo = tomllib.loads((REPO_ROOT / 'Cargo.toml').read_text())
    assert cargo['package']['name'] == NAME
    assert [b['name'] for b in cargo['bin']] == ['pve-mcp', 'pve-mcp-server']
    pyproject = tomllib.loads((REPO_ROOT / 'pyproject.toml').read_text())
    assert pyproject['project']['name'] == NAME
    assert pyproject['tool']['maturin']['bindings'] == 'bin'
    assert cargo['build-dependencies']['pve-mcp-codegen']['version'] == cargo_version()


OWNER = REPO_ROOT / 'packaging' / 'owner.py'


def owner(*args, root=REPO_ROOT):
    return subprocess.run([sys.executable, str(OWNER), '--root', str(root), *args], capture_output=True, text=True)


def test_every_file_names_the_owner_cargo_toml_names():
    done = owner()
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == 'github.com/' + tomllib.loads((REPO_ROOT / 'Cargo.toml').read_text())[
        'package']['repository'].split('github.com/', 1)[1]


def test_one_command_moves_every_file_to_another_owner(tmp_path):
    files = re.search(r'FILES = \(([^)]*)\)', OWNER.read_text()).group(1)
    for name in re.findall(r"'([^']+)'", files):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    done = owner('--set', 'Some-One/pve-mcp', root=tmp_path)
    assert done.returncode == 0, done.stderr
    text = ''.join(p.read_text() for p in tmp_path.rglob('*') if p.is_file())
    assert 'io.github.Some-One/pve-mcp-server' in text and 'ghcr.io/some-one/pve-mcp-server' in text
    assert not re.search(r'github\.com/pve-mcp/|ghcr\.io/pve-mcp/|io\.github\.pve-mcp/', text)
    assert json.loads((tmp_path / 'server.json').read_text())['name'] == 'io.github.Some-One/pve-mcp-server'


def test_a_release_from_a_repository_the_files_do_not_name_is_refused():
    done = owner('--expect', 'someone-else/pve-mcp')
    assert done.returncode == 1 and '--set someone-else/pve-mcp' in done.stderr, done.stderr
