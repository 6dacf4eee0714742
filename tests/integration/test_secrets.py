"""The API token secret never leaves pve-mcp except in the Authorization header: not in its logs (even
at RUST_LOG=debug), not in any tool result, not in the tool list."""

import pytest

import harness

pytestmark = pytest.mark.anyio

CONFIG = '/nodes/{node}/qemu/{vmid}/config'


async def exercise(srv, pve_env):
    """Successful calls, a PVE error, a refused argument, a write: every result's text."""
    results = [
        await srv.call('GET', '/nodes'),
        await srv.call('GET', CONFIG, node=pve_env.node, vmid=100),
        await srv.call('GET', CONFIG, node=pve_env.node, vmid=999),
        await srv.call('GET', CONFIG, node=pve_env.node, vmid='abc'),
        await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, boot='order=scsi5'),
        await srv.call('PUT', CONFIG, node=pve_env.node, vmid=101, description='secret test'),
    ]
    return [t for r in results for t in harness.texts(r)] + [repr(r.structured_content) for r in results]


@pytest.mark.parametrize('log_level', ['debug', 'trace'])
async def test_secret_is_not_in_stderr_or_results(pve_env, start_server, log_level):
    secret = pve_env.token_secret
    async with start_server(pve_env.server_env(tier='full', RUST_LOG=log_level)) as srv:
        outputs = await exercise(srv, pve_env)
        listing = [t.model_dump_json(by_alias=True) for t in srv.tools]
        assert all(secret not in text for text in outputs)
        assert all(secret not in text for text in listing)
    stderr = srv.stderr()
    assert stderr.strip(), 'RUST_LOG={0} should make pve-mcp log something'.format(log_level)
    assert secret not in stderr


async def test_wrong_secret_is_an_error_that_does_not_echo_it(pve_env, start_server):
    wrong = 'wrong-secret-7f3a9c0e2b'
    async with start_server(pve_env.server_env(PVE_TOKEN_SECRET=wrong, RUST_LOG='debug')) as srv:
        text = harness.error_text(await srv.call('GET', '/nodes'))
    assert 'authentication failure' in text
    assert wrong not in text
    assert wrong not in srv.stderr()


def test_secret_is_not_in_startup_failure():
    secret = 'startup-secret-5d2e8a61c4'
    done = harness.run_startup({'PVE_BASE_URL': 'https://127.0.0.1:9', 'PVE_TOKEN_ID': 'root@pam!mcp',
                                'PVE_TOKEN_SECRET': secret, 'PVE_ACCESS_TIER': 'superuser', 'RUST_LOG': 'trace'})
    assert done.returncode != 0
    assert secret.encode() not in done.stderr
    assert secret.encode() not in done.stdout
