"""A fake Proxmox Datacenter Manager API (PDM 1.1) for tests: remotes, their guests and datastores, tasks.

    python tests/fakes/fakepdm.py [--host 127.0.0.1] [--port 8443] [--time-scale 0]

It models its remotes itself (fakes.pdm_state): PVE remotes with nodes and guests, PBS remotes with the
fake PBS's datastore state. Wording from proxmox-datacenter-manager's `server/src/api/` (see README.md).
"""

import os
import sys
import time

if __package__ in (None, ''):  # run as a script: make `fakes` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = 'fakes'  # noqa: A001

from fakes.pdm_state import Guest, PveTask, Remote, default_state, pve_remote  # noqa: E402
from fakes.proxmox_fake import ApiError, FakeProxmox, NodeApi, TaskError, route  # noqa: E402
from fakes.proxmox_fake.validate import ParameterError  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PORT = 8443

__all__ = ['FakePdm', 'Guest', 'Remote', 'default_state', 'main', 'pve_remote']

# PVE's task types for what PDM forwards.
QEMU_TASKS = {'start': 'qmstart', 'stop': 'qmstop', 'shutdown': 'qmshutdown', 'resume': 'qmresume'}
LXC_TASKS = {'start': 'vzstart', 'stop': 'vzstop', 'shutdown': 'vzshutdown'}


class FakePdm(NodeApi, FakeProxmox):
    """A fake PDM: `apitokens['root@pam!mcp'] = secret` makes a token; `add_remote(...)` adds remotes."""

    PRODUCT = 'PDM'
    PORT = PORT
    SCHEMA_FILE = os.path.join(REPO_ROOT, 'apidoc', 'pdm-1.1.json')
    NODE = 'localhost'

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.remotes = {}
        # Seconds (product time) a power action or a migration takes.
        self.action_secs = 2
        self.migrate_secs = 5

    # ------------------------------------------------------------- Python API

    def add_remote(self, remote):
        """Add a Remote (see fakes.pdm_state.pve_remote for a PVE one)."""
        self.remotes[remote.id] = remote
        return remote

    def guest(self, remote, vmid):
        """The guest vmid on a remote, or None."""
        return self.remotes[remote].guest(vmid)

    # ---------------------------------------------------------------- lookups

    def remote(self, remote_id, kind=None):
        """PDM's lookups: an unknown remote is 404 "no such node 'x'" (remotes/mod.rs get_remote, sic),
        one of the other type 400 `remote "x" is not a pve remote`."""
        remote = self.remotes.get(remote_id)
        if remote is None:
            raise ApiError(404, "no such node '{0}'".format(remote_id))
        if kind and remote.type != kind:
            raise ApiError(400, 'remote "{0}" is not a {1} remote'.format(remote_id, kind))
        return remote

    def _guest(self, remote, vmid, kind, node=None):
        guest = remote.guest(vmid)
        if guest is None or guest.type != kind or (node and guest.node != node):
            raise ApiError(404, 'no such vmid')
        return guest

    def _remote_upid(self, remote, upid):
        return '{0}:{1}!{2}'.format(remote.type, remote.id, upid)

    def _native_task(self, remote, upid_param):
        """The remote's task for a remote UPID parameter, with PDM's checks (api/mod.rs verify_upid)."""
        if '!' not in upid_param:
            raise ParameterError([('upid', "missing '!' separator in remote upid")])
        head, upid = upid_param.split('!', 1)
        kind, _, remote_id = head.rpartition(':')
        kind = kind or ('pbs' if upid.count(':') == 9 else 'pve')
        if remote_id != remote.id:
            raise ApiError(400, "remote '{0}' does not match remote in upid ('{1}')".format(remote.id, remote_id))
        if kind != remote.type:
            raise ApiError(400, 'upid does not belong to a {0} remote'.format(remote.type))
        tasks = remote.pbs.tasks if remote.type == 'pbs' else remote.tasks
        task = tasks.get(upid)
        if task is None:
            raise ApiError(400, 'no such task {0}'.format(upid))
        return task

    async def generic(self, ctx, info):
        """Proxied paths without state still check their remote (and guest) as PDM does."""
        params = ctx.match.params
        template = ctx.match.template
        for kind in ('pve', 'pbs'):
            if template.startswith('/{0}/remotes/{{remote}}'.format(kind)):
                remote = self.remote(params['remote'], kind)
                for guest_kind in ('qemu', 'lxc'):
                    if template.startswith('/pve/remotes/{{remote}}/{0}/{{vmid}}'.format(guest_kind)):
                        vmid = str(params['vmid'])
                        self._guest(remote, int(vmid) if vmid.isdigit() else -1, guest_kind)
        return await super().generic(ctx, info)

    # --------------------------------------------------------------- PDM itself

    @route('GET', '/ping')
    async def _ping(self, ctx):
        return 'pong'

    @route('GET', '/version')
    async def _version(self, ctx):
        return {'version': '1.1', 'release': '6', 'repoid': 'f4ke0000'}

    @route('GET', '/remotes/remote')
    async def _remote_list(self, ctx):
        return [r.config() for _, r in sorted(self.remotes.items())]

    @route('POST', '/remotes/remote')
    async def _remote_add(self, ctx):
        p = ctx.params
        if p['id'] in self.remotes:
            raise ApiError(400, 'entry "{0}" already exists'.format(p['id']))
        remote = Remote(p['id'], p['type'], list(p['nodes']), authid=p['authid'], web_url=p.get('web-url'))
        if remote.type == 'pve':
            remote.node_list = [n.split(',')[0].split('=')[-1].split('.')[0] for n in remote.nodes]
        else:
            from fakes.fakepbs import FakePbs
            remote.pbs = FakePbs(node=remote.id)
        self.remotes[remote.id] = remote
        return None

    @route('DELETE', '/remotes/remote/{id}')
    async def _remote_delete(self, ctx):
        if ctx.params['id'] not in self.remotes:
            raise ApiError(404, 'no such entry "{0}"'.format(ctx.params['id']))
        del self.remotes[ctx.params['id']]
        return None

    @route('GET', '/resources/list')
    async def _resources(self, ctx):
        wanted = ctx.params.get('resource-type')
        search = ctx.params.get('search')
        out = []
        for rid, remote in sorted(self.remotes.items()):
            items = []
            if remote.type == 'pve':
                for node in remote.node_list:
                    items.append({'type': 'pve-node', 'id': 'remote/{0}/node/{1}'.format(rid, node), 'node': node,
                                  'status': 'online', 'cpu': 0.05, 'maxcpu': 8.0, 'mem': 8 * 1024 ** 3,
                                  'maxmem': 64 * 1024 ** 3, 'uptime': 86400, 'level': '', 'cgroup-mode': 2})
                items += [g.resource(rid) for g in sorted(remote.guests, key=lambda g: g.vmid)]
            else:
                items.append({'type': 'pbs-node', 'id': 'remote/{0}/node/localhost'.format(rid), 'name': rid,
                              'cpu': 0.01, 'maxcpu': 4.0, 'mem': 4 * 1024 ** 3, 'maxmem': 16 * 1024 ** 3,
                              'uptime': 86400})
                for name, store in sorted(remote.pbs.datastores.items()):
                    items.append({'type': 'pbs-datastore', 'id': 'remote/{0}/datastore/{1}'.format(rid, name),
                                  'name': name, 'disk': store.used, 'maxdisk': store.total,
                                  'usage': store.used / store.total if store.total else 0.0})
            if wanted:
                kind = {'qemu': 'pve-qemu', 'lxc': 'pve-lxc', 'storage': 'pve-storage', 'node': '-node',
                        'datastore': 'pbs-datastore', 'network': 'pve-network'}[wanted]
                items = [i for i in items if i['type'].endswith(kind)]
            if search:
                items = [i for i in items if search in i['id'] or search in str(i.get('name', ''))]
            out.append({'remote': rid, 'resources': items})
        return out

    # ----------------------------------------------------------- PVE remotes

    @route('GET', '/pve/remotes/{remote}/nodes')
    async def _pve_nodes(self, ctx):
        remote = self.remote(ctx.params['remote'], 'pve')
        return [{'node': n, 'status': 'online', 'cpu': 0.05, 'maxcpu': 8, 'mem': 8 * 1024 ** 3,
                 'maxmem': 64 * 1024 ** 3, 'uptime': 86400, 'level': ''} for n in remote.node_list]

    async def _guest_list(self, ctx, kind):
        remote = self.remote(ctx.params['remote'], 'pve')
        node = ctx.params.get('node')
        return [g.listing() for g in sorted(remote.guests, key=lambda g: g.vmid)
                if g.type == kind and node in (None, g.node)]

    @route('GET', '/pve/remotes/{remote}/qemu')
    async def _qemu_list(self, ctx):
        return await self._guest_list(ctx, 'qemu')

    @route('GET', '/pve/remotes/{remote}/lxc')
    async def _lxc_list(self, ctx):
        return await self._guest_list(ctx, 'lxc')

    def _status(self, remote, guest):
        out = guest.listing()
        out['ha'] = {}
        if guest.type == 'qemu':
            out.update(qmpstatus=guest.status, agent=False)
        return out

    @route('GET', '/pve/remotes/{remote}/qemu/{vmid}/status')
    async def _qemu_status(self, ctx):
        remote = self.remote(ctx.params['remote'], 'pve')
        return self._status(remote, self._guest(remote, ctx.params['vmid'], 'qemu', ctx.params.get('node')))

    @route('GET', '/pve/remotes/{remote}/lxc/{vmid}/status')
    async def _lxc_status(self, ctx):
        remote = self.remote(ctx.params['remote'], 'pve')
        return self._status(remote, self._guest(remote, ctx.params['vmid'], 'lxc', ctx.params.get('node')))

    @route('GET', '/pve/remotes/{remote}/qemu/{vmid}/config')
    async def _qemu_config(self, ctx):
        remote = self.remote(ctx.params['remote'], 'pve')
        guest = self._guest(remote, ctx.params['vmid'], 'qemu', ctx.params.get('node'))
        return {'name': guest.name, 'cores': guest.cpus, 'memory': str(guest.maxmem // 1024 ** 2),
                'digest': '0' * 40}

    async def pve_task(self, remote, guest, worker_type, authid, body):
        """A task on the guest's node of a PVE remote; answers the remote UPID."""
        task = PveTask(guest.node, remote.pid, remote.pstart, worker_type, str(guest.vmid), authid or 'root@pam')
        upid = await self.run_task(worker_type, str(guest.vmid), authid, body, task=task, registry=remote.tasks)
        return self._remote_upid(remote, upid)

    async def _power(self, ctx, kind, action):
        remote = self.remote(ctx.params['remote'], 'pve')
        guest = self._guest(remote, ctx.params['vmid'], kind, ctx.params.get('node'))
        label = 'VM' if kind == 'qemu' else 'CT'

        async def body(task):
            if action in ('start', 'resume'):
                if guest.status == 'running' and action == 'start':
                    raise TaskError('{0} {1} already running'.format(label, guest.vmid))
                await self.task_step(task, self.action_secs)
                guest.status = 'running'
                guest.started = time.time()
            else:
                if guest.status != 'running':
                    if action == 'shutdown':
                        raise TaskError('{0} {1} not running'.format(label, guest.vmid))
                    return
                await self.task_step(task, self.action_secs)
                guest.status = 'stopped'
        tasks = QEMU_TASKS if kind == 'qemu' else LXC_TASKS
        return await self.pve_task(remote, guest, tasks[action], ctx.authid, body)

    @route('POST', '/pve/remotes/{remote}/qemu/{vmid}/start')
    async def _qemu_start(self, ctx):
        return await self._power(ctx, 'qemu', 'start')

    @route('POST', '/pve/remotes/{remote}/qemu/{vmid}/stop')
    async def _qemu_stop(self, ctx):
        return await self._power(ctx, 'qemu', 'stop')

    @route('POST', '/pve/remotes/{remote}/qemu/{vmid}/shutdown')
    async def _qemu_shutdown(self, ctx):
        return await self._power(ctx, 'qemu', 'shutdown')

    @route('POST', '/pve/remotes/{remote}/qemu/{vmid}/resume')
    async def _qemu_resume(self, ctx):
        return await self._power(ctx, 'qemu', 'resume')

    @route('POST', '/pve/remotes/{remote}/lxc/{vmid}/start')
    async def _lxc_start(self, ctx):
        return await self._power(ctx, 'lxc', 'start')

    @route('POST', '/pve/remotes/{remote}/lxc/{vmid}/stop')
    async def _lxc_stop(self, ctx):
        return await self._power(ctx, 'lxc', 'stop')

    @route('POST', '/pve/remotes/{remote}/lxc/{vmid}/shutdown')
    async def _lxc_shutdown(self, ctx):
        return await self._power(ctx, 'lxc', 'shutdown')

    async def _migrate(self, ctx, kind):
        """Within one remote: the guest moves to node `target`."""
        remote = self.remote(ctx.params['remote'], 'pve')
        guest = self._guest(remote, ctx.params['vmid'], kind, ctx.params.get('node'))
        target = ctx.params['target']
        if target not in remote.node_list:
            raise ApiError(400, "no such cluster node '{0}'".format(target))

        async def body(task):
            if target == guest.node:
                raise TaskError("target is local node.")
            task.log("starting migration of {0} {1} to node '{2}'".format(
                'VM' if kind == 'qemu' else 'CT', guest.vmid, target))
            await self.task_step(task, self.migrate_secs)
            guest.node = target
            task.log('migration finished successfully (duration 00:00:{0:02d})'.format(int(self.migrate_secs)))
        return await self.pve_task(remote, guest, 'qmigrate' if kind == 'qemu' else 'vzmigrate', ctx.authid, body)

    @route('POST', '/pve/remotes/{remote}/qemu/{vmid}/migrate')
    async def _qemu_migrate(self, ctx):
        return await self._migrate(ctx, 'qemu')

    @route('POST', '/pve/remotes/{remote}/lxc/{vmid}/migrate')
    async def _lxc_migrate(self, ctx):
        return await self._migrate(ctx, 'lxc')

    async def _remote_migrate(self, ctx, kind):
        """Across remotes (api/pve/qemu.rs qemu_remote_migrate): a task on the source that moves the guest."""
        p = ctx.params
        if p['remote'] == p['target']:
            raise ApiError(400, 'source and destination clusters must be different')
        target = self.remote(p['target'], 'pve')
        source = self.remote(p['remote'], 'pve')
        guest = self._guest(source, p['vmid'], kind, p.get('node'))
        new_vmid = p.get('target-vmid') or guest.vmid
        target_node = target.node_list[0]
        label = 'VM' if kind == 'qemu' else 'CT'

        async def body(task):
            if target.guest(new_vmid) is not None:
                raise TaskError("error - tunnel command '{{\"cmd\":\"config\",\"vmid\":{0}}}' failed - failed to "
                                "handle 'config' command - 400 Parameter verification failed.\nvmid: VM {0} "
                                "already exists".format(new_vmid))
            if guest.status == 'running' and not p.get('online'):
                raise TaskError("can't migrate running VM without --online" if kind == 'qemu'
                                else "CT is running - use --online or --restart")
            task.log('remote migration of {0} {1} to {2} (node {3}, vmid {4})'.format(
                label, guest.vmid, target.id, target_node, new_vmid))
            task.log("starting migration of {0} {1} to node '{2}'".format(label, guest.vmid, target_node))
            await self.task_step(task, self.migrate_secs)
            moved = Guest(new_vmid, guest.name, target_node, type=guest.type, status=guest.status, cpus=guest.cpus,
                          maxmem=guest.maxmem, maxdisk=guest.maxdisk, tags=guest.tags, started=guest.started)
            target.guests.append(moved)
            if p.get('delete'):
                source.guests.remove(guest)
                task.log('deleting source {0} {1}'.format(label, guest.vmid))
            else:
                guest.status = 'stopped'
                guest.lock = 'migrate'
            task.log('migration finished successfully (duration 00:00:{0:02d})'.format(int(self.migrate_secs)))
        return await self.pve_task(source, guest, 'qmigrate' if kind == 'qemu' else 'vzmigrate', ctx.authid, body)

    @route('POST', '/pve/remotes/{remote}/qemu/{vmid}/remote-migrate')
    async def _qemu_remote_migrate(self, ctx):
        return await self._remote_migrate(ctx, 'qemu')

    @route('POST', '/pve/remotes/{remote}/lxc/{vmid}/remote-migrate')
    async def _lxc_remote_migrate(self, ctx):
        return await self._remote_migrate(ctx, 'lxc')

    # ---------------------------------------------------------- remote tasks

    def _tasks_of(self, remote):
        return remote.pbs.tasks if remote.type == 'pbs' else remote.tasks

    async def _remote_task_list(self, ctx, kind):
        remote = self.remote(ctx.params['remote'], kind)
        node = ctx.params.get('node')
        items = sorted(self._tasks_of(remote).values(), key=lambda t: (t.starttime, t.task_id), reverse=True)
        out = []
        for task in items:
            if node not in (None, task.node):
                continue
            entry = task.list_entry()
            entry['upid'] = self._remote_upid(remote, task.upid)
            out.append(entry)
        return out

    async def _remote_task_status(self, ctx, kind):
        remote = self.remote(ctx.params['remote'], kind)
        task = self._native_task(remote, ctx.params['upid'])
        if ctx.params.get('wait'):
            while task.running:
                await self.pause(0.1) if self.time_scale else await self.settle()
        out = task.status()
        out['upid'] = ctx.params['upid'] if kind == 'pbs' else task.upid
        return out

    async def _remote_task_log(self, ctx, kind):
        remote = self.remote(ctx.params['remote'], kind)
        task = self._native_task(remote, ctx.params['upid'])
        start = ctx.params.get('start', 0)
        limit = ctx.params.get('limit', 50)
        lines = [{'n': n, 't': t} for n, t in enumerate(task.lines, 1) if n > start]
        ctx.attrs['total'] = len(task.lines)
        return lines[:limit] if limit else lines

    async def _remote_task_stop(self, ctx, kind):
        remote = self.remote(ctx.params['remote'], kind)
        task = self._native_task(remote, ctx.params['upid'])
        task.abort_requested = True
        return None

    @route('GET', '/pve/remotes/{remote}/tasks')
    async def _pve_tasks(self, ctx):
        return await self._remote_task_list(ctx, 'pve')

    @route('GET', '/pve/remotes/{remote}/tasks/{upid}/status')
    async def _pve_task_status(self, ctx):
        return await self._remote_task_status(ctx, 'pve')

    @route('GET', '/pve/remotes/{remote}/tasks/{upid}/log')
    async def _pve_task_log(self, ctx):
        return await self._remote_task_log(ctx, 'pve')

    @route('DELETE', '/pve/remotes/{remote}/tasks/{upid}')
    async def _pve_task_stop(self, ctx):
        return await self._remote_task_stop(ctx, 'pve')

    @route('GET', '/pbs/remotes/{remote}/tasks')
    async def _pbs_tasks(self, ctx):
        return await self._remote_task_list(ctx, 'pbs')

    @route('GET', '/pbs/remotes/{remote}/tasks/{upid}/status')
    async def _pbs_task_status(self, ctx):
        return await self._remote_task_status(ctx, 'pbs')

    @route('GET', '/pbs/remotes/{remote}/tasks/{upid}/log')
    async def _pbs_task_log(self, ctx):
        return await self._remote_task_log(ctx, 'pbs')

    @route('DELETE', '/pbs/remotes/{remote}/tasks/{upid}')
    async def _pbs_task_stop(self, ctx):
        return await self._remote_task_stop(ctx, 'pbs')

    # ----------------------------------------------------------- PBS remotes

    def _pbs_store(self, ctx):
        pbs = self.remote(ctx.params['remote'], 'pbs').pbs
        return pbs, pbs.store(ctx.params['datastore'])

    @route('GET', '/pbs/remotes/{remote}/datastore')
    async def _pbs_datastores(self, ctx):
        pbs = self.remote(ctx.params['remote'], 'pbs').pbs
        return [pbs._config(s) for _, s in sorted(pbs.datastores.items())]

    @route('GET', '/pbs/remotes/{remote}/datastore/{datastore}/snapshots')
    async def _pbs_snapshots(self, ctx):
        pbs, store = self._pbs_store(ctx)
        ns = pbs._ns(store, ctx.params.get('ns'))
        return [s.info() for s in sorted(store.snapshots, key=lambda s: (s.group, s.backup_time)) if s.ns == ns]

    @route('GET', '/pbs/remotes/{remote}/datastore/{datastore}/namespaces')
    async def _pbs_namespaces(self, ctx):
        pbs, store = self._pbs_store(ctx)
        parent = pbs._ns(store, ctx.params.get('parent'))
        return [{'ns': ns} for ns in sorted(store.namespaces)
                if not parent or ns == parent or ns.startswith(parent + '/')]


def main(argv=None):
    """Serve a fake PDM with the default state until Ctrl-C, printing how to reach it."""
    from fakes.launch import serve_forever
    return serve_forever('pdm', argv)


if __name__ == '__main__':
    sys.exit(main())
