"""A missing or invalid setting stops pve-mcp before any MCP traffic: non-zero exit, one stderr line
naming the variable, nothing on stdout."""

import pytest

import harness

SECRET = 'startup-test-secret-0b5e7c1d'
# Nothing listens here: a server that gets as far as contacting PVE has already failed these tests.
VALID = {'PVE_BASE_URL': 'https://127.0.0.1:9', 'PVE_TOKEN_ID': 'root@pam!mcp', 'PVE_TOKEN_SECRET': SECRET}


def assert_refused_to_start(settings, variable):
    done = harness.run_startup(settings)
    stderr = done.stderr.decode(errors='replace')
    assert done.returncode != 0, 'pve-mcp started with a bad {0}; stderr: {1}'.format(variable, stderr)
    assert done.stdout == b'', 'pve-mcp wrote to stdout before failing: {0!r}'.format(done.stdout[:300])
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, 'expected one stderr line naming {0}, got: {1!r}'.format(variable, stderr)
    assert variable in lines[0], 'the stderr line must name {0}: {1!r}'.format(variable, lines[0])
    assert SECRET not in stderr
    return lines[0]


def test_the_binary_exists():
    assert harness.binary().is_file(), 'no pve-mcp at {0}: run cargo build or set PVE_MCP_BIN'.format(
        harness.binary())


@pytest.mark.parametrize('variable', ['PVE_BASE_URL', 'PVE_TOKEN_ID', 'PVE_TOKEN_SECRET'])
def test_missing_required_setting_is_named(variable):
    settings = dict(VALID)
    del settings[variable]
    assert_refused_to_start(settings, variable)


@pytest.mark.parametrize('value', ['admin', 'readonly', 'write'])
def test_invalid_access_tier_is_named(value):
    assert_refused_to_start(dict(VALID, PVE_ACCESS_TIER=value), 'PVE_ACCESS_TIER')


@pytest.mark.parametrize('value', ['qemu,nosuchcategory', 'vms'])
def test_unknown_category_is_named(value):
    assert_refused_to_start(dict(VALID, PVE_CATEGORIES=value), 'PVE_CATEGORIES')


@pytest.mark.parametrize('value', ['not a url', 'ftp://127.0.0.1:8006'])
def test_invalid_base_url_is_named(value):
    assert_refused_to_start(dict(VALID, PVE_BASE_URL=value), 'PVE_BASE_URL')


@pytest.mark.parametrize('value', ['soon', '-1'])
def test_invalid_request_timeout_is_named(value):
    assert_refused_to_start(dict(VALID, PVE_REQUEST_TIMEOUT=value), 'PVE_REQUEST_TIMEOUT')


def test_invalid_verify_ssl_is_named():
    assert_refused_to_start(dict(VALID, PVE_VERIFY_SSL='maybe'), 'PVE_VERIFY_SSL')


def test_unreadable_ca_file_is_named(tmp_path):
    assert_refused_to_start(dict(VALID, PVE_CA_FILE=str(tmp_path / 'missing.pem')), 'PVE_CA_FILE')


def test_ca_file_without_a_certificate_is_named(tmp_path):
    junk = tmp_path / 'junk.pem'
    junk.write_text('this is not a PEM certificate\n')
    assert_refused_to_start(dict(VALID, PVE_CA_FILE=str(junk)), 'PVE_CA_FILE')
