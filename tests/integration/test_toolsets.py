"""Runtime toolsets: with PVE_DYNAMIC_TOOLSETS=true the server offers pve_toolsets, which enables or
disables categories for the session and announces it with notifications/tools/list_changed. A session
can never go beyond the server's PVE_CATEGORIES nor its PVE_ACCESS_TIER. Without the setting there is no
pve_toolsets."""

import anyio
import pytest

from mcp import types

import harness
from harness import error_text, ok_data

pytestmark = pytest.mark.anyio

TOOLSETS = 'pve_toolsets'
LXC = '/nodes/{node}/lxc'
API = '/api2/json'
NOTICE_TIMEOUT = 5.0


def toolsets_env(pve_env, **extra):
    """Read-only, direct, categories qemu and lxc, pve_toolsets on; `extra` overrides (None removes)."""
    settings = dict(PVE_TOOL_MODE='direct', PVE_CATEGORIES='qemu,lxc', PVE_DYNAMIC_TOOLSETS='true')
    settings.update(extra)
    return pve_env.server_env(tier='read-only', **settings)


def categories(tools) -> set[str]:
    return set(harness.meta(t).get(harness.META_CATEGORY) for t in tools if t.name != TOOLSETS)


def sent_since(pve_env, before: int):
    """Requests since `before`, leaving out the server's one-off background read of /version."""
    return [r for r in pve_env.requests_since(before) if (r[0], r[1]) != ('GET', API + '/version')]


class ListChanges:
    """A message_handler counting notifications/tools/list_changed."""

    def __init__(self):
        self.count = 0
        self._event = anyio.Event()

    async def __call__(self, message):
        if isinstance(message, types.ToolListChangedNotification):
            self.count += 1
            self._event.set()

    async def wait(self):
        with anyio.fail_after(NOTICE_TIMEOUT):
            await self._event.wait()
        self._event = anyio.Event()


async def toolsets(srv, **arguments):
    return await srv.call_name(TOOLSETS, arguments)


async def listed(srv):
    return await harness.list_all_tools(srv.session)


async def test_toolsets_tool_is_listed_when_enabled(pve_env, start_server):
    async with start_server(toolsets_env(pve_env)) as srv:
        assert TOOLSETS in [t.name for t in srv.tools]
        assert categories(srv.tools) == {'qemu', 'lxc'}


async def test_server_declares_tools_list_changed_when_enabled(pve_env, start_server):
    async with start_server(toolsets_env(pve_env)) as srv:
        tools = srv.init.capabilities.tools
    assert tools is not None and tools.list_changed is True


async def test_disabling_a_category_sends_list_changed(pve_env, start_server):
    changes = ListChanges()
    async with start_server(toolsets_env(pve_env), message_handler=changes) as srv:
        ok_data(await toolsets(srv, disable=['lxc']))
        await changes.wait()
    assert changes.count == 1


async def test_disabling_a_category_removes_its_tools(pve_env, start_server):
    async with start_server(toolsets_env(pve_env)) as srv:
        answer = ok_data(await toolsets(srv, disable=['lxc']))
        tools = await listed(srv)
    assert categories(tools) == {'qemu'}
    assert TOOLSETS in [t.name for t in tools], 'pve_toolsets stays, to enable categories again'
    assert answer['categories'] == ['qemu']
    assert answer['tools'] == len(tools)


async def test_tool_of_a_disabled_category_cannot_be_called(pve_env, start_server):
    async with start_server(toolsets_env(pve_env)) as srv:
        name = srv.tool('GET', LXC).name
        ok_data(await toolsets(srv, disable=['lxc']))
        before = pve_env.request_count()
        await srv.refusal(name, {'node': pve_env.node})
        assert sent_since(pve_env, before) == []


async def test_enabling_a_category_outside_pve_categories_is_refused(pve_env, start_server):
    changes = ListChanges()
    async with start_server(toolsets_env(pve_env), message_handler=changes) as srv:
        text = error_text(await toolsets(srv, enable=['storage']))
        tools = await listed(srv)
    assert 'storage' in text and 'PVE_CATEGORIES' in text
    assert categories(tools) == {'qemu', 'lxc'}
    assert sorted(t.name for t in tools) == sorted(t.name for t in srv.tools)
    assert changes.count == 0, 'nothing changed, so no tools/list_changed'


async def test_refused_enable_leaves_the_disables_undone_too(pve_env, start_server):
    async with start_server(toolsets_env(pve_env)) as srv:
        error_text(await toolsets(srv, enable=['storage'], disable=['lxc']))
        tools = await listed(srv)
    assert categories(tools) == {'qemu', 'lxc'}


async def test_unknown_category_is_an_error_naming_it(pve_env, start_server):
    async with start_server(toolsets_env(pve_env)) as srv:
        text = error_text(await toolsets(srv, disable=['vms']))
        tools = await listed(srv)
    assert 'vms' in text
    assert categories(tools) == {'qemu', 'lxc'}


async def test_reenabling_a_category_brings_its_tools_back(pve_env, start_server):
    async with start_server(toolsets_env(pve_env)) as srv:
        first = sorted(t.name for t in srv.tools)
        ok_data(await toolsets(srv, disable=['lxc']))
        ok_data(await toolsets(srv, enable=['lxc']))
        tools = await listed(srv)
    assert sorted(t.name for t in tools) == first


async def test_reenabled_category_brings_no_write_tools(pve_env, start_server):
    async with start_server(toolsets_env(pve_env)) as srv:
        ok_data(await toolsets(srv, disable=['lxc']))
        ok_data(await toolsets(srv, enable=['lxc']))
        tools = await listed(srv)
    lxc = [t for t in tools if harness.meta(t).get(harness.META_CATEGORY) == 'lxc']
    assert lxc
    above = [t.name for t in lxc if harness.meta(t)[harness.META_METHOD] != 'GET'
             or harness.meta(t)[harness.META_TIER] != 'read-only']
    assert not above, 'the tier stays read-only: {0}'.format(above)


async def test_reenabling_sends_list_changed_again(pve_env, start_server):
    changes = ListChanges()
    async with start_server(toolsets_env(pve_env), message_handler=changes) as srv:
        ok_data(await toolsets(srv, disable=['lxc']))
        await changes.wait()
        ok_data(await toolsets(srv, enable=['lxc']))
        await changes.wait()
    assert changes.count == 2


async def test_toolsets_in_discover_mode_narrow_search(pve_env, start_server):
    async with start_server(toolsets_env(pve_env, PVE_TOOL_MODE='discover')) as srv:
        ok_data(await toolsets(srv, disable=['lxc']))
        hits = ok_data(await srv.call_name('pve_search', {'query': 'list containers', 'limit': 25}))
    assert hits and all(h['category'] == 'qemu' for h in hits), [(h['name'], h['category']) for h in hits]


async def test_toolsets_tool_is_absent_without_the_setting(pve_env, start_server):
    async with start_server(toolsets_env(pve_env, PVE_DYNAMIC_TOOLSETS=None)) as srv:
        assert TOOLSETS not in [t.name for t in srv.tools]


async def test_calling_toolsets_without_the_setting_is_an_error(pve_env, start_server):
    async with start_server(toolsets_env(pve_env, PVE_DYNAMIC_TOOLSETS=None)) as srv:
        await srv.refusal(TOOLSETS, {'disable': ['lxc']})
        tools = await listed(srv)
    assert categories(tools) == {'qemu', 'lxc'}


def test_invalid_dynamic_toolsets_stops_startup_naming_it():
    settings = {'PVE_BASE_URL': 'https://127.0.0.1:9', 'PVE_TOKEN_ID': 'root@pam!mcp',
                'PVE_TOKEN_SECRET': 'toolsets-test-secret', 'PVE_DYNAMIC_TOOLSETS': 'maybe'}
    done = harness.run_startup(settings)
    stderr = done.stderr.decode(errors='replace')
    assert done.returncode != 0
    assert done.stdout == b''
    assert 'PVE_DYNAMIC_TOOLSETS' in stderr, stderr
