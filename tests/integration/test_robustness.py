"""Robustness: 200 concurrent calls over HTTP with bounded memory; a flaky or slow PVE gives clear errors
or a retried success, never a hang past the timeout and never a false success; GETs are retried on
connection failures and 502/503, writes never are."""

import asyncio
import time

import pytest

from harness import error_text, ok_data
from http_harness import http_server, http_session, new_token, token_file

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]

TIMEOUT = 2  # PVE_REQUEST_TIMEOUT in these tests, seconds
# A GET: three attempts of at most TIMEOUT each, with 0.2 + 0.8 s between; plus slack for a debug build.
GET_BOUND = 3 * TIMEOUT + 1.0 + 2.0
NODES = '/api2/json/nodes'
START = '/api2/json/nodes/pve1/qemu/101/status/start'


def settings(pve_env, **extra):
    return pve_env.server_env(tier='read-execute', PVE_REQUEST_TIMEOUT=str(TIMEOUT), PVE_TOOL_MODE='direct', **extra)


def hits(pve_env, method, path, since=0):
    return sum(1 for r in pve_env.requests_since(since) if r[0] == method and r[1] == path)


async def timed(coro):
    started = time.monotonic()
    result = await coro
    return result, time.monotonic() - started


async def test_200_concurrent_calls_over_http_with_bounded_memory(pve_env, tmp_path):
    token = new_token()
    tokens = token_file(tmp_path / 'tokens.toml', [{'name': 'load', 'token': token, 'max_concurrent': 256}])
    async with http_server(settings(pve_env, PVE_MCP_HTTP_TOKENS=str(tokens)), tmp_path / 'http.stderr') as srv:
        async with http_session(srv.url, token) as (session, tools):
            names = {t.meta['pve-mcp/path']: t.name for t in tools if t.meta['pve-mcp/method'] == 'GET'}
            calls = [(names['/nodes'], {}), (names['/cluster/resources'], {}),
                     (names['/nodes/{node}/qemu'], {'node': pve_env.node}),
                     (names['/nodes/{node}/qemu/{vmid}/config'], {'node': pve_env.node, 'vmid': 100})]
            await session.call_tool(*calls[0])
            before = srv.rss_kib()
            for _ in range(2):
                results = await asyncio.gather(*(session.call_tool(*calls[i % len(calls)]) for i in range(200)))
                for result in results:
                    ok_data(result)
            after = srv.rss_kib()
        assert srv.alive()
    print('RSS before {0} KiB, after {1} KiB'.format(before, after))
    assert after < 100 * 1024, 'server RSS after 400 calls: {0} KiB (before: {1} KiB)'.format(after, before)


async def test_dropped_connections_are_retried_for_gets(pve_env, start_server):
    async with start_server(settings(pve_env)) as srv:
        pve_env.pve._random.seed(7)
        pve_env.pve.flaky_network(drop_rate=0.4)
        outcomes = []
        for _ in range(12):
            result, elapsed = await timed(srv.call('GET', '/nodes'))
            assert elapsed < GET_BOUND, 'a GET took {0:.1f} s'.format(elapsed)
            if result.is_error:
                outcomes.append(('error', error_text(result)))
            else:
                data = ok_data(result)
                assert data[0]['node'] == pve_env.node, 'a wrong success: {0!r}'.format(data)
                outcomes.append(('ok', data))
        pve_env.pve.flaky_network()
        assert 'retrying the GET' in srv.stderr(), 'no GET was retried'
    ok = [o for o in outcomes if o[0] == 'ok']
    # With 40 % drops, a call fails only if three attempts in a row are dropped (6 %).
    assert len(ok) >= 9, outcomes
    for kind, text in outcomes:
        if kind == 'error':
            assert 'PVE' in text and ('connect' in text or 'failed' in text), text


async def test_502_and_503_are_retried_for_gets_but_never_for_writes(pve_env, start_server):
    async with start_server(settings(pve_env)) as srv:
        pve_env.pve.fail('GET', '/nodes', 503, 'proxy: service unavailable', times=2)
        before = pve_env.request_count()
        nodes = ok_data(await srv.call('GET', '/nodes'))
        assert nodes[0]['node'] == pve_env.node
        assert hits(pve_env, 'GET', NODES, before) == 3, 'two 503s, then the answer'

        pve_env.pve.fail('GET', '/nodes', 502, 'bad gateway')
        before = pve_env.request_count()
        text = error_text(await srv.call('GET', '/nodes'))
        assert '502' in text, text
        assert hits(pve_env, 'GET', NODES, before) == 3, 'three attempts, no more'
        pve_env.pve.failures.clear()

        pve_env.pve.fail('POST', '/nodes/pve1/qemu/101/status/start', 503, 'proxy: service unavailable')
        before = pve_env.request_count()
        text = error_text(await srv.call('POST', '/nodes/{node}/qemu/{vmid}/status/start', node=pve_env.node,
                                         vmid=101))
        assert '503' in text, text
        assert hits(pve_env, 'POST', START, before) == 1, 'a write is sent once'
        assert next(v for v in pve_env.pve.vms if v.vmid == 101).status == 'stopped'


async def test_dropped_writes_are_errors_not_retries(pve_env, start_server):
    async with start_server(settings(pve_env)) as srv:
        pve_env.pve.flaky_network(drop_rate=1.0)
        result, elapsed = await timed(srv.call('POST', '/nodes/{node}/qemu/{vmid}/status/start',
                                               node=pve_env.node, vmid=101))
        pve_env.pve.flaky_network()
        text = error_text(result)
        assert elapsed < TIMEOUT + 2.0, elapsed
        assert 'PVE' in text, text
        assert next(v for v in pve_env.pve.vms if v.vmid == 101).status == 'stopped'


async def test_a_hanging_pve_times_out_without_retry_or_false_success(pve_env, start_server):
    async with start_server(settings(pve_env)) as srv:
        pve_env.pve.flaky_network(hang_rate=1.0, hang_secs=4)
        for method, path, args in (('GET', '/nodes', {}),
                                   ('POST', '/nodes/{node}/qemu/{vmid}/status/start', {'node': 'pve1', 'vmid': 101})):
            result, elapsed = await timed(srv.call(method, path, **args))
            text = error_text(result)
            assert 'did not answer within 2 s' in text, text
            assert elapsed < TIMEOUT + 2.0, '{0} {1} took {2:.1f} s'.format(method, path, elapsed)
        pve_env.pve.flaky_network()
        # Still serving.
        ok_data(await srv.call('GET', '/nodes'))


async def test_a_slow_pve_succeeds_within_the_timeout_and_fails_past_it(pve_env, start_server):
    async with start_server(settings(pve_env)) as srv:
        pve_env.pve.time_scale = 1.0
        try:
            pve_env.pve.slow_network(0.5)
            result, elapsed = await timed(srv.call('GET', '/nodes'))
            assert ok_data(result)[0]['node'] == pve_env.node
            assert elapsed >= 0.5
            pve_env.pve.slow_network(3.5)
            result, elapsed = await timed(srv.call('GET', '/nodes'))
            assert 'did not answer within 2 s' in error_text(result)
            assert elapsed < TIMEOUT + 2.0, elapsed
        finally:
            pve_env.pve.slow_network(0)
            pve_env.pve.time_scale = 0.0
