"""A Backup Server beside the PVE in code mode (issue 28).

One server with fakepve and the fake PBS (`pbs_env`): `pve_run` lists a datastore's backup groups and
verifies one, waiting for the task's real end; `pve_describe` and `pve_search` give PBS signatures
only when a PBS is configured.

Tools are named from docs/TOOLS.md, never written here.
"""

import pytest

from harness import error_text, pbs_tools_doc

pytestmark = pytest.mark.anyio

GROUPS = ('GET', '/admin/datastore/{store}/groups')
VERIFY = ('POST', '/admin/datastore/{store}/verify')


def name_of(_tools_doc, method: str, path: str) -> str:
    # PBS's rows are in docs/TOOLS.md's Backup Server part, not in PVE's table.
    found = [r.name for r in pbs_tools_doc().rows if (r.method, r.path) == (method, path) and r.name.startswith('pbs_')]
    assert len(found) == 1, 'docs/TOOLS.md has {0} PBS rows for {1} {2}'.format(len(found), method, path)
    return found[0]


def with_pbs(pve_env, pbs_env, mode='code', tier='full', **extra):
    return pve_env.server_env(tier=tier, PVE_TOOL_MODE=mode, PBS_URL=pbs_env.url, PBS_TOKEN_ID=pbs_env.token_id,
                              PBS_TOKEN_SECRET=pbs_env.token_secret, PBS_CA_FILE=pbs_env.ca_file, **extra)


def ran(result) -> dict:
    assert not result.is_error, 'the run failed: {0}'.format([c.text for c in result.content])
    return result.structured_content


async def test_a_program_lists_a_datastores_groups_and_verifies_one(pve_env, pbs_env, start_server, tools_doc):
    groups, verify = name_of(tools_doc, *GROUPS), name_of(tools_doc, *VERIFY)
    code = '\n'.join([
        'const groups = await pve.call({0!r}, {{store: "store1"}});'.format(groups),
        'const vm = groups.find(g => g["backup-type"] === "vm" && g["backup-id"] === "100");',
        'const report = await pve.{0}({{store: "store1", "backup-type": "vm", "backup-id": "100"}});'.format(verify),
        'return {groups: groups.map(g => g["backup-type"] + "/" + g["backup-id"]).sort(), '
        'count: vm["backup-count"], exit: report.exitstatus};',
    ])
    async with start_server(with_pbs(pve_env, pbs_env)) as srv:
        answer = ran(await srv.call_name('pve_run', {'code': code}))
    assert answer["data"]["groups"] == ['ct/200', 'host/backup-server', 'vm/100', 'vm/101']
    assert answer['data']['count'] == 3
    assert answer['data']['exit'] == 'OK'
    verifies = [r for r in pbs_env.fake.requests if r[0] == 'POST' and r[1].endswith('/admin/datastore/store1/verify')]
    assert len(verifies) == 1


async def test_describe_gives_a_pbs_signature_when_a_pbs_is_configured(pve_env, pbs_env, start_server, tools_doc):
    verify = name_of(tools_doc, *VERIFY)
    async with start_server(with_pbs(pve_env, pbs_env)) as srv:
        result = await srv.call_name('pve_describe', {'names': [verify]})
    [entry] = result.structured_content['data']
    assert entry['signature'].startswith('/** Verify backups.')
    assert '{0}(args: {{'.format(verify) in entry['signature'] and 'Promise<TaskReport>' in entry['signature']


async def test_a_pve_only_server_gives_no_pbs_signature(pve_env, start_server, tools_doc):
    verify = name_of(tools_doc, *VERIFY)
    async with start_server(pve_env.server_env(tier='full', PVE_TOOL_MODE='code')) as srv:
        described = (await srv.call_name('pve_describe', {'names': [verify]})).structured_content
        found = (await srv.call_name('pve_search', {'query': 'verify the backups of a datastore'})).structured_content
        ran = await srv.call_name('pve_run', {'code': 'return await pve.{0}({{store: "store1"}});'.format(verify)})
    assert described['data'] == [] and described['unknown'] == [verify]
    assert not [hit for hit in found['data'] if hit['name'].startswith('pbs_')]
    assert 'unknown tool' in error_text(ran)


async def test_whoami_reads_the_backup_servers_own_permissions(pve_env, pbs_env, start_server):
    async with start_server(with_pbs(pve_env, pbs_env, mode='direct')) as srv:
        before = pbs_env.request_count()
        result = await srv.call_name('pve_whoami', {})
    by_product = {entry['product']: entry for entry in result.structured_content['data']}
    assert set(by_product) == {'pve', 'pbs'}
    assert by_product['pbs']['identity'] == pbs_env.token_id
    asked = [r for r in pbs_env.requests_since(before) if r[0] == 'GET' and r[1].endswith('/access/permissions')]
    assert len(asked) == 1
    # The fake PBS answers with no ACL entries: the note speaks of the Backup Server, not of PVE.
    assert 'holds no privileges in PBS' in by_product['pbs']['no_privileges']


async def test_a_code_mode_search_hit_gives_a_pbs_signature(pve_env, pbs_env, start_server, tools_doc):
    verify = name_of(tools_doc, *VERIFY)
    async with start_server(with_pbs(pve_env, pbs_env)) as srv:
        found = (await srv.call_name('pve_search', {'query': 'verify the backups in datastore store1'})).structured_content
    [hit] = [h for h in found['data'] if h['name'] == verify]
    assert '{0}(args: {{'.format(verify) in hit['signature'] and 'store: string' in hit['signature'], hit
