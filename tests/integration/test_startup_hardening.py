"""Start-up settings that would leak or mislead: a plain http:// PVE address to another machine is
refused (loopback is fine: a local TLS-terminating proxy), a pasted whole API token is refused without
echoing its secret, a too-small budget names the minimum, and --help shows the defaults."""

import pytest

import harness

SECRET = 'startup-hardening-secret-7c1d0b5e'
VALID = {'PVE_BASE_URL': 'https://127.0.0.1:9', 'PVE_TOKEN_ID': 'root@pam!mcp', 'PVE_TOKEN_SECRET': SECRET}


def refused(settings):
    """The one stderr line of a refused start, after checking exit code 2 and a silent stdout."""
    done = harness.run_startup(settings)
    stderr = done.stderr.decode(errors='replace')
    assert done.returncode == 2, 'expected exit code 2, got {0}: {1}'.format(done.returncode, stderr)
    assert done.stdout == b''
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert SECRET not in stderr
    return lines[0]


@pytest.mark.parametrize('url', ['http://pve.example.com:8006', 'http://192.0.2.10:8006', 'http://[2001:db8::1]:8006'])
def test_plain_http_to_another_machine_is_refused(url):
    line = refused(dict(VALID, PVE_BASE_URL=url))
    assert 'PVE_BASE_URL' in line and 'https://' in line and 'loopback' in line, line


@pytest.mark.parametrize('url', ['http://127.0.0.1:9', 'http://127.0.0.2:9', 'http://[::1]:9', 'http://localhost:9'])
def test_plain_http_to_loopback_starts(url):
    # The server starts and answers initialize; nothing listens at the address, so no call is made.
    done = harness.run_startup(dict(VALID, PVE_BASE_URL=url))
    assert b'"serverInfo"' in done.stdout, done.stderr.decode(errors='replace')
    assert b'PVE_BASE_URL' not in done.stderr


def test_a_pasted_whole_token_is_refused_without_its_secret():
    line = refused(dict(VALID, PVE_TOKEN_ID='root@pam!mcp=' + SECRET))
    assert 'PVE_TOKEN_ID' in line and 'PVE_TOKEN_SECRET' in line, line


def test_a_token_secret_pasted_as_user_is_not_echoed():
    settings = {'PVE_BASE_URL': 'https://127.0.0.1:9', 'PVE_USER': 'root@pam!mcp=' + SECRET, 'PVE_PASSWORD': 'x'}
    assert 'PVE_USER' in refused(settings)


def test_a_budget_below_the_minimum_names_the_minimum():
    line = refused(dict(VALID, PVE_TOOL_BUDGET='100'))
    assert 'PVE_TOOL_BUDGET' in line and 'at least 500' in line, line


def test_help_shows_the_defaults():
    import subprocess
    done = subprocess.run([str(harness.binary()), '--help'], capture_output=True, env=harness.base_env(), timeout=10)
    text = ' '.join(done.stdout.decode().split())
    for expected in ['(default read-only)', 'default true', '(default 30)', '(default auto)', 'at least 500',
                     '(default 1048576)', '(default 8)', '(default 16)', 'PVE_MCP_HTTP_MAX_SESSIONS',
                     'PVE_MCP_HTTP_ALLOWED_ORIGINS', 'PVE_MCP_HTTP_ALLOWED_HOSTS']:
        assert expected in text, expected
