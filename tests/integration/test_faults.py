"""Faults on the link to PVE, injected by fakepve (drops, hangs, 502/503/596, node offline, lost quorum,
revoked tickets), during task waits and during writes. What must hold whatever the fault:

- no false success, and no false failure for a task that ended within the deadline while the link was bad:
  the result is the task's real end;
- the UPID is in every result of a started task, in plain form, with how to follow it;
- a write is sent once, never retried; one whose connection broke after sending began says that PVE may
  or may not have applied it, and which reads tell.

Randomized cases seed fakepve's random source (fixed seeds), so a failure can be replayed. Tasks take
well under two real seconds (fakepve's time_scale 1, short start_secs) to keep the suite quick."""

import asyncio
import random
import re

import pytest

from harness import error_text, ok_task

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(240)]

START = '/nodes/{node}/qemu/{vmid}/status/start'
TASKS = '/nodes/{node}/tasks'
UPID_RE = re.compile(r'UPID:[^:\s`]+:[0-9A-Fa-f]+:[0-9A-Fa-f]+:[0-9A-Fa-f]+:[^:\s`]+:[^:\s`]*:[^:\s`]+:')
REQUEST_TIMEOUT = 1  # PVE_REQUEST_TIMEOUT here: a hung poll costs a second
FIRST_VMID = 300


def settings(pve_env, **extra):
    return pve_env.server_env(tier='full', PVE_REQUEST_TIMEOUT=str(REQUEST_TIMEOUT), PVE_TASK_TIMEOUT='30', **extra)


def add_stopped_vms(pve_env, count, start_secs=1.0, fail_every=0):
    """VMs FIRST_VMID.. stopped, whose start takes start_secs real seconds; every fail_every-th start fails."""
    pve_env.pve.time_scale = 1.0
    vmids = []
    for i in range(count):
        vmid = FIRST_VMID + i
        vm = pve_env.pve.add_vm(vmid, 'fault{0}'.format(i), status='stopped', node=pve_env.node)
        vm.start_secs = start_secs
        if fail_every and i % fail_every == fail_every - 1:
            vm.start_error = 'start failed: QEMU exited with code 1'
        vmids.append(vmid)
    return vmids


def start_path(pve_env, vmid):
    return '/api2/json/nodes/{0}/qemu/{1}/status/start'.format(pve_env.node, vmid)


def posts(pve_env, since=0):
    """The writes PVE received since `since` (logins, which change nothing, left out)."""
    return [r for r in pve_env.pve.requests[since:] if r[0] != 'GET' and r[1] != '/api2/json/access/ticket']


def the_upid(text):
    found = UPID_RE.findall(text)
    assert found, 'no plain UPID in {0!r}'.format(text)
    return found[0]


def clear_faults(pve):
    pve.flaky_network()
    pve.failures.clear()
    for node in list(pve.nodes):
        pve.set_node_offline(node, offline=False)
    pve.regain_quorum()


async def start_then_fault(srv, pve_env, vmid, fault, **arguments):
    """Start `vmid` and, as soon as PVE has the POST, inject `fault()` for the rest of the call."""
    pve = pve_env.pve
    since = len(pve.requests)
    call = asyncio.ensure_future(srv.call('POST', START, node=pve_env.node, vmid=vmid, **arguments))
    try:
        while not any(r[0] == 'POST' and r[1] == start_path(pve_env, vmid) for r in pve.requests[since:]):
            assert not call.done(), 'the call ended before PVE had the POST: {0}'.format(call.result())
            await asyncio.sleep(0.005)
        fault()
        result = await call
    finally:
        clear_faults(pve)
    assert len(posts(pve_env, since)) == 1, 'a write is sent once: {0}'.format(posts(pve_env, since))
    return result


def assert_real_end(pve_env, vmid, result):
    """The result is the task's real end: success for an OK task, a failure with PVE's message otherwise."""
    vm = pve_env.pve.vm(vmid)
    if vm.start_error:
        text = error_text(result)
        assert 'failed' in text and 'QEMU exited with code 1' in text, text
        assert pve_env.pve.tasks[the_upid(text)]['exitstatus'] == vm.start_error
        assert vm.status == 'stopped'
    else:
        task = ok_task(result)
        assert task['exitstatus'] == 'OK'
        assert pve_env.pve.tasks[task['upid']]['exitstatus'] == 'OK'
        assert vm.status == 'running'


# ------------------------------------------------------------------ waits through a bad link

async def test_twenty_starts_through_30_percent_drops_report_the_real_end(pve_env, start_server):
    vmids = add_stopped_vms(pve_env, 20, start_secs=1.2, fail_every=5)
    async with start_server(settings(pve_env)) as srv:
        for seed, vmid in enumerate(vmids):
            def drops(seed=seed):
                pve_env.pve._random.seed(seed)
                pve_env.pve.flaky_network(drop_rate=0.3)
            result = await start_then_fault(srv, pve_env, vmid, drops)
            assert_real_end(pve_env, vmid, result)


@pytest.mark.parametrize('seed', [11, 12, 13])
async def test_heavy_drops_and_hangs_during_a_wait_still_report_the_real_end(pve_env, start_server, seed):
    vmid, = add_stopped_vms(pve_env, 1, start_secs=1.5)

    def trouble():
        pve_env.pve._random.seed(seed)
        pve_env.pve.flaky_network(drop_rate=0.5, hang_rate=0.15, hang_secs=3)
    async with start_server(settings(pve_env)) as srv:
        result = await start_then_fault(srv, pve_env, vmid, trouble)
    assert_real_end(pve_env, vmid, result)


@pytest.mark.parametrize('status', [502, 503, 596])
async def test_gateway_errors_during_a_wait_are_waited_out(pve_env, start_server, status):
    vmid, = add_stopped_vms(pve_env, 1, start_secs=1.0)

    def gateway():
        pve_env.pve.fail('GET', '/nodes/{node}/tasks/{upid}/status', status, 'proxy trouble', times=5)
    async with start_server(settings(pve_env)) as srv:
        result = await start_then_fault(srv, pve_env, vmid, gateway)
    assert_real_end(pve_env, vmid, result)


async def test_a_node_offline_for_a_while_during_a_wait_is_waited_out(pve_env, start_server):
    vmid, = add_stopped_vms(pve_env, 1, start_secs=0.5)

    def offline():
        pve_env.pve.set_node_offline(pve_env.node)
        asyncio.get_running_loop().call_later(2.0, pve_env.pve.set_node_offline, pve_env.node, False)
    async with start_server(settings(pve_env)) as srv:
        result = await start_then_fault(srv, pve_env, vmid, offline)
    assert_real_end(pve_env, vmid, result)


async def test_revoked_tickets_and_drops_during_a_wait_report_the_real_end(pve_env, start_server):
    vmid, = add_stopped_vms(pve_env, 1, start_secs=1.5)
    env = settings(pve_env, PVE_TOKEN_ID=None, PVE_TOKEN_SECRET=None, PVE_USER='root@pam',
                   PVE_PASSWORD=pve_env.pve.password)

    def revoke():
        pve_env.pve._random.seed(5)
        pve_env.pve.revoke_tickets()
        pve_env.pve.flaky_network(drop_rate=0.3)
    async with start_server(env) as srv:
        result = await start_then_fault(srv, pve_env, vmid, revoke)
    assert_real_end(pve_env, vmid, result)


async def test_a_slow_task_past_the_deadline_is_still_running_with_its_upid(pve_env, start_server):
    vmid, = add_stopped_vms(pve_env, 1, start_secs=3.0)

    def drops():
        pve_env.pve._random.seed(3)
        pve_env.pve.flaky_network(drop_rate=0.3)
    async with start_server(settings(pve_env)) as srv:
        result = await start_then_fault(srv, pve_env, vmid, drops, task_timeout=1)
    text = error_text(result)
    assert 'still running' in text and 'node_tasks_status_get' in text, text
    assert the_upid(text) in pve_env.pve.tasks


# ------------------------------------------------------------------ the link cut past the deadline

async def test_a_link_cut_past_the_deadline_says_the_task_was_accepted_and_how_to_follow_it(pve_env, start_server):
    vmid, = add_stopped_vms(pve_env, 1, start_secs=1.0)
    heard = []

    async def on_progress(progress, total, message):
        heard.append(message)

    def cut():
        pve_env.pve.flaky_network(drop_rate=1.0)
    async with start_server(settings(pve_env)) as srv:
        name = srv.tool('POST', START).name
        pve = pve_env.pve
        since = len(pve.requests)
        call = asyncio.ensure_future(srv.session.call_tool(
            name, {'node': pve_env.node, 'vmid': vmid, 'task_timeout': 3}, progress_callback=on_progress))
        while not posts(pve_env, since):
            await asyncio.sleep(0.005)
        cut()
        try:
            result = await call
        finally:
            clear_faults(pve)
        assert len(posts(pve_env, since)) == 1
    text = error_text(result)
    upid = the_upid(text)
    assert upid in pve_env.pve.tasks
    assert 'was accepted' in text and 'end was not seen' in text, text
    assert 'node_tasks_status_get' in text and '`{0}`'.format(upid) in text, text
    assert not re.search(r'\bsucce|\bfailed:', text.split('(last error')[0]), 'neither success nor failure: ' + text
    assert any(m and 'not answering' in m for m in heard), heard
    # Not seeing the end changes nothing on PVE: the VM starts.
    await asyncio.sleep(1.0)
    assert pve_env.pve.vm(vmid).status == 'running'


# ------------------------------------------------------------------ writes whose fate is unknown

def seed_dropping_only_the_first(rate):
    """A seed for which fakepve drops the first request and lets the next ones through (each request
    draws twice: its jitter, then whether it is dropped)."""
    for seed in range(10_000):
        draws = random.Random(seed)
        first = [draws.random() for _ in range(2)][1] < rate
        rest = [[draws.random() for _ in range(2)][1] < rate for _ in range(3)]
        if first and not any(rest):
            return seed
    raise AssertionError('no seed found')


async def test_a_write_cut_mid_send_says_its_fate_is_unknown_and_how_to_check(pve_env, start_server):
    async with start_server(settings(pve_env)) as srv:
        await srv.call('GET', '/nodes')
        await asyncio.sleep(0.5)  # the server's one-time release check has gone by
        since = len(pve_env.pve.requests)
        pve_env.pve._random.seed(seed_dropping_only_the_first(0.5))
        pve_env.pve.flaky_network(drop_rate=0.5)
        try:
            result = await srv.call('POST', START, node=pve_env.node, vmid=101)
            await asyncio.sleep(0.5)
        finally:
            clear_faults(pve_env.pve)
        # A retry would have gone through (only the first request is dropped) and started the VM.
        assert posts(pve_env, since) == [], 'the write was retried: {0}'.format(posts(pve_env, since))
    text = error_text(result)
    assert 'may or may not have been applied' in text and 'not repeated' in text, text
    assert '`node_tasks_list` {"node":"pve1","vmid":101,"typefilter":"qmstart","source":"all"}' in text, text
    assert '`qemu_vm_status_get` {"node":"pve1","vmid":101}' in text, text
    assert pve_env.pve.vm(101).status == 'stopped'


async def test_a_write_that_times_out_after_sending_says_its_fate_is_unknown(pve_env, start_server):
    async with start_server(settings(pve_env)) as srv:
        pve_env.pve.flaky_network(hang_rate=1.0, hang_secs=3)
        try:
            text = error_text(await srv.call('PUT', '/nodes/{node}/qemu/{vmid}/config', node=pve_env.node,
                                             vmid=101, cores=2))
        finally:
            clear_faults(pve_env.pve)
    assert 'may or may not have been applied' in text and 'did not answer within 1 s' in text, text
    assert '`qemu_vm_config_get` {"node":"pve1","vmid":101}' in text, text


async def test_a_write_that_never_connected_is_not_called_unknown(pve_env, start_server):
    env = settings(pve_env, PVE_BASE_URL='https://127.0.0.1:9')
    async with start_server(env) as srv:
        text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=101))
    assert 'could not connect' in text, text
    assert 'may or may not' not in text, text


@pytest.mark.parametrize('status', [502, 503, 596])
async def test_gateway_errors_on_a_write_are_not_retried(pve_env, start_server, status):
    async with start_server(settings(pve_env)) as srv:
        pve_env.pve.fail('POST', '/nodes/{0}/qemu/101/status/start'.format(pve_env.node), status, 'proxy trouble')
        since = len(pve_env.pve.requests)
        try:
            text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=101))
        finally:
            clear_faults(pve_env.pve)
        assert len(posts(pve_env, since)) == 1
    assert str(status) in text, text
    assert pve_env.pve.vm(101).status == 'stopped'


async def test_lost_quorum_refuses_a_start_once_without_a_task(pve_env, start_server):
    async with start_server(settings(pve_env)) as srv:
        pve_env.pve.lose_quorum()
        since = len(pve_env.pve.requests)
        try:
            text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=101))
        finally:
            clear_faults(pve_env.pve)
        assert len(posts(pve_env, since)) == 1
    assert 'no quorum' in text and 'may or may not' not in text, text
    assert pve_env.pve.vm(101).status == 'stopped'
