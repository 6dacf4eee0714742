"""server.json (the MCP Registry entry) and every package name the same version and names as
Cargo.toml, and the variables a registry client asks for are the README's configuration table."""

import re
import tomllib

from conftest import REPO_ROOT
from metadata import cargo_version, readme_configuration, server_json

NAME = 'pve-mcp-server'
SECRETS = {'PVE_TOKEN_SECRET', 'PVE_PASSWORD', 'PVE_MCP_STATE_KEY', 'PBS_TOKEN_SECRET'}
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
