"""Result bounding: PVE_RESULT_LIMIT (tokens, estimated from above by byte class) caps what one tool result may carry.

A list over the limit is cut to whole items, with structuredContent.truncated = {shown, total, notice}
and the notice ending the text; any other answer over the limit becomes its text's beginning plus the
notice, without structuredContent. Never an error, never silent. An invalid limit stops startup."""

import json

import pytest

import harness
from harness import error_text, ok_data, texts

pytestmark = pytest.mark.anyio

QEMU = '/nodes/{node}/qemu'
CONFIG = '/nodes/{node}/qemu/{vmid}/config'
RESOURCES = '/cluster/resources'
LIMIT_TOKENS = 500
EXTRA_VMS = 200


def add_many_vms(pve_env, count: int = EXTRA_VMS) -> None:
    for i in range(count):
        pve_env.pve.add_vm(1000 + i, 'bulk-vm-{0:03d}'.format(i), node=pve_env.node, status='stopped',
                           config={'cores': 1, 'memory': 512, 'ostype': 'l26'})


def limited_env(pve_env, limit=LIMIT_TOKENS, **extra):
    return pve_env.server_env(PVE_RESULT_LIMIT=str(limit), **extra)


def cut_list(result) -> tuple[list, dict]:
    """The items and the `truncated` report of a cut list, after checking the cut-list contract."""
    assert not result.is_error, 'a cut result is not an error: {0}'.format(texts(result))
    structured = result.structured_content
    assert isinstance(structured, dict) and set(structured) == {'data', 'truncated'}, \
        'a cut list carries data and truncated: {0!r}'.format(structured and sorted(structured))
    truncated = structured['truncated']
    assert set(truncated) == {'shown', 'total', 'notice'}, truncated
    return structured['data'], truncated


async def test_big_listing_is_cut_not_failed(pve_env, start_server):
    add_many_vms(pve_env)
    async with start_server(limited_env(pve_env)) as srv:
        items, truncated = cut_list(await srv.call('GET', QEMU, node=pve_env.node))
    assert 0 < truncated['shown'] < truncated['total']
    assert truncated['total'] == EXTRA_VMS + 2
    assert len(items) == truncated['shown']


async def test_cut_listing_keeps_whole_items_from_the_start(pve_env, start_server):
    add_many_vms(pve_env)
    async with start_server(pve_env.server_env()) as srv:
        whole = ok_data(await srv.call('GET', QEMU, node=pve_env.node))
    async with start_server(limited_env(pve_env)) as srv:
        items, truncated = cut_list(await srv.call('GET', QEMU, node=pve_env.node))
    key = lambda vm: (vm['vmid'], vm['name'], vm['status'])  # noqa: E731
    assert [key(vm) for vm in items] == [key(vm) for vm in whole[:truncated['shown']]]


async def test_cut_notice_names_pve_result_limit(pve_env, start_server):
    add_many_vms(pve_env)
    async with start_server(limited_env(pve_env)) as srv:
        _, truncated = cut_list(await srv.call('GET', QEMU, node=pve_env.node))
    notice = truncated['notice']
    assert 'PVE_RESULT_LIMIT' in notice
    assert str(truncated['shown']) in notice and str(truncated['total']) in notice


async def test_cut_text_is_the_shown_items_then_the_notice(pve_env, start_server):
    add_many_vms(pve_env)
    async with start_server(limited_env(pve_env)) as srv:
        result = await srv.call('GET', QEMU, node=pve_env.node)
    items, truncated = cut_list(result)
    text = result.content[0].text
    assert text.endswith(truncated['notice'])
    head = text[:-len(truncated['notice'])].rstrip('\n')
    assert json.loads(head) == items


async def test_cut_result_stays_near_the_limit(pve_env, start_server):
    add_many_vms(pve_env)
    async with start_server(limited_env(pve_env)) as srv:
        result = await srv.call('GET', QEMU, node=pve_env.node)
    items, truncated = cut_list(result)
    # The items shown fit the limit (a token is never priced above 4 bytes); the notice comes on top.
    assert len(json.dumps(items, separators=(',', ':')).encode()) <= LIMIT_TOKENS * 4
    assert len(result.content[0].text.encode()) <= LIMIT_TOKENS * 4 + len(truncated['notice'].encode()) + 1


async def test_cluster_resources_listing_is_cut_too(pve_env, start_server):
    add_many_vms(pve_env)
    async with start_server(limited_env(pve_env)) as srv:
        _, truncated = cut_list(await srv.call('GET', RESOURCES))
    assert 0 < truncated['shown'] < truncated['total']
    assert 'PVE_RESULT_LIMIT' in truncated['notice']


async def test_listing_through_pve_call_is_cut_the_same_way(pve_env, start_server, tools_doc):
    add_many_vms(pve_env)
    [name] = [r.name for r in tools_doc.rows if (r.method, r.path) == ('GET', QEMU)]
    async with start_server(limited_env(pve_env, PVE_TOOL_MODE='discover')) as srv:
        result = await srv.session.call_tool('pve_call', {'name': name, 'arguments': {'node': pve_env.node}},
                                             read_timeout_seconds=harness.REQUEST_TIMEOUT)
    _, truncated = cut_list(result)
    assert 0 < truncated['shown'] < truncated['total'] == EXTRA_VMS + 2
    assert result.content[0].text.endswith(truncated['notice'])


async def test_listing_under_the_default_limit_is_whole(pve_env, start_server):
    add_many_vms(pve_env)
    async with start_server(pve_env.server_env()) as srv:
        vms = ok_data(await srv.call('GET', QEMU, node=pve_env.node))
    assert len(vms) == EXTRA_VMS + 2


async def test_big_object_is_cut_to_text_without_a_structured_copy_of_the_data(pve_env, start_server):
    pve_env.pve.vm(101).config['description'] = 'x' * (LIMIT_TOKENS * 4 * 3)
    async with start_server(limited_env(pve_env)) as srv:
        result = await srv.call('GET', CONFIG, node=pve_env.node, vmid=101)
    assert not result.is_error, texts(result)
    # The tool declares an output schema, so its structure is there, holding only the notice.
    assert set(result.structured_content) == {'truncated'}, 'a cut non-list answer has no structured copy'
    text = '\n'.join(texts(result))
    assert 'PVE_RESULT_LIMIT' in text.splitlines()[-1]
    assert len(text.encode()) < LIMIT_TOKENS * 4 * 2


@pytest.mark.parametrize('value', ['abc', '-5', '0'])
def test_invalid_result_limit_stops_startup_naming_it(value):
    settings = {'PVE_BASE_URL': 'https://127.0.0.1:9', 'PVE_TOKEN_ID': 'root@pam!mcp',
                'PVE_TOKEN_SECRET': 'result-limit-test-secret', 'PVE_RESULT_LIMIT': value}
    done = harness.run_startup(settings)
    stderr = done.stderr.decode(errors='replace')
    assert done.returncode != 0, 'pve-mcp started with PVE_RESULT_LIMIT={0}'.format(value)
    assert done.stdout == b''
    assert 'PVE_RESULT_LIMIT' in stderr, stderr


async def test_error_results_are_not_affected_by_the_limit(pve_env, start_server):
    async with start_server(limited_env(pve_env)) as srv:
        text = error_text(await srv.call('GET', CONFIG, node=pve_env.node, vmid=999))
    assert 'does not exist' in text
