"""Task waiting: a write whose PVE answer is a task id (UPID) is followed until the task stops, and the
task's real exit status decides the result; `task_timeout` / PVE_TASK_TIMEOUT end the wait with "still
running"; `wait: false` returns the UPID at once; a client with a progress token hears progress.

fakepve runs tasks at once (time_scale 0) unless a test sets `pve.time_scale` (real seconds per PVE
second) and a guest's `start_secs`."""

import re

import pytest

import harness
from harness import error_text, ok_task, task_finished, texts

pytestmark = pytest.mark.anyio

START = '/nodes/{node}/qemu/{vmid}/status/start'
API = '/api2/json'
UPID_RE = re.compile(r'UPID:[^:\s]+:[0-9A-Fa-f]+:[0-9A-Fa-f]+:[0-9A-Fa-f]+:[^:\s]+:[^:\s]*:[^:\s]+:')


def slow_start(pve_env, vmid: int, secs: float) -> None:
    """Make starting `vmid` take `secs` real seconds."""
    pve_env.pve.time_scale = 1.0
    pve_env.pve.vm(vmid).start_secs = secs


def start_path(pve_env, vmid: int) -> str:
    return '{0}/nodes/{1}/qemu/{2}/status/start'.format(API, pve_env.node, vmid)


def the_upid(text: str) -> str:
    found = UPID_RE.findall(text)
    assert found, 'no UPID in {0!r}'.format(text)
    return found[0]


# ------------------------------------------------------------------ what tools/list says

async def test_task_tools_offer_wait_and_task_timeout(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        props = srv.tool('POST', START).input_schema['properties']
    assert props['wait']['type'] == 'boolean'
    assert props['task_timeout']['type'] in ('number', 'integer')


async def test_reads_offer_no_task_arguments(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        offending = [t.name for t in srv.tools
                     if {'wait', 'task_timeout'} & set((t.input_schema or {}).get('properties') or {})]
    assert not offending, offending


# ------------------------------------------------------------------ success

async def test_task_result_is_the_task_report(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        task = ok_task(await srv.call('POST', START, node=pve_env.node, vmid=101))
    assert task['exitstatus'] == 'OK'
    assert (task['node'], task['type'], task['id'], task['user']) == (pve_env.node, 'qmstart', '101',
                                                                       pve_env.token_id)
    assert task['upid'] in pve_env.pve.tasks
    assert task['log_tail'][-1] == 'TASK OK'
    assert pve_env.pve.vm(101).status == 'running'


async def test_slow_task_is_waited_for_and_reported_ok(pve_env, start_server):
    slow_start(pve_env, 101, 1.5)
    async with start_server(pve_env.server_env(tier='full')) as srv:
        task = ok_task(await srv.call('POST', START, node=pve_env.node, vmid=101))
    assert task['exitstatus'] == 'OK'
    assert 1.0 <= task['duration_s'] < 10, task
    assert pve_env.pve.tasks[task['upid']]['status'] == 'stopped'
    assert pve_env.pve.vm(101).status == 'running'


async def test_waiting_polls_the_task_status(pve_env, start_server):
    slow_start(pve_env, 101, 0.5)
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        task = ok_task(await srv.call('POST', START, node=pve_env.node, vmid=101))
        sent = [(m, p) for m, p, _ in pve_env.requests_since(before)]
    assert sent[0] == ('POST', start_path(pve_env, 101))
    status = '{0}/nodes/{1}/tasks/{2}/status'.format(API, pve_env.node, task['upid'])
    assert ('GET', status) in sent, sent
    assert all(method == 'GET' for method, _ in sent[1:]), 'only reads may follow the start: {0}'.format(sent)


async def test_task_ending_with_warnings_is_a_success(pve_env, start_server):
    # fakepve ends a task with whatever text start_error holds; PVE's "WARNINGS: n" is a success.
    pve_env.pve.vm(101).start_error = 'WARNINGS: 2'
    async with start_server(pve_env.server_env(tier='full')) as srv:
        task = ok_task(await srv.call('POST', START, node=pve_env.node, vmid=101))
    assert task['exitstatus'] == 'WARNINGS: 2'


# ------------------------------------------------------------------ failure

async def test_failed_task_is_an_error_with_pves_exit_status_upid_and_log(pve_env, start_server):
    pve_env.pve.fail('POST', '/nodes/{0}/qemu/101/status/start'.format(pve_env.node), error='qemu_exited_code')
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=101))
    assert 'failed' in text
    assert 'QEMU exited with code 1' in text
    upid = the_upid(text)
    assert pve_env.pve.tasks[upid]['exitstatus'] == 'QEMU exited with code 1'
    assert 'TASK ERROR: QEMU exited with code 1' in text, 'the log tail is missing: {0!r}'.format(text)
    assert pve_env.pve.vm(101).status == 'stopped'


async def test_task_failing_inside_the_worker_is_an_error(pve_env, start_server):
    pve_env.pve.vm(101).start_error = 'start failed: QEMU exited with code 1'
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=101))
    assert 'failed' in text
    assert 'TASK ERROR: start failed: QEMU exited with code 1' in text
    assert the_upid(text) in pve_env.pve.tasks
    assert pve_env.pve.vm(101).status == 'stopped'


async def test_task_of_an_already_running_vm_fails(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=100))
    assert 'VM 100 already running' in text
    assert the_upid(text) in pve_env.pve.tasks


# ------------------------------------------------------------------ timeout

async def test_task_outlasting_task_timeout_is_reported_still_running(pve_env, start_server):
    slow_start(pve_env, 101, 2.5)
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=101, task_timeout=1))
    assert 'still running' in text
    upid = the_upid(text)
    assert pve_env.pve.tasks[upid]['status'] == 'running', 'the wait must not outlast task_timeout'
    # Not waiting is not stopping: the task goes on and the VM starts.
    await task_finished(pve_env.pve, upid)
    assert pve_env.pve.tasks[upid]['exitstatus'] == 'OK'
    assert pve_env.pve.vm(101).status == 'running'


async def test_pve_task_timeout_setting_bounds_the_wait(pve_env, start_server):
    slow_start(pve_env, 101, 2.5)
    async with start_server(pve_env.server_env(tier='full', PVE_TASK_TIMEOUT='1')) as srv:
        text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=101))
    assert 'still running' in text
    upid = the_upid(text)
    assert pve_env.pve.tasks[upid]['status'] == 'running'
    await task_finished(pve_env.pve, upid)


async def test_task_timeout_argument_overrides_the_setting(pve_env, start_server):
    slow_start(pve_env, 101, 1.5)
    async with start_server(pve_env.server_env(tier='full', PVE_TASK_TIMEOUT='1')) as srv:
        task = ok_task(await srv.call('POST', START, node=pve_env.node, vmid=101, task_timeout=20))
    assert task['exitstatus'] == 'OK'
    assert pve_env.pve.vm(101).status == 'running'


@pytest.mark.parametrize('timeout', [0, -5, 'soon', 86401])
async def test_invalid_task_timeout_is_refused_and_nothing_is_sent(pve_env, start_server, timeout):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=101, task_timeout=timeout))
        assert pve_env.requests_since(before) == []
    assert 'task_timeout' in text
    assert pve_env.pve.vm(101).status == 'stopped'


# ------------------------------------------------------------------ wait: false

async def test_wait_false_returns_the_upid_at_once(pve_env, start_server):
    slow_start(pve_env, 101, 2.0)
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        result = await srv.call('POST', START, node=pve_env.node, vmid=101, wait=False)
        sent = [(m, p) for m, p, _ in pve_env.requests_since(before)]
    assert not result.is_error, texts(result)
    structured = result.structured_content
    upid = structured['data']
    assert isinstance(upid, str) and UPID_RE.fullmatch(upid), structured
    assert structured['task']['upid'] == upid
    assert structured['task']['status'] == 'running'
    assert sent == [('POST', start_path(pve_env, 101))], 'wait: false must not poll the task'
    assert pve_env.pve.tasks[upid]['status'] == 'running'
    await task_finished(pve_env.pve, upid)
    assert pve_env.pve.vm(101).status == 'running'


# ------------------------------------------------------------------ progress

async def test_progress_notifications_arrive_while_waiting(pve_env, start_server):
    slow_start(pve_env, 101, 1.5)
    heard = []

    async def on_progress(progress, total, message):
        heard.append((progress, total, message))

    async with start_server(pve_env.server_env(tier='full')) as srv:
        name = srv.tool('POST', START).name
        result = await srv.session.call_tool(name, {'node': pve_env.node, 'vmid': 101},
                                             read_timeout_seconds=harness.REQUEST_TIMEOUT,
                                             progress_callback=on_progress)
    ok_task(result)
    assert heard, 'no notifications/progress while a 1.5 s task ran'
    values = [p for p, _, _ in heard]
    assert values == sorted(values) and len(set(values)) == len(values), \
        'progress must increase with each notification: {0}'.format(values)
    assert any(m and 'qmstart' in m for _, _, m in heard), heard

