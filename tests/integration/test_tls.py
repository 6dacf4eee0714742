"""TLS to PVE: fakepve's certificate is self-signed, so it verifies only with PVE_CA_FILE."""

import re
import socket

import pytest

from harness import error_text, ok_data

pytestmark = pytest.mark.anyio

TLS_WORDS = re.compile(r'tls|ssl|certificate', re.I)


async def test_calls_work_with_the_ca_file(pve_env, start_server):
    async with start_server(pve_env.server_env(ca_file=True, PVE_VERIFY_SSL='true')) as srv:
        nodes = ok_data(await srv.call('GET', '/nodes'))
        assert nodes[0]['node'] == pve_env.node


async def test_unverifiable_certificate_is_an_error_and_nothing_reaches_pve(pve_env, start_server):
    async with start_server(pve_env.server_env(ca_file=False)) as srv:
        before = pve_env.request_count()
        text = error_text(await srv.call('GET', '/nodes'))
        assert pve_env.requests_since(before) == [], 'a request got through an unverified TLS connection'
    assert TLS_WORDS.search(text), 'the error should say it is about TLS or the certificate: {0!r}'.format(text)


async def test_ca_file_of_another_server_is_an_error(pve_env, start_server, tmp_path):
    from fakepve.certs import make_cert
    other = tmp_path / 'other'
    other.mkdir()
    wrong_ca, _, _ = make_cert(str(other), name='other')
    async with start_server(pve_env.server_env(PVE_CA_FILE=wrong_ca)) as srv:
        before = pve_env.request_count()
        text = error_text(await srv.call('GET', '/nodes'))
        assert pve_env.requests_since(before) == []
    assert TLS_WORDS.search(text), text


async def test_verification_can_be_turned_off(pve_env, start_server):
    async with start_server(pve_env.server_env(ca_file=False, PVE_VERIFY_SSL='false')) as srv:
        nodes = ok_data(await srv.call('GET', '/nodes'))
        assert nodes[0]['node'] == pve_env.node


def closed_port():
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


async def test_unreachable_pve_is_an_error_not_a_crash(pve_env, start_server):
    url = 'https://127.0.0.1:{0}'.format(closed_port())
    async with start_server(pve_env.server_env(PVE_BASE_URL=url, PVE_REQUEST_TIMEOUT='5')) as srv:
        error_text(await srv.call('GET', '/nodes'))
        # The server is still up and answering.
        assert (await srv.session.list_tools()).tools
