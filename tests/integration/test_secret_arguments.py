"""Secrets callers send (a subscription key, ACME DNS plugin credentials, webhook headers and secrets,
proxy credentials, passwords) never reach the audit log, pve-mcp's stderr or the error it answers with;
and no argument can forge or disguise a log line: control characters are escaped in every log and
audit line."""

import json

import pytest

from harness import texts

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

SUBSCRIPTION = '/nodes/{node}/subscription'


def settings(pve_env, audit_file, **extra):
    return pve_env.server_env(tier='full', PVE_AUDIT_LOG=str(audit_file), RUST_LOG='pve_mcp=debug', **extra)


async def assert_never_echoed(srv, pve_env, audit_file, needle, verb, path, **arguments):
    result = await srv.call_name(srv.tool(verb, path).name, arguments)
    shown = '\n'.join(texts(result)) + repr(result.structured_content)
    assert needle not in shown, shown
    log = audit_file.read_text() if audit_file.exists() else ''
    assert log.strip(), 'the call was not audited: {0}'.format(shown)
    assert needle not in log, log
    assert needle not in srv.stderr()
    return json.loads(log.splitlines()[-1])


@pytest.mark.parametrize('key', ['pve2c-0123456789', 'not-a-valid-subscription-key'])
async def test_a_subscription_key_is_not_echoed(pve_env, start_server, tmp_path, key):
    audit = tmp_path / 'audit.jsonl'
    async with start_server(settings(pve_env, audit)) as srv:
        entry = await assert_never_echoed(srv, pve_env, audit, key, 'PUT', SUBSCRIPTION, node=pve_env.node, key=key)
    assert entry['arguments']['key'] == '<redacted>'


async def test_acme_plugin_credentials_are_not_echoed(pve_env, start_server, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    secret = 'CF_Token=cf-0a1b2c3d4e5f-secret'
    async with start_server(settings(pve_env, audit)) as srv:
        entry = await assert_never_echoed(srv, pve_env, audit, 'cf-0a1b2c3d4e5f-secret', 'POST', '/cluster/acme/plugins',
                                          id='cf', type='dns', api='cf', data=secret)
    assert entry['arguments']['data'] == '<redacted>'
    assert entry['arguments']['id'] == 'cf'


async def test_webhook_headers_and_secrets_are_not_echoed(pve_env, start_server, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    header = 'name=Authorization,value=QmVhcmVyIHNlY3JldC13ZWJob29r'
    async with start_server(settings(pve_env, audit)) as srv:
        entry = await assert_never_echoed(
            srv, pve_env, audit, 'QmVhcmVyIHNlY3JldC13ZWJob29r', 'POST', '/cluster/notifications/endpoints/webhook',
            name='hook', url='https://hooks.example.com/x', method='post', header=[header],
            secret=['name=token,value=c2VjcmV0LXZhbHVlLTQy'])
    assert entry['arguments']['header'] == '<redacted>' and entry['arguments']['secret'] == '<redacted>'


async def test_proxy_credentials_are_not_echoed(pve_env, start_server, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    proxy = 'http://proxyuser:Pr0xy-Passw0rd@proxy.example.com:3128'
    async with start_server(settings(pve_env, audit)) as srv:
        entry = await assert_never_echoed(srv, pve_env, audit, 'Pr0xy-Passw0rd', 'PUT', '/cluster/options',
                                          http_proxy=proxy)
    assert entry['arguments']['http_proxy'] == '<redacted>'


async def test_a_password_pve_rejects_is_not_echoed(pve_env, start_server, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    async with start_server(settings(pve_env, audit)) as srv:
        # Too short for PVE's rule (5 characters at least): our own check refuses it.
        await assert_never_echoed(srv, pve_env, audit, 'p4ss', 'POST', '/access/users', userid='carol@pve',
                                  password='p4ss')


FORGED = 'FORGED 2026-01-01T00:00:00Z INFO pve_mcp: all good'


async def test_control_characters_cannot_forge_a_log_or_audit_line(pve_env, start_server, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    hostile = 'x\n' + FORGED + '\r\u001b[2K\u2028\u202e\u0085'
    async with start_server(settings(pve_env, audit)) as srv:
        # Refused arguments are echoed in the error, the stderr "call failed" line and the audit line.
        await srv.call('PUT', '/nodes/{node}/qemu/{vmid}/config', node=pve_env.node, vmid=hostile)
        await srv.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', node=pve_env.node, vmid=101,
                       description=hostile)
        await srv.refusal('no_such_tool\n' + FORGED, {'note': hostile})
    stderr = srv.stderr()
    log = audit.read_text()
    for text in (stderr, log):
        assert not any(line.startswith('FORGED') for line in text.splitlines()), text
        assert not any(c in text for c in '\r\u001b\u2028\u202e\u0085'), repr(text)
    assert 'call failed' in stderr
    entries = [json.loads(line) for line in log.splitlines()]
    assert len(entries) == 3
    # Escaped, not lost: the audit line reads back as what was sent.
    assert entries[0]['arguments']['vmid'] == hostile
