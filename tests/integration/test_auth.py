"""Logging in to PVE with a user and password (ticket, CSRF token, one re-login on 401), and trusting
PVE's certificate by its SHA-256 fingerprint (PVE_TLS_FINGERPRINT) instead of a CA file."""

import re

import pytest

import harness
from harness import error_text, ok_data

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

TICKET_PATH = '/api2/json/access/ticket'
TLS_WORDS = re.compile(r'tls|ssl|certificate', re.I)


def ticket_env(pve_env, user='root@pam', password=None, **extra):
    return pve_env.server_env(PVE_TOKEN_ID=None, PVE_TOKEN_SECRET=None, PVE_USER=user,
                              PVE_PASSWORD=pve_env.pve.password if password is None else password, **extra)


def logins(pve_env, since=0):
    return [r for r in pve_env.requests_since(since) if r[0] == 'POST' and r[1] == TICKET_PATH]


async def test_ticket_login_reads_and_writes_with_csrf(pve_env, start_server):
    settings = ticket_env(pve_env, tier='read-execute', RUST_LOG='trace')
    async with start_server(settings) as srv:
        nodes = ok_data(await srv.call('GET', '/nodes'))
        assert nodes[0]['node'] == pve_env.node
        # A write needs the CSRF token besides the cookie.
        result = await srv.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', node=pve_env.node, vmid=101)
        assert not result.is_error, harness.texts(result)
        assert next(v for v in pve_env.pve.vms if v.vmid == 101).status == 'running'
        assert len(logins(pve_env)) == 1, 'one login serves every call'
        stderr = srv.stderr()
    assert pve_env.pve.password not in stderr, 'the password reached the log'
    for ticket in pve_env.pve.tickets:
        assert ticket not in stderr, 'the ticket reached the log'


async def test_a_revoked_ticket_means_one_new_login(pve_env, start_server):
    async with start_server(ticket_env(pve_env)) as srv:
        ok_data(await srv.call('GET', '/nodes'))
        before = pve_env.request_count()
        pve_env.pve.revoke_tickets()
        ok_data(await srv.call('GET', '/nodes'))
        assert len(logins(pve_env, before)) == 1
        # And the new ticket is kept.
        before = pve_env.request_count()
        ok_data(await srv.call('GET', '/nodes'))
        assert logins(pve_env, before) == []


async def test_a_user_without_realm_is_a_pam_user(pve_env, start_server):
    async with start_server(ticket_env(pve_env, user='root')) as srv:
        ok_data(await srv.call('GET', '/nodes'))


async def test_a_wrong_password_is_a_clear_error_that_hides_it(pve_env, start_server):
    wrong = 'not-the-password-1234'
    async with start_server(ticket_env(pve_env, password=wrong)) as srv:
        text = error_text(await srv.call('GET', '/nodes'))
        assert 'PVE_USER' in text and 'PVE_PASSWORD' in text, text
        assert wrong not in text
        # Nothing but the login was attempted.
        assert {r[1] for r in pve_env.pve.requests} == {TICKET_PATH}
        stderr = srv.stderr()
    assert wrong not in stderr


async def test_token_and_user_together_refuse_to_start(pve_env):
    settings = pve_env.server_env(PVE_USER='root@pam', PVE_PASSWORD='secret-password')
    done = harness.run_startup(settings)
    assert done.returncode != 0
    lines = [line for line in done.stderr.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and 'PVE_USER' in lines[0] and 'exactly one' in lines[0], lines
    assert 'secret-password' not in done.stderr.decode()


async def test_a_password_without_user_names_the_variable(pve_env):
    settings = pve_env.server_env(PVE_TOKEN_ID=None, PVE_TOKEN_SECRET=None, PVE_PASSWORD='x-secret-pw')
    done = harness.run_startup(settings)
    assert done.returncode != 0
    assert 'PVE_USER' in done.stderr.decode() and 'x-secret-pw' not in done.stderr.decode()


# ------------------------------------------------------------------ certificate fingerprint

async def test_the_pinned_fingerprint_is_trusted_without_a_ca_file(pve_env, start_server):
    async with start_server(pve_env.server_env(ca_file=False, PVE_TLS_FINGERPRINT=pve_env.fingerprint)) as srv:
        assert ok_data(await srv.call('GET', '/nodes'))[0]['node'] == pve_env.node


async def test_fingerprints_read_in_any_case_without_colons(pve_env, start_server):
    plain = pve_env.fingerprint.replace(':', '').lower()
    async with start_server(pve_env.server_env(ca_file=False, PVE_TLS_FINGERPRINT=plain)) as srv:
        ok_data(await srv.call('GET', '/nodes'))


async def test_a_wrong_fingerprint_is_a_tls_error_and_nothing_is_received(pve_env, start_server):
    wrong = ':'.join(['AB'] * 32)
    async with start_server(pve_env.server_env(ca_file=False, PVE_TLS_FINGERPRINT=wrong)) as srv:
        text = error_text(await srv.call('GET', '/nodes'))
        assert pve_env.pve.requests == [], 'a request got through a certificate that is not the pinned one'
    assert TLS_WORDS.search(text) and 'PVE_TLS_FINGERPRINT' in text, text


async def test_fingerprint_and_ca_file_together_refuse_to_start(pve_env):
    done = harness.run_startup(pve_env.server_env(PVE_TLS_FINGERPRINT=pve_env.fingerprint))
    assert done.returncode != 0
    lines = [line for line in done.stderr.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and 'PVE_TLS_FINGERPRINT' in lines[0], lines
