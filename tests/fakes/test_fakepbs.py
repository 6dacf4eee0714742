"""The fake PBS behaves as Proxmox Backup Server does: wording, authentication, tasks, state.

Every test talks plain HTTPS to the fake (aiohttp), as a client of PBS would.
"""

import json
import re

import aiohttp
import pytest

from fakes.proxmox_fake.schema import is_task, sample
from fakes.proxmox_fake.validate import ParameterError, SchemaError, verify_value

pytestmark = pytest.mark.anyio

UPID_RE = re.compile(r'^UPID:(?P<node>[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):(?P<pid>[0-9A-F]{8}):'
                     r'(?P<pstart>[0-9A-F]{8,9}):(?P<task_id>[0-9A-F]{8,16}):(?P<starttime>[0-9A-F]{8}):'
                     r'(?P<wtype>[^:\s]+):(?P<wid>[^:\s]*):(?P<authid>[^:\s]+):$')


async def call(env, method, path, headers=None, auth=True, **kwargs):
    """(status, body text, content type) of `method /api2/json<path>`."""
    hdrs = {'Authorization': env.authorization} if auth else {}
    hdrs.update(headers or {})
    async with aiohttp.ClientSession() as http:
        async with http.request(method, env.url + '/api2/json' + path, ssl=env.ssl_context(), headers=hdrs,
                                **kwargs) as resp:
            return resp.status, await resp.text(), resp.headers.get('Content-Type', '')


async def data(env, method, path, **kwargs):
    status, text, _ = await call(env, method, path, **kwargs)
    assert status == 200, (status, text)
    return json.loads(text)['data']


async def task_status(env, upid):
    return await data(env, 'GET', '/nodes/pbs/tasks/{0}/status'.format(upid))


async def task_log(env, upid, **params):
    return [line['t'].split(': ', 1)[1] for line in
            await data(env, 'GET', '/nodes/pbs/tasks/{0}/log'.format(upid), params=params)]


# ---------------------------------------------------------------- parameter wording

async def test_an_unknown_query_parameter_is_refused_with_proxmox_schema_wording(pbs):
    status, text, _ = await call(pbs, 'GET', '/admin/datastore/store1/groups', params={'vmid': '100'})
    assert (status, text) == (400, "parameter verification failed - 'vmid': schema does not allow additional "
                                   "properties.")


async def test_an_unknown_json_parameter_is_refused_without_the_final_dot(pbs):
    status, text, _ = await call(pbs, 'POST', '/admin/datastore/store1/gc', json={'force': True})
    assert (status, text) == (400, "parameter verification failed - 'force': schema does not allow additional "
                                   "properties")


async def test_a_missing_form_parameter_is_named(pbs):
    status, text, _ = await call(pbs, 'POST', '/admin/datastore/store1/prune', data={'backup-type': 'vm'})
    assert (status, text) == (400, "parameter verification failed - 'backup-id': parameter is missing and it "
                                   "is not optional.")


async def test_a_missing_json_property_is_named(pbs):
    status, text, _ = await call(pbs, 'POST', '/admin/datastore/store1/prune', json={'backup-type': 'vm'})
    assert (status, text) == (400, "parameter verification failed - 'backup-id': property is missing and it "
                                   "is not optional")


async def test_a_pattern_mismatch_is_reported(pbs):
    status, text, _ = await call(pbs, 'GET', '/admin/datastore/store1/snapshots', params={'backup-id': '-x'})
    assert (status, text) == (400, "parameter verification failed - 'backup-id': value does not match the "
                                   "regex pattern")


async def test_a_value_outside_the_enumeration_is_quoted(pbs):
    status, text, _ = await call(pbs, 'GET', '/admin/datastore/store1/snapshots', params={'backup-type': 'qemu'})
    assert (status, text) == (400, "parameter verification failed - 'backup-type': value 'qemu' is not defined "
                                   "in the enumeration.")


async def test_a_value_that_is_not_ascii_is_quoted_back_whole(pbs):
    status, text, _ = await call(pbs, 'GET', '/admin/datastore/store1/snapshots', params={'backup-type': 'vm\u00fc'})
    assert (status, text) == (400, "parameter verification failed - 'backup-type': value 'vm\u00fc' is not "
                                   "defined in the enumeration.")


async def test_a_number_below_its_minimum_gives_the_limit_and_the_value(pbs):
    status, text, _ = await call(pbs, 'POST', '/admin/datastore/store1/prune',
                                 data={'backup-type': 'vm', 'backup-id': '100', 'keep-last': '0'})
    assert (status, text) == (400, "parameter verification failed - 'keep-last': value must have a minimum "
                                   "value of 1 (got 0)")


async def test_a_form_integer_that_is_no_number_gets_rusts_parse_error(pbs):
    status, text, _ = await call(pbs, 'POST', '/admin/datastore/store1/prune',
                                 data={'backup-type': 'vm', 'backup-id': '100', 'keep-last': 'two'})
    assert text == "parameter verification failed - 'keep-last': invalid digit found in string"


async def test_a_form_boolean_that_is_no_boolean_is_refused(pbs):
    status, text, _ = await call(pbs, 'POST', '/admin/datastore/store1/prune',
                                 data={'backup-type': 'vm', 'backup-id': '100', 'dry-run': 'maybe'})
    assert text == "parameter verification failed - 'dry-run': Unable to parse boolean option."


async def test_a_json_value_of_the_wrong_type_is_refused(pbs):
    status, text, _ = await call(pbs, 'POST', '/admin/datastore/store1/prune',
                                 json={'backup-type': 'vm', 'backup-id': '100', 'keep-last': '2'})
    assert (status, text) == (400, "parameter verification failed - 'keep-last': Expected integer value.")


async def test_several_errors_are_listed_one_a_line(pbs):
    status, text, _ = await call(pbs, 'GET', '/admin/datastore/store1/snapshots',
                                 params={'backup-type': 'qemu', 'node': 'pbs'})
    assert text == ("parameter verification failed:\n"
                    "- 'backup-type': value 'qemu' is not defined in the enumeration.\n"
                    "- 'node': schema does not allow additional properties.")


async def test_a_bad_path_parameter_is_checked_like_the_others(pbs):
    status, text, _ = await call(pbs, 'GET', '/admin/datastore/ab/status')
    assert (status, text) == (400, "parameter verification failed - 'store': value must be at least 3 "
                                   "characters long")


async def test_a_bad_path_parameter_under_a_json_body_answers_its_bare_message(pbs):
    status, text, _ = await call(pbs, 'POST', '/admin/datastore/ab/gc', json={})
    assert (status, text) == (400, 'value must be at least 3 characters long')


async def test_a_property_string_is_checked_against_its_nested_schema(pbs):
    status, text, _ = await call(pbs, 'PUT', '/config/datastore/store1', data={'tuning': 'colour=blue'})
    assert (status, text) == (400, "parameter verification failed - 'tuning': parameter verification failed - "
                                   "'colour': schema does not allow additional properties")


async def test_errors_are_the_bare_message_not_a_json_object(pbs):
    status, text, ctype = await call(pbs, 'GET', '/admin/datastore/nosuch/status')
    assert (status, text) == (400, "no such datastore 'nosuch'")
    assert ctype == 'application/json;charset=UTF-8'


async def test_an_unknown_path_is_404_with_the_full_path(pbs):
    status, text, _ = await call(pbs, 'GET', '/admin/datastore/store1/nothing-here')
    assert (status, text) == (404, "Path '/api2/json/admin/datastore/store1/nothing-here' not found.")


async def test_a_body_over_512_kib_is_too_large(pbs):
    status, text, _ = await call(pbs, 'PUT', '/config/datastore/store1', data={'comment': 'x' * 512 * 1024})
    assert (status, text) == (400, 'Request body too large')


async def test_a_body_of_another_content_type_is_refused(pbs):
    status, text, _ = await call(pbs, 'POST', '/admin/datastore/store1/gc', data=b'x',
                                 headers={'Content-Type': 'text/plain'})
    assert (status, text) == (400, 'unsupported content type Ok("text/plain")')


# ------------------------------------------------------------------- authentication

async def test_a_request_without_credentials_is_401_authentication_failed(pbs):
    status, text, _ = await call(pbs, 'GET', '/admin/datastore', auth=False)
    assert (status, text) == (401, 'authentication failed')


async def test_a_wrong_token_secret_is_refused(pbs):
    status, _, _ = await call(pbs, 'GET', '/admin/datastore', auth=False,
                              headers={'Authorization': 'PBSAPIToken={0}:wrong'.format(pbs.token_id)})
    assert status == 401


async def test_a_pve_token_header_does_not_authenticate(pbs):
    status, _, _ = await call(pbs, 'GET', '/admin/datastore', auth=False, headers={
        'Authorization': 'PVEAPIToken={0}={1}'.format(pbs.token_id, pbs.token_secret)})
    assert status == 401


async def test_the_token_header_may_use_a_space_after_the_prefix(pbs):
    status, _, _ = await call(pbs, 'GET', '/admin/datastore', auth=False, headers={
        'Authorization': 'PBSAPIToken {0}:{1}'.format(pbs.token_id, pbs.token_secret)})
    assert status == 200


async def test_world_methods_need_no_login(pbs):
    assert await data(pbs, 'GET', '/ping', auth=False) == {'pong': True}


async def test_a_wrong_password_is_401_permission_check_failed(pbs):
    status, text, _ = await call(pbs, 'POST', '/access/ticket', auth=False,
                                 data={'username': 'root@pam', 'password': 'nope'})
    assert (status, text) == (401, 'permission check failed.')


async def test_a_ticket_reads_and_writes_only_with_its_csrf_token(pbs):
    pbs.fake.users['admin@pbs'] = 'pw'
    login = await data(pbs, 'POST', '/access/ticket', auth=False, data={'username': 'admin@pbs', 'password': 'pw'})
    assert login['ticket'].startswith('PBS:admin@pbs:')
    cookie = {'Cookie': 'PBSAuthCookie=' + login['ticket']}
    assert (await call(pbs, 'GET', '/admin/datastore', auth=False, headers=cookie))[0] == 200
    assert (await call(pbs, 'POST', '/admin/datastore/store1/gc', auth=False, headers=cookie, data={}))[0] == 401
    csrf = dict(cookie, CSRFPreventionToken=login['CSRFPreventionToken'])
    assert (await call(pbs, 'POST', '/admin/datastore/store1/gc', auth=False, headers=csrf, data={}))[0] == 200


async def test_the_login_password_is_not_recorded(pbs):
    await call(pbs, 'POST', '/access/ticket', auth=False, data={'username': 'root@pam', 'password': 'hunter2'})
    assert b'hunter2' not in pbs.fake.requests[-1][2]


# -------------------------------------------------------------------------- tasks

async def test_a_verify_answers_a_pbs_upid_and_its_status_ends_ok(pbs):
    upid = await data(pbs, 'POST', '/admin/datastore/store1/verify',
                      data={'backup-type': 'vm', 'backup-id': '100', 'ignore-verified': '0'})
    fields = UPID_RE.match(upid).groupdict()
    assert (fields['node'], fields['wtype'], fields['wid'], fields['authid']) == (
        'pbs', 'verify_group', 'store1\\x3a-vm-100', 'root@pam!mcp')
    status = await task_status(pbs, upid)
    assert (status['status'], status['exitstatus'], status['type'], status['tokenid']) == (
        'stopped', 'OK', 'verify_group', 'mcp')
    assert (await task_log(pbs, upid))[-1] == 'TASK OK'


async def test_a_verify_that_finds_a_bad_chunk_ends_with_the_error_and_marks_the_snapshot(pbs):
    snap = pbs.fake.snapshots('store1', 'vm/100')[-1]
    snap.corrupt = True
    upid = await data(pbs, 'POST', '/admin/datastore/store1/verify', data={
        'backup-type': 'vm', 'backup-id': '100', 'backup-time': str(snap.backup_time)})
    status = await task_status(pbs, upid)
    assert status['exitstatus'] == 'verification failed - please check the log for details'
    assert (await task_log(pbs, upid))[-1] == 'TASK ERROR: verification failed - please check the log for details'
    listed = await data(pbs, 'GET', '/admin/datastore/store1/snapshots',
                        params={'backup-type': 'vm', 'backup-id': '100'})
    assert listed[-1]['verification'] == {'state': 'failed', 'upid': upid}


async def test_a_task_with_warnings_ends_warnings_n(pbs):
    pbs.fake.warn_in_tasks('garbage_collection', 'WARN: chunk store has 2 bad chunks', 'WARN: atime check')
    upid = await data(pbs, 'POST', '/admin/datastore/store1/gc', data={})
    assert (await task_status(pbs, upid))['exitstatus'] == 'WARNINGS: 2'
    assert (await task_log(pbs, upid))[-1] == 'TASK WARNINGS: 2'


async def test_with_a_time_scale_a_task_runs_until_its_time_is_up(pbs):
    pbs.fake.time_scale = 0.05
    upid = await data(pbs, 'POST', '/admin/datastore/store1/gc', data={})
    assert (await task_status(pbs, upid))['status'] == 'running'
    await pbs.fake.settle()
    assert (await task_status(pbs, upid))['exitstatus'] == 'OK'


async def test_stopping_a_running_task_ends_it_with_an_abort_error(pbs):
    pbs.fake.time_scale = 0.05
    upid = await data(pbs, 'POST', '/admin/datastore/store1/gc', data={})
    await data(pbs, 'DELETE', '/nodes/pbs/tasks/{0}'.format(upid))
    await pbs.fake.settle()
    assert (await task_status(pbs, upid))['exitstatus'] == 'abort requested - aborting task'


async def test_the_task_log_pages_by_start_and_limit(pbs):
    upid = await data(pbs, 'POST', '/admin/datastore/store1/gc', data={})
    lines = await data(pbs, 'GET', '/nodes/pbs/tasks/{0}/log'.format(upid), params={'start': '2', 'limit': '2'})
    assert [line['n'] for line in lines] == [2, 3]
    status, text, _ = await call(pbs, 'GET', '/nodes/pbs/tasks/{0}/log'.format(upid))
    assert json.loads(text)['total'] == len(pbs.fake.task(upid).lines)


async def test_a_upid_this_server_never_ran_is_stopped_with_unknown_status(pbs):
    upid = 'UPID:pbs:00001234:00ABCDEF:00000099:6B000000:verify:store1:root@pam:'
    status = await task_status(pbs, upid)
    assert (status['status'], status['exitstatus']) == ('stopped', 'unknown')


async def test_a_malformed_upid_is_a_parameter_error(pbs):
    status, text, _ = await call(pbs, 'GET', '/nodes/pbs/tasks/UPID:nope/status')
    assert text.startswith("parameter verification failed - 'upid': value must be at least")


# -------------------------------------------------------------------------- state

async def test_datastore_usage_gives_total_used_and_avail(pbs):
    usage = dict((u['store'], u) for u in await data(pbs, 'GET', '/status/datastore-usage'))
    store1 = usage['store1']
    assert store1['total'] - store1['used'] == store1['avail'] > 0
    status = await data(pbs, 'GET', '/admin/datastore/store1/status')
    assert (status['total'], status['used'], status['avail']) == (store1['total'], store1['used'], store1['avail'])


async def test_the_groups_of_a_datastore_are_vm_ct_and_host(pbs):
    groups = await data(pbs, 'GET', '/admin/datastore/store1/groups')
    assert sorted('{0}/{1}'.format(g['backup-type'], g['backup-id']) for g in groups) == [
        'ct/200', 'host/backup-server', 'vm/100', 'vm/101']


async def test_the_snapshots_of_vm_100_carry_their_verify_state(pbs):
    snaps = await data(pbs, 'GET', '/admin/datastore/store1/snapshots',
                       params={'backup-type': 'vm', 'backup-id': '100'})
    assert [s.get('verification', {}).get('state') for s in snaps] == ['ok', 'ok', None]


async def test_a_namespace_has_its_own_groups(pbs):
    assert [n['ns'] for n in await data(pbs, 'GET', '/admin/datastore/store1/namespace')] == ['', 'lab']
    snaps = await data(pbs, 'GET', '/admin/datastore/store1/snapshots', params={'ns': 'lab'})
    assert len(snaps) == 4


async def test_a_dry_run_prune_removes_nothing(pbs):
    before = len(pbs.fake.snapshots('store1', 'vm/100'))
    result = await data(pbs, 'POST', '/admin/datastore/store1/prune',
                        data={'backup-type': 'vm', 'backup-id': '100', 'keep-last': '1', 'dry-run': '1'})
    assert [r['keep'] for r in result] == [True, False, False]
    assert len(pbs.fake.snapshots('store1', 'vm/100')) == before


async def test_a_real_prune_removes_what_it_does_not_keep(pbs):
    await data(pbs, 'POST', '/admin/datastore/store1/prune',
               data={'backup-type': 'vm', 'backup-id': '100', 'keep-last': '1'})
    assert len(pbs.fake.snapshots('store1', 'vm/100')) == 1


async def test_prune_keeps_protected_snapshots(pbs):
    pbs.fake.snapshots('store1', 'vm/100')[0].protected = True
    await data(pbs, 'POST', '/admin/datastore/store1/prune',
               data={'backup-type': 'vm', 'backup-id': '100', 'keep-last': '1'})
    assert len(pbs.fake.snapshots('store1', 'vm/100')) == 2


async def test_a_datastore_prune_is_a_task_over_every_group(pbs):
    upid = await data(pbs, 'POST', '/admin/datastore/store1/prune-datastore', data={'keep-last': '1', 'ns': 'lab'})
    assert (await task_status(pbs, upid))['exitstatus'] == 'OK'
    assert len(pbs.fake.snapshots('store1', 'vm/100', ns='lab')) == 1


async def test_forgetting_a_snapshot_deletes_it(pbs):
    snap = pbs.fake.snapshots('store1', 'ct/200')[0]
    await data(pbs, 'DELETE', '/admin/datastore/store1/snapshots',
               params={'backup-type': 'ct', 'backup-id': '200', 'backup-time': str(snap.backup_time)})
    assert snap not in pbs.fake.snapshots('store1', 'ct/200')


async def test_forgetting_a_snapshot_that_does_not_exist_names_it(pbs):
    status, text, _ = await call(pbs, 'DELETE', '/admin/datastore/store1/snapshots',
                                 params={'backup-type': 'ct', 'backup-id': '200', 'backup-time': '1700000000'})
    assert (status, text) == (400, 'snapshot ct/200/2023-11-14T22:13:20Z does not exist!')


async def test_namespaces_are_created_and_deleted(pbs):
    assert await data(pbs, 'POST', '/admin/datastore/store1/namespace', data={'name': 'qa', 'parent': 'lab'}) \
        == 'lab/qa'
    await data(pbs, 'DELETE', '/admin/datastore/store1/namespace', params={'ns': 'lab/qa'})
    assert 'lab/qa' not in pbs.fake.datastores['store1'].namespaces


async def test_a_namespace_with_groups_is_only_deleted_with_delete_groups(pbs):
    status, text, _ = await call(pbs, 'DELETE', '/admin/datastore/store1/namespace', params={'ns': 'lab'})
    assert (status, text) == (400, 'only partially deleted due to existing groups but `delete-groups` not true ')
    await data(pbs, 'DELETE', '/admin/datastore/store1/namespace', params={'ns': 'lab', 'delete-groups': '1'})
    assert pbs.fake.snapshots('store1', ns='lab') == []


async def test_a_failing_sync_job_ends_with_a_connection_error_in_its_log(pbs):
    upid = await data(pbs, 'POST', '/admin/sync/pull-offsite/run', data={})
    status = await task_status(pbs, upid)
    assert status['exitstatus'].startswith('Querying namespaces failed - error trying to connect')
    assert "sync datastore 'offsite' from 'pbs-remote/store1'" in await task_log(pbs, upid)
    job = (await data(pbs, 'GET', '/admin/sync'))[0]
    assert (job['last-run-upid'], job['last-run-state']) == (upid, status['exitstatus'])


async def test_a_verify_job_run_verifies_what_is_not_yet_verified(pbs):
    upid = await data(pbs, 'POST', '/admin/verify/verify-store1/run', data={})
    assert (await task_status(pbs, upid))['type'] == 'verificationjob'
    assert all(s.verification for s in pbs.fake.snapshots('store1', 'vm/100'))


async def test_a_datastore_is_created_listed_and_removed_by_a_task(pbs):
    await data(pbs, 'POST', '/config/datastore', data={'name': 'scratch', 'path': '/mnt/scratch'})
    assert 'scratch' in [d['store'] for d in await data(pbs, 'GET', '/admin/datastore')]
    upid = await data(pbs, 'DELETE', '/config/datastore/scratch')
    assert (await task_status(pbs, upid))['exitstatus'] == 'OK'
    assert 'scratch' not in pbs.fake.datastores
    status, text, _ = await call(pbs, 'DELETE', '/config/datastore/scratch')
    assert (status, text) == (404, "datastore 'scratch' does not exist.")


async def test_nothing_is_sent_is_provable_from_the_request_record(pbs):
    count = pbs.request_count()
    assert pbs.requests_since(count) == []
    await call(pbs, 'GET', '/admin/datastore')
    assert [r[:2] for r in pbs.requests_since(count)] == [('GET', '/api2/json/admin/datastore')]


async def test_creating_a_job_with_an_id_in_use_is_a_parameter_error(pbs):
    status, text, _ = await call(pbs, 'POST', '/config/verify', data={'id': 'verify-store1', 'store': 'store1'})
    assert (status, text) == (400, "parameter verification failed - 'id': job 'verify-store1' already exists.")


async def test_a_failure_can_be_injected_and_proves_what_was_sent(pbs):
    pbs.fake.fail('GET', '/admin/datastore/{store}/groups', status=503, message='service unavailable', times=1)
    assert await call(pbs, 'GET', '/admin/datastore/store1/groups') == (503, 'service unavailable',
                                                                       'application/json;charset=UTF-8')
    assert (await call(pbs, 'GET', '/admin/datastore/store1/groups'))[0] == 200
    assert [r[:2] for r in pbs.fake.requests[-2:]] == [('GET', '/api2/json/admin/datastore/store1/groups')] * 2


async def test_an_injected_failure_can_end_the_task_instead(pbs):
    pbs.fake.fail('POST', '/admin/datastore/{store}/gc', message='unable to get exclusive lock', in_task=True)
    upid = await data(pbs, 'POST', '/admin/datastore/store1/gc', data={})
    assert (await task_status(pbs, upid))['exitstatus'] == 'unable to get exclusive lock'


# ---------------------------------------------------------------- the whole schema

KNOWN_UPID = 'UPID:pbs:00001234:00ABCDEF:00000001:6B000000:verify:store1:root@pam:'


def _sample_request(schema_, template, info):
    """A path and parameters a real PBS would accept for this method."""
    props = (info.get('parameters') or {}).get('properties') or {}
    path = template
    for name in re.findall(r'\{([^}]+)\}', template):
        value = {'store': 'store1', 'node': 'pbs', 'name': 'store1', 'upid': KNOWN_UPID}.get(
            name, sample(props.get(name, {})))
        path = path.replace('{' + name + '}', str(value))
    params = {}
    for name, sch in props.items():
        if '{' + name + '}' in template or sch.get('optional'):
            continue
        value = sample(sch)
        params[name] = value if not isinstance(value, bool) else int(value)
    return path, params


async def test_every_rest_method_of_the_schema_answers_in_its_return_shape(pbs):
    schema_ = pbs.fake.schema
    failures = []
    async with aiohttp.ClientSession(headers={'Authorization': pbs.authorization}) as http:
        for method, template, info in schema_.methods():
            if template.startswith(('/backup', '/reader')) or info.get('method') in ('DOWNLOAD', 'UPLOAD'):
                continue
            path, params = _sample_request(schema_, template, info)
            kwargs = {'params': params} if method in ('GET', 'DELETE') else {'json': params}
            async with http.request(method, pbs.url + '/api2/json' + path, ssl=pbs.ssl_context(), **kwargs) as resp:
                text = await resp.text()
            if resp.status == 400 or (template == '/access/ticket' and resp.status == 401):
                continue  # refused for its state (no such job, a wrong password), in PBS's words
            if resp.status != 200:
                failures.append((method, template, resp.status, text))
                continue
            returns = info.get('returns') or {}
            value = json.loads(text)['data']
            if is_task(method, info):
                assert UPID_RE.match(value), (method, template, value)
            elif returns.get('type') not in (None, 'null'):
                try:
                    verify_value(returns, value)
                except (SchemaError, ParameterError) as exc:
                    failures.append((method, template, 'shape', str(exc)))
    assert failures == [], '\n'.join(map(repr, failures))
