"""The audit log (PVE_AUDIT_LOG): one JSON line per call that is not read-only and per refused call, with
time, tool, method, path, arguments (secrets redacted), outcome, and a task's UPID and exit status. Reads
that go through are not logged; the API token secret never appears."""

import datetime
import json

import pytest

from harness import error_text, ok_data, ok_task

pytestmark = pytest.mark.anyio

VM = '/nodes/{node}/qemu/{vmid}'
CONFIG = '/nodes/{node}/qemu/{vmid}/config'
CT_CONFIG = '/nodes/{node}/lxc/{vmid}/config'
START = '/nodes/{node}/qemu/{vmid}/status/start'
USERS = '/access/users'
PASSWORD = '/access/password'
BASE_KEYS = {'time', 'tool', 'outcome'}
ENTRY_KEYS = BASE_KEYS | {'method', 'path', 'arguments'}
SECRET = 'Tr0ub4dor&3-not-for-logs'


@pytest.fixture
def audit_file(tmp_path):
    return tmp_path / 'audit.jsonl'


def audited(pve_env, audit_file, tier='full', **extra):
    return pve_env.server_env(tier=tier, PVE_AUDIT_LOG=str(audit_file), **extra)


def entries(audit_file, keys=ENTRY_KEYS) -> list[dict]:
    """The log's lines, each checked to be one JSON object with `keys` (a refused unknown tool has no
    method, path or arguments to log: pass keys=BASE_KEYS when one may be among them)."""
    if not audit_file.exists():
        return []
    text = audit_file.read_text()
    assert text == '' or text.endswith('\n'), 'the last audit line is not finished'
    out = []
    for line in text.splitlines():
        entry = json.loads(line)
        assert isinstance(entry, dict), line
        assert keys <= set(entry), 'audit line lacks {0}: {1}'.format(sorted(keys - set(entry)), line)
        datetime.datetime.fromisoformat(entry['time'].replace('Z', '+00:00'))
        out.append(entry)
    return out


async def test_write_is_logged_with_its_task(pve_env, start_server, audit_file):
    async with start_server(audited(pve_env, audit_file)) as srv:
        task = ok_task(await srv.call('POST', START, node=pve_env.node, vmid=101))
        name = srv.tool('POST', START).name
    [entry] = entries(audit_file)
    assert entry['tool'] == name
    assert entry['method'] == 'POST'
    assert entry['path'] == '/nodes/{0}/qemu/101/status/start'.format(pve_env.node)
    assert entry['arguments'] == {'node': pve_env.node, 'vmid': 101}
    assert entry['outcome'] == 'ok'
    assert entry['upid'] == task['upid']
    assert entry['exitstatus'] == 'OK'


async def test_task_started_without_waiting_is_logged_with_its_upid(pve_env, start_server, audit_file):
    async with start_server(audited(pve_env, audit_file)) as srv:
        result = await srv.call('POST', START, node=pve_env.node, vmid=101, wait=False)
    assert not result.is_error
    [entry] = entries(audit_file)
    assert entry['upid'] == result.structured_content['data']


async def test_successful_read_is_not_logged(pve_env, start_server, audit_file):
    async with start_server(audited(pve_env, audit_file)) as srv:
        ok_data(await srv.call('GET', CONFIG, node=pve_env.node, vmid=100))
    assert entries(audit_file) == []


async def test_write_refusal_and_read_give_one_line_per_write_and_refusal(pve_env, start_server, audit_file):
    async with start_server(audited(pve_env, audit_file)) as srv:
        ok_task(await srv.call('POST', START, node=pve_env.node, vmid=101))
        error_text(await srv.call('DELETE', VM, node=pve_env.node, vmid=101))
        ok_data(await srv.call('GET', CONFIG, node=pve_env.node, vmid=100))
        start, delete = srv.tool('POST', START).name, srv.tool('DELETE', VM).name
    logged = entries(audit_file)
    assert [(e['tool'], e['method'], e['outcome']) for e in logged] == [
        (start, 'POST', 'ok'), (delete, 'DELETE', 'refused')]


async def test_refused_gated_call_is_logged_as_refused(pve_env, start_server, audit_file):
    async with start_server(audited(pve_env, audit_file)) as srv:
        error_text(await srv.call('DELETE', VM, node=pve_env.node, vmid=101, confirm=True, confirm_vmid=100))
        name = srv.tool('DELETE', VM).name
    [entry] = entries(audit_file)
    assert (entry['tool'], entry['method'], entry['outcome']) == (name, 'DELETE', 'refused')
    assert entry['path'] == '/nodes/{0}/qemu/101'.format(pve_env.node)
    assert entry['arguments']['vmid'] == 101
    assert entry['upid'] is None
    assert pve_env.pve.vm(101) is not None


async def test_refused_read_is_logged(pve_env, start_server, audit_file):
    settings = audited(pve_env, audit_file, PVE_VMID_ALLOWLIST='100-150')
    async with start_server(settings) as srv:
        error_text(await srv.call('GET', CT_CONFIG, node=pve_env.node, vmid=200))
        ok_data(await srv.call('GET', CONFIG, node=pve_env.node, vmid=100))
        name = srv.tool('GET', CT_CONFIG).name
    [entry] = entries(audit_file)
    assert (entry['tool'], entry['method'], entry['outcome']) == (name, 'GET', 'refused')


async def test_failed_task_is_logged_with_its_exit_status(pve_env, start_server, audit_file):
    pve_env.pve.fail('POST', '/nodes/{0}/qemu/101/status/start'.format(pve_env.node), error='qemu_exited_code')
    async with start_server(audited(pve_env, audit_file)) as srv:
        text = error_text(await srv.call('POST', START, node=pve_env.node, vmid=101))
    [entry] = entries(audit_file)
    assert entry['outcome'] not in ('ok', 'refused')
    assert entry['exitstatus'] == 'QEMU exited with code 1'
    assert entry['upid'] in text and entry['upid'] in pve_env.pve.tasks


async def test_confirmed_delete_is_logged_with_its_task(pve_env, start_server, audit_file):
    async with start_server(audited(pve_env, audit_file)) as srv:
        task = ok_task(await srv.call('DELETE', VM, node=pve_env.node, vmid=101, confirm=True, confirm_vmid=101))
    [entry] = entries(audit_file)
    assert (entry['method'], entry['outcome'], entry['upid']) == ('DELETE', 'ok', task['upid'])
    assert entry['path'] == '/nodes/{0}/qemu/101'.format(pve_env.node)


async def test_password_argument_is_redacted(pve_env, start_server, audit_file):
    async with start_server(audited(pve_env, audit_file)) as srv:
        ok_data(await srv.call('POST', USERS, userid='alice@pve', password=SECRET, comment='audit test',
                               confirm=True, confirm_name='alice@pve'))
    [entry] = entries(audit_file)
    assert entry['arguments']['password'] == '<redacted>'
    assert entry['arguments']['userid'] == 'alice@pve'
    assert SECRET not in audit_file.read_text()


async def test_password_change_arguments_are_redacted(pve_env, start_server, audit_file, tools_doc):
    [name] = [r.name for r in tools_doc.rows if (r.method, r.path) == ('PUT', PASSWORD)]
    async with start_server(audited(pve_env, audit_file)) as srv:
        # PVE refuses password changes through API tokens, so pve-mcp does not offer them to a token
        # login; the attempt is still audited.
        await srv.refusal(name, {'userid': 'root@pam', 'password': SECRET, 'confirmation-password': SECRET + '-old'})
    [entry] = entries(audit_file)
    assert entry['arguments']['password'] == '<redacted>'
    assert entry['arguments']['confirmation-password'] == '<redacted>'
    assert SECRET not in audit_file.read_text()


async def test_token_secret_never_appears_in_the_log(pve_env, start_server, audit_file):
    pve_env.pve.fail('POST', '/nodes/{0}/qemu/101/status/start'.format(pve_env.node), error='qemu_exited_code',
                     times=1)
    async with start_server(audited(pve_env, audit_file)) as srv:
        error_text(await srv.call('POST', START, node=pve_env.node, vmid=101))
        ok_task(await srv.call('POST', START, node=pve_env.node, vmid=101))
        error_text(await srv.call('DELETE', VM, node=pve_env.node, vmid=100))
        ok_data(await srv.call('POST', USERS, userid='bob@pve', password=SECRET, confirm=True, confirm_name='bob@pve'))
        await srv.refusal('no_such_tool_anywhere', {'token': pve_env.token_secret})
    text = audit_file.read_text()
    assert len(entries(audit_file, keys=BASE_KEYS)) == 5
    assert pve_env.token_secret not in text
    assert SECRET not in text


async def test_unknown_tool_is_logged_as_refused(pve_env, start_server, audit_file):
    async with start_server(audited(pve_env, audit_file)) as srv:
        await srv.refusal('no_such_tool_anywhere', {'node': pve_env.node})
    [entry] = entries(audit_file, keys=BASE_KEYS)
    assert (entry['tool'], entry['outcome']) == ('no_such_tool_anywhere', 'refused')


async def test_audit_log_is_appended_to(pve_env, start_server, audit_file):
    audit_file.write_text('{"earlier": "line", "time": "x"}\n')
    async with start_server(audited(pve_env, audit_file)) as srv:
        ok_task(await srv.call('POST', START, node=pve_env.node, vmid=101))
    lines = audit_file.read_text().splitlines()
    assert lines[0] == '{"earlier": "line", "time": "x"}'
    assert len(lines) == 2 and json.loads(lines[1])['outcome'] == 'ok'
