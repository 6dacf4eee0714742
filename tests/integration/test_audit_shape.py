"""Every audit line has one shape, whatever the outcome: the same keys (null where one does not apply),
the path as sent with its arguments filled in, and the arguments as their schema types them (a VMID sent
as the text "101" is logged as the number 101)."""

import json

import pytest

from harness import error_text, ok_task

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

START = '/nodes/{node}/qemu/{vmid}/status/start'
KEYS = {'time', 'caller', 'tool', 'method', 'path', 'arguments', 'outcome', 'message', 'upid', 'exitstatus', 'cluster', 'consent', 'run', 'plan', 'chain'}


async def test_refused_failed_and_successful_lines_have_one_shape(pve_env, start_server, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    pve_env.pve.fail('POST', '/nodes/{0}/qemu/100/status/start'.format(pve_env.node), status=500,
                     message='start failed: simulated', times=1)
    settings = pve_env.server_env(tier='full', PVE_AUDIT_LOG=str(audit), PVE_VMID_ALLOWLIST='100-101')
    async with start_server(settings) as srv:
        error_text(await srv.call('POST', START, node=pve_env.node, vmid='200'))    # refused: not allowlisted
        error_text(await srv.call('POST', START, node=pve_env.node, vmid='100'))    # failed: PVE error
        ok_task(await srv.call('POST', START, node=pve_env.node, vmid='101'))       # succeeded
        name = srv.tool('POST', START).name
    refused, failed, done = [json.loads(line) for line in audit.read_text().splitlines()]
    for entry, vmid, outcome in ((refused, 200, 'refused'), (failed, 100, 'error'), (done, 101, 'ok')):
        assert set(entry) == KEYS, entry
        assert entry['outcome'] == outcome
        assert (entry['tool'], entry['method']) == (name, 'POST')
        assert entry['path'] == '/nodes/{0}/qemu/{1}/status/start'.format(pve_env.node, vmid)
        assert entry['arguments'] == {'node': pve_env.node, 'vmid': vmid}
        assert entry['caller'] is None
    assert refused['message'] and refused['upid'] is None and refused['exitstatus'] is None
    assert 'simulated' in failed['message'] and failed['upid'] is None
    assert done['message'] is None and done['upid'] and done['exitstatus'] == 'OK'


async def test_arguments_that_do_not_read_are_logged_as_sent(pve_env, start_server, tmp_path):
    audit = tmp_path / 'audit.jsonl'
    async with start_server(pve_env.server_env(tier='full', PVE_AUDIT_LOG=str(audit))) as srv:
        error_text(await srv.call('POST', START, node=pve_env.node, vmid='abc'))
    [entry] = [json.loads(line) for line in audit.read_text().splitlines()]
    assert set(entry) == KEYS
    assert entry['arguments']['vmid'] == 'abc'
    assert entry['path'] == '/nodes/{0}/qemu/abc/status/start'.format(pve_env.node)
