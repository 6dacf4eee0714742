"""An empty list is not always "nothing there" (issue 32, item 6): PVE leaves out the guests, storages
and pools the login may not audit. When a listing comes back without such rows and the login's
permissions (GET /access/permissions) do not cover them, the result says so, naming the privilege and
the path; pve_whoami says when the login holds no privileges at all. Against fakepve's ACL model."""

import json

import pytest

from harness import ok_data

pytestmark = pytest.mark.anyio

TOKEN = 'mcp@pve!narrow'
SECRET = '66666666-7777-8888-9999-000000000000'


def narrow(pve_env, *grants):
    """A token holding only `grants` ((path, privilege...) tuples), at the read-only tier."""
    pve = pve_env.pve
    pve.apitokens[TOKEN] = SECRET
    pve.grant('someone@pve', '/', 'Sys.Audit')  # the ACL is on: other logins hold only what is granted
    for path, *privileges in grants:
        pve.grant(TOKEN, path, *privileges)
    return pve_env.server_env(tier='read-only', PVE_TOKEN_ID=TOKEN, PVE_TOKEN_SECRET=SECRET)


def listing(result):
    """The structured content of a successful listing with a note: its text copy is the same JSON."""
    assert not result.is_error, result
    assert json.loads(result.content[0].text) == result.structured_content, result
    return result.structured_content


async def test_an_empty_guest_list_without_vm_audit_names_the_privilege_and_the_path(pve_env, start_server):
    async with start_server(narrow(pve_env, ('/', 'Sys.Audit', 'Datastore.Audit'))) as srv:
        answer = listing(await srv.call('GET', '/nodes/{node}/qemu', node=pve_env.node))
    assert answer['data'] == []
    notice = answer['unseen']['notice']
    assert 'VM.Audit on /vms/<vmid>' in notice and TOKEN + ' holds it on no path' in notice, notice


async def test_cluster_resources_with_nodes_but_no_guests_says_why(pve_env, start_server):
    async with start_server(narrow(pve_env, ('/', 'Sys.Audit', 'Datastore.Audit'))) as srv:
        answer = listing(await srv.call('GET', '/cluster/resources'))
    assert answer['data'] and not [r for r in answer['data'] if r.get('type') in ('qemu', 'lxc')], answer
    assert 'guests' in answer['unseen']['notice'] and 'VM.Audit' in answer['unseen']['notice']


async def test_a_login_auditing_one_guest_is_told_the_others_are_not_listed(pve_env, start_server):
    async with start_server(narrow(pve_env, ('/', 'Sys.Audit'), ('/vms/100', 'VM.Audit'))) as srv:
        answer = listing(await srv.call('GET', '/nodes/{node}/lxc', node=pve_env.node))
    assert answer['data'] == []
    assert 'only on /vms/100' in answer['unseen']['notice'], answer


async def test_an_empty_list_the_login_may_see_whole_has_no_note(pve_env, start_server):
    async with start_server(narrow(pve_env, ('/', 'Pool.Audit', 'Sys.Audit'))) as srv:
        assert ok_data(await srv.call('GET', '/pools')) == []


async def test_whoami_says_when_the_login_holds_no_privileges(pve_env, start_server):
    async with start_server(narrow(pve_env)) as srv:
        data = ok_data(await srv.call_name('pve_whoami', {}))
        answer = listing(await srv.call('GET', '/nodes/{node}/qemu', node=pve_env.node))
    assert 'holds no privileges in PVE' in data['no_privileges'], data
    assert 'holds no privileges in PVE' in answer['unseen']['notice'], answer
