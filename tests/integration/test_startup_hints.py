"""Start-up errors and call errors that name the fix (issue 32): --help lists every tool mode and
takes --tier for --access-tier; bad allowlists name the variable and the item; two logins read as one
sentence; a misspelt configuration key names the one meant; an empty path variable is unset; a refused
connection says to check PVE_BASE_URL; a pinned certificate that changed shows the new fingerprint
and points to PVE_CA_FILE."""

import socket
import subprocess

import pytest

import harness
from harness import error_text

SECRET = 'startup-hints-secret-5e7c1d0b'
# Nothing listens here: a server that gets as far as contacting PVE has already failed these tests.
VALID = {'PVE_BASE_URL': 'https://127.0.0.1:9', 'PVE_TOKEN_ID': 'root@pam!mcp', 'PVE_TOKEN_SECRET': SECRET}


def refused(settings, args=()):
    """The one stderr line of a refused start, after checking exit code 2 and a silent stdout."""
    done = subprocess.run([str(harness.binary()), *args], env={**harness.base_env(), **settings},
                          input=b'', capture_output=True, timeout=harness.EXIT_TIMEOUT)
    stderr = done.stderr.decode(errors='replace')
    assert done.returncode == 2, 'expected exit code 2, got {0}: {1}'.format(done.returncode, stderr)
    assert done.stdout == b''
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert SECRET not in stderr
    return lines[0]


def started(done):
    """Whether the server answered initialize (it got past its settings)."""
    return b'"serverInfo"' in done.stdout


# ------------------------------------------------------------------ --help and --tier

def test_help_lists_every_tool_mode_and_the_tier_alias():
    done = subprocess.run([str(harness.binary()), '--help'], capture_output=True, env=harness.base_env(), timeout=10)
    text = ' '.join(done.stdout.decode().split())
    assert 'direct (one per endpoint), discover (search/describe/call), code (search/describe/run) or auto' in text
    assert '[alias: --tier]' in text, text


def test_tier_is_another_name_for_access_tier():
    line = refused(VALID, ['--tier', 'admin'])
    assert line.startswith('pve-mcp: PVE_ACCESS_TIER (--access-tier): `admin` is not a tier'), line


def test_tier_full_starts():
    import json
    init = json.dumps(harness.initialize_request(1, '2025-11-25')) + '\n'
    done = subprocess.run([str(harness.binary()), '--tier', 'full'], env={**harness.base_env(), **VALID},
                          input=init.encode(), capture_output=True, timeout=harness.EXIT_TIMEOUT)
    assert started(done), done.stderr.decode(errors='replace')
    assert b'tier="full"' in done.stderr


# ------------------------------------------------------------------ allowlists and logins

@pytest.mark.parametrize('value, expected', [
    ('pve 1,,x', '`pve 1` is not a node name (it contains a space)'),
    ('pve1,,x', '`pve1,,x` has an empty item'),
])
def test_a_bad_node_allowlist_names_the_variable_and_the_item(value, expected):
    line = refused(dict(VALID, PVE_NODE_ALLOWLIST=value))
    assert line.startswith('pve-mcp: PVE_NODE_ALLOWLIST (--node-allowlist): ' + expected), line


def test_a_reversed_vmid_range_says_so_and_how_to_write_it():
    line = refused(dict(VALID, PVE_VMID_ALLOWLIST='199-100'))
    assert line == 'pve-mcp: PVE_VMID_ALLOWLIST (--vmid-allowlist): `199-100` is reversed; write `100-199`', line


def test_a_token_and_a_user_together_read_as_one_sentence():
    line = refused(dict(VALID, PVE_USER='root@pam', PVE_PASSWORD='x'))
    assert line.startswith('pve-mcp: PVE_TOKEN_ID (--token-id) and PVE_USER are both set; configure exactly one'), line


# ------------------------------------------------------------------ the configuration file

def test_a_misspelt_configuration_key_names_the_key_meant(tmp_path):
    config = tmp_path / 'pve-mcp.toml'
    config.write_text('tool_mode = "direct"\nacess_tier = "full"\n')
    line = refused(dict(VALID, PVE_MCP_CONFIG=str(config)))
    assert 'line 2' in line and 'unknown key `acess_tier`; did you mean `access_tier`?' in line, line
    assert 'base_url' not in line, 'names the key meant, not every key: ' + line


# ------------------------------------------------------------------ empty path variables

@pytest.mark.parametrize('variable', ['PVE_CA_FILE', 'PVE_AUDIT_LOG', 'PVE_MCP_CONFIG', 'PVE_AUDIT_KEY_FILE',
                                      'PVE_MCP_HTTP_TOKENS', 'PVE_MCP_STATE_KEY_FILE'])
def test_an_empty_path_variable_is_unset(variable):
    done = harness.run_startup(dict(VALID, **{variable: ''}))
    stderr = done.stderr.decode(errors='replace')
    assert started(done), stderr
    assert 'a value is required' not in stderr, stderr


# ------------------------------------------------------------------ errors of calls

def closed_port():
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.mark.anyio
async def test_a_refused_connection_says_to_check_the_address_and_port(pve_env, start_server):
    url = 'https://127.0.0.1:{0}'.format(closed_port())
    async with start_server(pve_env.server_env(PVE_BASE_URL=url, PVE_REQUEST_TIMEOUT='5')) as srv:
        text = error_text(await srv.call('GET', '/nodes'))
    assert 'could not connect to PVE at ' + url in text, text
    assert 'Check PVE_BASE_URL' in text and '8006' in text, text


@pytest.mark.anyio
async def test_a_changed_pinned_certificate_shows_the_new_fingerprint_and_the_ca_file(pve_env, start_server):
    old = ':'.join(['AB'] * 32)
    async with start_server(pve_env.server_env(ca_file=False, PVE_TLS_FINGERPRINT=old)) as srv:
        text = error_text(await srv.call('GET', '/nodes'))
    assert 'the certificate changed' in text, text
    assert pve_env.fingerprint in text, 'the new fingerprint, as PVE shows it: ' + text
    assert 'unexpected error' not in text, text
    assert 'PVE_CA_FILE' in text and 'renew' in text, text


def bundle_env(values):
    """The environment the `.mcpb` bundle's manifest gives the server, with the person's `values` and the
    manifest's defaults for the settings left alone (as Claude Desktop fills it in)."""
    import json
    import re
    manifest = json.loads((harness.REPO_ROOT / 'packaging' / 'mcpb' / 'manifest.json').read_text())
    options = manifest['user_config']
    env = {}
    for variable, template in manifest['server']['mcp_config']['env'].items():
        key = re.fullmatch(r'\$\{user_config\.(\w+)\}', template).group(1)
        env[variable] = str(values.get(key, options[key].get('default', '')))
    return env


@pytest.mark.anyio
@pytest.mark.parametrize('trust', ['ca_file', 'tls_fingerprint'])
async def test_the_bundle_works_with_a_ca_file_or_a_fingerprint_and_the_rest_left_empty(pve_env, start_server,
                                                                                         trust):
    given = {'base_url': pve_env.url, 'token_id': pve_env.token_id, 'token_secret': pve_env.token_secret,
             trust: pve_env.ca_file if trust == 'ca_file' else pve_env.fingerprint}
    settings = dict(bundle_env(given), PVE_TOOL_MODE='direct')
    async with start_server(settings) as srv:
        result = await srv.call('GET', '/nodes')
    assert not result.is_error, error_text(result)
