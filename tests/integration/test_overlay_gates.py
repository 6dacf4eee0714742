"""Confirmation gates: a destructive tool (docs/TOOLS.md, column "gate") runs only with `confirm: true` and
its target echoed back (`confirm_vmid` = vmid, `confirm_name` = the named argument). Without them the call
is refused, saying what to pass, and nothing reaches PVE. A client that declares the elicitation
capability is asked instead when no `confirm` is given."""

import re

import pytest

import harness


from harness import Asker, error_text, ok_data, ok_task

pytestmark = pytest.mark.anyio

QEMU = '/nodes/{node}/qemu'
VM = '/nodes/{node}/qemu/{vmid}'
BULK_START = '/cluster/bulk-action/guest/start'
SNAPSHOTS = '/nodes/{node}/qemu/{vmid}/snapshot'
SNAPSHOT = '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}'
GATE_RE = re.compile(r'^`confirm`(?: \+ `(confirm_vmid|confirm_name)`(?:=(\S+))?)?(?: if `([^`]+)`(?: names `[^`]+`)?)?'
                     r' \(([^()]+)\)$')


def gated_rows(tools_doc):
    """The gated tools of docs/TOOLS.md that the suite's API token login is offered (not the methods PVE
    closes to tokens)."""
    closed = harness.closed_to_tokens()
    rows = [r for r in tools_doc.rows if r.gate and (r.method, r.path) not in closed]
    assert rows, 'docs/TOOLS.md names no gated tool'
    return rows


async def refused_and_nothing_sent(pve_env, srv, method, path, **arguments) -> str:
    before = pve_env.request_count()
    text = error_text(await srv.call(method, path, **arguments))
    assert pve_env.requests_since(before) == [], 'a refused call must send nothing'
    return text


async def refused_and_nothing_written(pve_env, srv, method, path, **arguments) -> str:
    """Refused after asking a person: only reads of the live target (for the question) went to PVE."""
    before = pve_env.request_count()
    text = error_text(await srv.call(method, path, **arguments))
    writes = [(m, p) for m, p, _ in pve_env.requests_since(before) if m != 'GET']
    assert writes == [], 'a refused call must write nothing: {0}'.format(writes)
    return text


async def take_snapshot(pve_env, srv, vmid: int, name: str) -> None:
    ok_task(await srv.call('POST', SNAPSHOTS, node=pve_env.node, vmid=vmid, snapname=name))
    assert name in pve_env.pve.vm(vmid).snapshots


# ------------------------------------------------------------------ what tools/list says

async def test_gated_tools_offer_confirm_and_the_echo_argument(pve_env, start_server, tools_doc):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        tools = dict((t.name, t) for t in srv.tools)
    problems = []
    for row in gated_rows(tools_doc):
        found = GATE_RE.match(row.gate)
        assert found, 'unreadable gate column for {0}: {1!r}'.format(row.name, row.gate)
        echo = found.group(1)
        props = (tools[row.name].input_schema or {}).get('properties') or {}
        if props.get('confirm', {}).get('type') != 'boolean':
            problems.append('{0}: no boolean `confirm`'.format(row.name))
        if echo and echo not in props:
            problems.append('{0}: no `{1}`'.format(row.name, echo))
        target = found.group(2)
        if target and target not in props:
            problems.append('{0}: gate target `{1}` is not an argument'.format(row.name, target))
    assert not problems, problems


async def test_gated_tools_are_annotated_destructive(pve_env, start_server, tools_doc):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        tools = dict((t.name, t) for t in srv.tools)
    not_destructive = [r.name for r in gated_rows(tools_doc)
                       if not (tools[r.name].annotations and tools[r.name].annotations.destructive_hint is True)]
    assert not not_destructive, 'gated tools without destructiveHint true: {0}'.format(not_destructive)


async def test_ungated_tools_offer_no_echo_argument(pve_env, start_server, tools_doc):
    gated = set(r.name for r in gated_rows(tools_doc))
    async with start_server(pve_env.server_env(tier='full')) as srv:
        extra = [t.name for t in srv.tools if t.name not in gated
                 and set((t.input_schema or {}).get('properties') or {}) & {'confirm_vmid', 'confirm_name'}]
    assert not extra, extra


async def test_gated_vm_delete_describes_the_confirmation(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        tool = srv.tool('DELETE', VM)
    assert 'confirm' in tool.description and 'confirm_vmid' in tool.description


# ------------------------------------------------------------------ refusals (no elicitation)

async def test_gated_delete_without_confirmation_says_what_to_pass_and_sends_nothing(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'DELETE', VM, node=pve_env.node, vmid=101)
    assert 'confirm' in text and 'confirm_vmid' in text and '101' in text
    assert pve_env.pve.vm(101) is not None


async def test_gated_delete_with_a_wrong_echoed_vmid_is_refused(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'DELETE', VM, node=pve_env.node, vmid=101,
                                              confirm=True, confirm_vmid=100)
    assert 'confirm_vmid' in text
    assert pve_env.pve.vm(101) is not None and pve_env.pve.vm(100) is not None


async def test_gated_delete_with_confirm_but_no_echo_is_refused(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'DELETE', VM, node=pve_env.node, vmid=101, confirm=True)
    assert 'confirm_vmid' in text
    assert pve_env.pve.vm(101) is not None


async def test_gated_delete_with_confirm_false_is_refused(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        await refused_and_nothing_sent(pve_env, srv, 'DELETE', VM, node=pve_env.node, vmid=101,
                                       confirm=False, confirm_vmid=101)
    assert pve_env.pve.vm(101) is not None


@pytest.mark.parametrize('echo', [101, '101'])
async def test_gated_delete_with_the_right_confirmation_deletes_the_vm(pve_env, start_server, echo):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        before = pve_env.request_count()
        task = ok_task(await srv.call('DELETE', VM, node=pve_env.node, vmid=101, confirm=True, confirm_vmid=echo))
        sent = pve_env.requests_since(before)
    assert task['type'] == 'qmdestroy' and task['exitstatus'] == 'OK'
    assert sent[0][:2] == ('DELETE', '/api2/json/nodes/{0}/qemu/101'.format(pve_env.node))
    assert pve_env.pve.vm(101) is None
    assert pve_env.pve.vm(100) is not None


async def test_gate_arguments_are_not_sent_to_pve(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        await take_snapshot(pve_env, srv, 101, 'good')
        before = pve_env.request_count()
        ok_task(await srv.call('POST', SNAPSHOT + '/rollback', node=pve_env.node, vmid=101, snapname='good',
                               confirm=True, confirm_name='good'))
        method, path, body = pve_env.requests_since(before)[0]
    assert (method, path) == ('POST', '/api2/json/nodes/{0}/qemu/101/snapshot/good/rollback'.format(pve_env.node))
    body = body.decode(errors='replace') if isinstance(body, bytes) else str(body or '')
    assert 'confirm' not in body, body


async def test_snapshot_delete_without_confirm_name_is_refused(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        await take_snapshot(pve_env, srv, 101, 'before-upgrade')
        text = await refused_and_nothing_sent(pve_env, srv, 'DELETE', SNAPSHOT, node=pve_env.node, vmid=101,
                                              snapname='before-upgrade', confirm=True)
    assert 'confirm_name' in text and 'before-upgrade' in text
    assert 'before-upgrade' in pve_env.pve.vm(101).snapshots


async def test_snapshot_delete_with_another_name_is_refused(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        await take_snapshot(pve_env, srv, 101, 'before-upgrade')
        await take_snapshot(pve_env, srv, 101, 'after-upgrade')
        await refused_and_nothing_sent(pve_env, srv, 'DELETE', SNAPSHOT, node=pve_env.node, vmid=101,
                                       snapname='before-upgrade', confirm=True, confirm_name='after-upgrade')
    assert set(pve_env.pve.vm(101).snapshots) == {'before-upgrade', 'after-upgrade'}


async def test_snapshot_delete_with_confirm_name_deletes_the_snapshot(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        await take_snapshot(pve_env, srv, 101, 'before-upgrade')
        ok_task(await srv.call('DELETE', SNAPSHOT, node=pve_env.node, vmid=101, snapname='before-upgrade',
                               confirm=True, confirm_name='before-upgrade'))
        listed = ok_data(await srv.call('GET', SNAPSHOTS, node=pve_env.node, vmid=101))
    assert 'before-upgrade' not in pve_env.pve.vm(101).snapshots
    assert [s['name'] for s in listed] == ['current']


async def test_restore_over_an_existing_vm_needs_confirmation(pve_env, start_server):
    # qemu create is gated only with `force` (overwrite an existing VM).
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'POST', QEMU, node=pve_env.node, vmid=101, force=True,
                                              archive='local:backup/vzdump-qemu-101.vma.zst')
    assert 'confirm_vmid' in text
    assert pve_env.pve.vm(101).name == 'db'


async def test_create_without_force_needs_no_confirmation(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        ok_task(await srv.call('POST', QEMU, node=pve_env.node, vmid=130, name='fresh', cores=1))
    assert pve_env.pve.vm(130) is not None


async def test_gate_without_a_target_needs_only_confirm(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'POST', BULK_START, vms=[101])
        assert 'confirm' in text
        before = pve_env.request_count()
        result = await srv.call('POST', BULK_START, vms=[101], confirm=True)
        sent = [(m, p) for m, p, _ in pve_env.requests_since(before)]
    assert sent and sent[0] == ('POST', '/api2/json/cluster/bulk-action/guest/start'), sent
    assert not result.is_error, result.content


async def test_ungated_write_needs_no_confirmation(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        await take_snapshot(pve_env, srv, 101, 'plain')


# ------------------------------------------------------------------ elicitation



async def test_elicitation_accept_deletes_the_vm(pve_env, start_server):
    asker = Asker('accept', {'confirm': True})
    async with start_server(pve_env.server_env(tier='full'), elicitation_callback=asker) as srv:
        task = ok_task(await srv.call('DELETE', VM, node=pve_env.node, vmid=101))
    assert task['type'] == 'qmdestroy'
    assert len(asker.asked) == 1
    assert '101' in asker.asked[0].message
    assert pve_env.pve.vm(101) is None


async def test_elicitation_accept_deletes_a_snapshot(pve_env, start_server):
    asker = Asker('accept', {'confirm': True})
    async with start_server(pve_env.server_env(tier='full'), elicitation_callback=asker) as srv:
        await take_snapshot(pve_env, srv, 101, 'old')
        ok_task(await srv.call('DELETE', SNAPSHOT, node=pve_env.node, vmid=101, snapname='old'))
    assert len(asker.asked) == 1 and 'old' in asker.asked[0].message
    assert 'old' not in pve_env.pve.vm(101).snapshots


async def test_elicitation_asks_for_a_boolean_confirm(pve_env, start_server):
    asker = Asker('decline')
    async with start_server(pve_env.server_env(tier='full'), elicitation_callback=asker) as srv:
        error_text(await srv.call('DELETE', VM, node=pve_env.node, vmid=101))
    schema = asker.asked[0].requested_schema
    schema = schema if isinstance(schema, dict) else schema.model_dump(by_alias=True, exclude_none=True)
    assert schema['properties']['confirm']['type'] == 'boolean'
    assert 'confirm' in schema.get('required', [])


@pytest.mark.parametrize('action, content', [('decline', None), ('cancel', None), ('accept', {'confirm': False})])
async def test_elicitation_not_accepted_refuses_and_sends_nothing(pve_env, start_server, action, content):
    asker = Asker(action, content)
    async with start_server(pve_env.server_env(tier='full'), elicitation_callback=asker) as srv:
        text = await refused_and_nothing_written(pve_env, srv, 'DELETE', VM, node=pve_env.node, vmid=101)
    assert len(asker.asked) == 1
    assert 'did not confirm' in text
    assert pve_env.pve.vm(101) is not None


async def test_elicitation_is_not_used_when_the_call_confirms(pve_env, start_server):
    asker = Asker('decline')
    async with start_server(pve_env.server_env(tier='full'), elicitation_callback=asker) as srv:
        ok_task(await srv.call('DELETE', VM, node=pve_env.node, vmid=101, confirm=True, confirm_vmid=101))
    assert asker.asked == []
    assert pve_env.pve.vm(101) is None


async def test_elicitation_does_not_override_a_wrong_echo(pve_env, start_server):
    asker = Asker('accept', {'confirm': True})
    async with start_server(pve_env.server_env(tier='full'), elicitation_callback=asker) as srv:
        await refused_and_nothing_sent(pve_env, srv, 'DELETE', VM, node=pve_env.node, vmid=101,
                                       confirm=True, confirm_vmid=100)
    assert asker.asked == []
    assert pve_env.pve.vm(101) is not None


async def test_elicitation_is_not_used_when_an_allowlist_refuses(pve_env, start_server):
    asker = Asker('accept', {'confirm': True})
    settings = pve_env.server_env(tier='full', PVE_VMID_ALLOWLIST='100')
    async with start_server(settings, elicitation_callback=asker) as srv:
        text = await refused_and_nothing_sent(pve_env, srv, 'DELETE', VM, node=pve_env.node, vmid=101)
    assert 'PVE_VMID_ALLOWLIST' in text
    assert asker.asked == []
    assert pve_env.pve.vm(101) is not None


async def test_elicitation_is_not_used_for_ungated_tools(pve_env, start_server):
    asker = Asker('decline')
    async with start_server(pve_env.server_env(tier='full'), elicitation_callback=asker) as srv:
        await take_snapshot(pve_env, srv, 101, 'plain')
    assert asker.asked == []
