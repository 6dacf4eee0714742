"""The MCP surface beyond tools: resources, prompts, completion from live data, and what the login may do
(`pve_whoami`, PVE_HIDE_UNPERMITTED), through the real binary with the official MCP client."""

import json

import pytest
from mcp.shared.exceptions import MCPError
from mcp.types import PromptReference, ResourceTemplateReference

import harness

pytestmark = pytest.mark.anyio

LIMITED_TOKEN = 'mcp@pve!limited'
LIMITED_SECRET = '11111111-2222-3333-4444-555555555555'


def resource_json(result):
    """The JSON of a resources/read answer's one text content."""
    assert len(result.contents) == 1, result
    return json.loads(result.contents[0].text)


# ------------------------------------------------------------------ capabilities

async def test_the_server_declares_resources_prompts_and_completions(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        caps = srv.init.capabilities
    assert caps.resources is not None and caps.prompts is not None and caps.completions is not None


async def test_instructions_mention_resources_and_prompts(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        text = srv.init.instructions or ''
    assert 'pve://cluster/overview' in text and 'health_check' in text


# ------------------------------------------------------------------ resources

async def test_resources_list_has_the_cluster_overview(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        listed = await srv.session.list_resources()
    assert [str(r.uri) for r in listed.resources] == ['pve://cluster/overview']


async def test_the_overview_has_nodes_guests_and_storage(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        overview = resource_json(await srv.session.read_resource('pve://cluster/overview'))
    assert [n['node'] for n in overview['nodes']] == ['pve1']
    assert {g['vmid'] for g in overview['guests']} == {100, 101, 200}
    assert overview['storage'], overview


async def test_templates_cover_node_guest_storage_and_task(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        templates = await srv.session.list_resource_templates()
    uris = {t.uri_template for t in templates.resource_templates}
    assert uris == {'pve://nodes/{node}', 'pve://nodes/{node}/guests/{vmid}',
                    'pve://nodes/{node}/storage/{storage}/content', 'pve://tasks/{upid}'}


async def test_the_guest_template_reads_vm_100s_configuration(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        guest = resource_json(await srv.session.read_resource('pve://nodes/pve1/guests/100'))
    assert guest['type'] == 'qemu'
    assert guest['config']['name'] == 'web'
    assert guest['status']['status'] == 'running'


async def test_the_guest_template_reads_a_container_too(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        guest = resource_json(await srv.session.read_resource('pve://nodes/pve1/guests/200'))
    assert guest['type'] == 'lxc'
    assert guest['config']['memory'] == 512


async def test_resources_are_read_through_the_allowlist(pve_env, start_server):
    async with start_server(pve_env.server_env(PVE_VMID_ALLOWLIST='100')) as srv:
        overview = resource_json(await srv.session.read_resource('pve://cluster/overview'))
        before = pve_env.request_count()
        with pytest.raises(MCPError) as refused:
            await srv.session.read_resource('pve://nodes/pve1/guests/101')
    assert {g['vmid'] for g in overview['guests']} == {100}
    assert '101' in refused.value.error.message
    assert not [r for r in pve_env.requests_since(before) if '/qemu/101' in r[1]], 'nothing is sent for VM 101'


async def test_an_unknown_resource_is_refused_naming_it(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        with pytest.raises(MCPError) as refused:
            await srv.session.read_resource('pve://nowhere/at/all')
    assert 'pve://nowhere/at/all' in refused.value.error.message


# ------------------------------------------------------------------ prompts

async def test_prompts_list_has_the_four_workflows(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        prompts = await srv.session.list_prompts()
    assert {p.name for p in prompts.prompts} == {'health_check', 'task_failure', 'capacity_report',
                                                 'least_privilege_token'}


async def test_prompts_get_fills_in_the_arguments(pve_env, start_server):
    upid = 'UPID:pve1:00001234:00005678:65A0B1C2:qmstart:100:root@pam:'
    async with start_server(pve_env.server_env()) as srv:
        got = await srv.session.get_prompt('task_failure', {'upid': upid})
    text = got.messages[0].content.text
    assert upid in text and 'node_tasks_log_list' in text


async def test_a_prompt_without_its_required_argument_is_refused_naming_it(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        with pytest.raises(MCPError) as refused:
            await srv.session.get_prompt('capacity_report', {})
    assert '`memory_gib`' in refused.value.error.message


# ------------------------------------------------------------------ completion

async def test_completing_vmid_offers_the_live_guests(pve_env, start_server):
    ref = ResourceTemplateReference(type='ref/resource', uri='pve://nodes/{node}/guests/{vmid}')
    async with start_server(pve_env.server_env()) as srv:
        done = await srv.session.complete(ref, {'name': 'vmid', 'value': '10'})
    assert done.completion.values == ['100', '101']


async def test_completing_vmid_respects_the_allowlist(pve_env, start_server):
    ref = ResourceTemplateReference(type='ref/resource', uri='pve://nodes/{node}/guests/{vmid}')
    async with start_server(pve_env.server_env(PVE_VMID_ALLOWLIST='100')) as srv:
        done = await srv.session.complete(ref, {'name': 'vmid', 'value': '10'})
    assert done.completion.values == ['100']


async def test_completing_node_and_prompt_arguments(pve_env, start_server):
    async with start_server(pve_env.server_env()) as srv:
        nodes = await srv.session.complete(PromptReference(type='ref/prompt', name='health_check'),
                                           {'name': 'node', 'value': 'p'})
        tiers = await srv.session.complete(PromptReference(type='ref/prompt', name='least_privilege_token'),
                                           {'name': 'tier', 'value': 'read'})
    assert nodes.completion.values == ['pve1']
    assert tiers.completion.values == ['read-only', 'read-execute']


async def test_completion_answers_empty_when_pve_is_slow(pve_env, start_server):
    ref = ResourceTemplateReference(type='ref/resource', uri='pve://nodes/{node}/guests/{vmid}')
    async with start_server(pve_env.server_env()) as srv:
        pve_env.pve.flaky_network(hang_rate=1.0, hang_secs=4)
        done = await srv.session.complete(ref, {'name': 'vmid', 'value': '1'})
    assert done.completion.values == []


# ------------------------------------------------------------------ what the login may do

async def test_whoami_reports_the_token_tier_and_permissions(pve_env, start_server):
    async with start_server(pve_env.server_env(PVE_VMID_ALLOWLIST='100-199')) as srv:
        result = await srv.call_name('pve_whoami', {})
    data = harness.ok_data(result)
    assert data['identity'] == 'root@pam!mcp' and data['login'] == 'api-token'
    assert data['tier'] == 'read-only'
    assert data['allowlists'] == {'nodes': 'all', 'vmids': ['100-199']}
    assert 'VM.PowerMgmt' in data['permissions']['/']


def limited(pve_env):
    """A token holding only audit privileges: it can read but not start or stop guests."""
    pve = pve_env.pve
    pve.apitokens[LIMITED_TOKEN] = LIMITED_SECRET
    pve.grant(LIMITED_TOKEN, '/', 'VM.Audit', 'Sys.Audit', 'Datastore.Audit')
    return pve_env.server_env(tier='read-execute', PVE_TOKEN_ID=LIMITED_TOKEN, PVE_TOKEN_SECRET=LIMITED_SECRET)


async def test_hide_unpermitted_leaves_out_what_the_token_cannot_do(pve_env, start_server):
    async with start_server({**limited(pve_env), 'PVE_HIDE_UNPERMITTED': 'true'}) as srv:
        names = {t.name for t in srv.tools}
    assert 'qemu_vm_start' not in names
    assert 'qemu_vm_list' in names


async def test_without_hide_unpermitted_every_tool_of_the_tier_is_listed(pve_env, start_server):
    async with start_server(limited(pve_env)) as srv:
        names = {t.name for t in srv.tools}
    assert 'qemu_vm_start' in names


async def test_hidden_tools_are_not_found_by_search(pve_env, start_server):
    env = {**limited(pve_env), 'PVE_HIDE_UNPERMITTED': 'true', 'PVE_TOOL_MODE': 'discover'}
    async with start_server(env) as srv:
        found = harness.ok_data(await srv.call_name('pve_search', {'query': 'start a virtual machine'}))
    assert 'qemu_vm_start' not in [hit['name'] for hit in found]


async def test_whoami_of_a_limited_token_shows_its_privileges(pve_env, start_server):
    async with start_server(limited(pve_env)) as srv:
        data = harness.ok_data(await srv.call_name('pve_whoami', {}))
    assert data['identity'] == LIMITED_TOKEN
    assert 'VM.PowerMgmt' not in data['permissions']['/']
    assert data['tools_the_login_cannot_pass'] > 0
