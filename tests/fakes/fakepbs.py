"""A fake Proxmox Backup Server API (PBS 4) for tests: datastores, namespaces, backups, tasks and jobs.

    python tests/fakes/fakepbs.py [--host 127.0.0.1] [--port 8007] [--time-scale 0]

From Python (inside an event loop): `pbs = FakePbs(); default_state(pbs); await pbs.start(cert, key)`,
or `fakes.launch.running_fakepbs(directory)`. See tests/fakes/README.md for what it models.
"""

import os
import sys

if __package__ in (None, ''):  # run as a script: make `fakes` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = 'fakes'  # noqa: A001

from fakes.pbs_jobs import PbsJobs  # noqa: E402
from fakes.pbs_state import (  # noqa: E402
    KEEP_OPTIONS, Datastore, Snapshot, backup_time_string, default_state, prune_marks)
from fakes.proxmox_fake import ApiError, FakeProxmox, NodeApi, TaskError, route  # noqa: E402
from fakes.proxmox_fake.validate import ParameterError  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PORT = 8007

__all__ = ['FakePbs', 'default_state', 'main']


class FakePbs(PbsJobs, NodeApi, FakeProxmox):
    """A fake PBS: `apitokens['root@pam!mcp'] = secret` makes a token; state via add_datastore,
    add_namespace, add_snapshot, add_sync_job, add_verify_job, add_prune_job."""

    PRODUCT = 'PBS'
    PORT = PORT
    SCHEMA_FILE = os.path.join(REPO_ROOT, 'apidoc', 'pbs-4.json')
    NODE = 'pbs'

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.datastores = {}
        self.sync_jobs = {}
        self.verify_jobs = {}
        self.prune_jobs = {}
        self.job_state = {}
        self.version, self.release = '4.0', '18'

    # ------------------------------------------------------------- Python API

    def add_datastore(self, name, path=None, total=None, used=0, comment=None):
        store = Datastore(name, path or '/mnt/datastore/' + name, used=used, comment=comment)
        if total is not None:
            store.total = total
        self.datastores[name] = store
        return store

    def add_namespace(self, store, ns):
        """Add ns (a/b/c) and its parents to the datastore."""
        parts = ns.split('/')
        for n in range(1, len(parts) + 1):
            self.datastores[store].namespaces.add('/'.join(parts[:n]))

    def add_snapshot(self, store, group, backup_time, ns='', verified=None, **fields):
        """Add a snapshot of group ('vm/100') at backup_time (epoch); verified is None, 'ok' or 'failed'."""
        backup_type, backup_id = group.split('/', 1)
        snap = Snapshot(backup_type, backup_id, int(backup_time), ns=ns, **fields)
        if verified:
            snap.verification = {'state': verified, 'upid': self._past_upid('verify_snapshot', store)}
        if ns:
            self.add_namespace(store, ns)
        self.datastores[store].snapshots.append(snap)
        return snap

    def snapshots(self, store, group=None, ns=''):
        """The snapshots of a datastore (of one group, in one namespace), oldest first."""
        return sorted([s for s in self.datastores[store].snapshots
                       if s.ns == ns and (group is None or s.group == group)], key=lambda s: s.backup_time)

    def _past_upid(self, worker_type, worker_id):
        from fakes.proxmox_fake.tasks import Task
        return Task(self.node, self.pid, self.pstart, worker_type, worker_id, 'root@pam').upid

    # ---------------------------------------------------------------- lookups

    def store(self, name):
        """The datastore or PBS's error for a name it does not know."""
        if name not in self.datastores:
            raise ApiError(400, "no such datastore '{0}'".format(name))
        return self.datastores[name]

    def _ns(self, store, ns):
        ns = ns or ''
        if ns not in store.namespaces:
            raise ApiError(400, 'No such file or directory (os error 2)')
        return ns

    @route('GET', '/ping')
    async def _ping(self, ctx):
        return {'pong': True}

    @route('GET', '/version')
    async def _version(self, ctx):
        return {'version': self.version, 'release': self.release, 'repoid': 'f4ke0000'}

    # ------------------------------------------------------------- datastores

    @route('GET', '/admin/datastore')
    async def _datastore_list(self, ctx):
        out = []
        for name, store in sorted(self.datastores.items()):
            item = {'store': name, 'backend-type': 'filesystem', 'mount-status': 'nonremovable'}
            if store.comment:
                item['comment'] = store.comment
            out.append(item)
        return out

    def _config(self, store):
        out = {'name': store.name, 'path': store.path}
        if store.comment:
            out['comment'] = store.comment
        if store.gc_schedule:
            out['gc-schedule'] = store.gc_schedule
        return out

    @route('GET', '/config/datastore')
    async def _config_datastore_list(self, ctx):
        ctx.attrs['digest'] = self._digest(sorted(self.datastores))
        return [self._config(s) for _, s in sorted(self.datastores.items())]

    @route('GET', '/config/datastore/{name}')
    async def _config_datastore_get(self, ctx):
        return self._config(self.store(ctx.params['name']))

    @route('POST', '/config/datastore')
    async def _config_datastore_create(self, ctx):
        name = ctx.params['name']
        if name in self.datastores:
            raise ParameterError([('name', "datastore '{0}' already exists.".format(name))])
        store = self.add_datastore(name, path=ctx.params['path'], comment=ctx.params.get('comment'))
        store.gc_schedule = ctx.params.get('gc-schedule')
        return None

    @route('PUT', '/config/datastore/{name}')
    async def _config_datastore_update(self, ctx):
        store = self.store(ctx.params['name'])
        for key in ctx.params.get('delete') or []:
            if key == 'comment':
                store.comment = None
            elif key == 'gc-schedule':
                store.gc_schedule = None
        if 'comment' in ctx.params:
            store.comment = ctx.params['comment']
        if 'gc-schedule' in ctx.params:
            store.gc_schedule = ctx.params['gc-schedule']
        return None

    @route('DELETE', '/config/datastore/{name}')
    async def _config_datastore_delete(self, ctx):
        name = ctx.params['name']
        if name not in self.datastores:
            raise ApiError(404, "datastore '{0}' does not exist.".format(name))

        async def body(task):
            task.log("Removing datastore '{0}'".format(name))
            if ctx.params.get('destroy-data'):
                task.log('destroying datastore contents')
            del self.datastores[name]
        return await self.run_task('delete-datastore', name, ctx.authid, body)

    def _usage(self, store):
        return {'store': store.name, 'total': store.total, 'used': store.used, 'avail': store.avail,
                'backend-type': 'filesystem', 'mount-status': 'nonremovable',
                'history': [store.used / store.total if store.total else 0] * 3, 'history-start': 0,
                'history-delta': 86400,
                'gc-status': dict((k, v) for k, v in store.gc_status().items() if k not in ('store', 'upid'))}

    @route('GET', '/status/datastore-usage')
    async def _datastore_usage(self, ctx):
        return [self._usage(s) for _, s in sorted(self.datastores.items())]

    @route('GET', '/admin/datastore/{store}/status')
    async def _datastore_status(self, ctx):
        store = self.store(ctx.params['store'])
        out = {'total': store.total, 'used': store.used, 'avail': store.avail, 'backend-type': 'filesystem'}
        if ctx.params.get('verbose'):
            counts = {}
            for snap in store.snapshots:
                entry = counts.setdefault(snap.backup_type, {'groups': set(), 'snapshots': 0})
                entry['groups'].add((snap.ns, snap.backup_id))
                entry['snapshots'] += 1
            out['counts'] = dict((k, {'groups': len(v['groups']), 'snapshots': v['snapshots']})
                                 for k, v in counts.items())
            out['gc-status'] = store.gc_status()
        return out

    # ---------------------------------------------------------- garbage collection

    @route('POST', '/admin/datastore/{store}/gc')
    async def _gc_start(self, ctx):
        store = self.store(ctx.params['store'])
        return await self.start_gc(store, ctx.authid)

    async def start_gc(self, store, authid):
        if store.gc_upid and self.tasks.get(store.gc_upid) and self.tasks[store.gc_upid].running:
            raise ApiError(400, 'Start GC failed - (already running/locked)')

        async def body(task):
            task.log("starting garbage collection on store {0}".format(store.name))
            task.log('Start GC phase1 (mark used chunks)')
            await self.task_step(task, 2)
            task.log('Start GC phase2 (sweep unused chunks)')
            await self.task_step(task, 2)
            removed = store.gc.pop('reclaimable', 0)
            store.used = max(0, store.used - removed)
            task.log('Removed garbage: {0} B'.format(removed))
            task.log('Removed chunks: {0}'.format(removed // (4 * 1024 ** 2)))
            task.log('Original data usage: {0} B'.format(sum(s.size for s in store.snapshots)))
            task.log('On-Disk usage: {0} B'.format(store.used))
            store.gc.update({'removed-bytes': removed, 'removed-chunks': removed // (4 * 1024 ** 2)})
        upid = await self.run_task('garbage_collection', store.name, authid, body)
        store.gc_upid = upid
        return upid

    @route('GET', '/admin/datastore/{store}/gc')
    async def _gc_status(self, ctx):
        return self.store(ctx.params['store']).gc_status()

    def _gc_job(self, store):
        out = store.gc_status()
        out['schedule'] = store.gc_schedule
        task = self.tasks.get(store.gc_upid) if store.gc_upid else None
        if task and not task.running:
            out.update({'last-run-endtime': task.endtime, 'last-run-state': task.exitstatus,
                        'duration': task.endtime - task.starttime})
        return dict((k, v) for k, v in out.items() if v is not None)

    @route('GET', '/admin/gc')
    async def _gc_jobs(self, ctx):
        names = [ctx.params['store']] if ctx.params.get('store') else sorted(self.datastores)
        return [self._gc_job(self.store(n)) for n in names]

    @route('GET', '/admin/gc/{store}')
    async def _gc_job_of(self, ctx):
        return [self._gc_job(self.store(ctx.params['store']))]

    # -------------------------------------------------------------- namespaces

    @route('GET', '/admin/datastore/{store}/namespace')
    async def _ns_list(self, ctx):
        store = self.store(ctx.params['store'])
        parent = self._ns(store, ctx.params.get('parent'))
        depth = ctx.params.get('max-depth', 7)
        out = []
        for ns in sorted(store.namespaces):
            if parent and not (ns == parent or ns.startswith(parent + '/')):
                continue
            level = (ns.count('/') + 1 if ns else 0) - (parent.count('/') + 1 if parent else 0)
            if level <= depth:
                out.append({'ns': ns})
        return out

    @route('POST', '/admin/datastore/{store}/namespace')
    async def _ns_create(self, ctx):
        store = self.store(ctx.params['store'])
        parent = ctx.params.get('parent') or ''
        if parent not in store.namespaces:
            raise ApiError(400, "cannot create new namespace, parent {0} doesn't already exists".format(parent))
        ns = (parent + '/' if parent else '') + ctx.params['name']
        if ns.count('/') >= 8:
            raise ApiError(400, 'namespace too deep, {0} > max {1}'.format(ns.count('/') + 1, 8))
        store.namespaces.add(ns)
        return ns

    @route('DELETE', '/admin/datastore/{store}/namespace')
    async def _ns_delete(self, ctx):
        store = self.store(ctx.params['store'])
        ns = self._ns(store, ctx.params['ns'])
        inside = [s for s in store.snapshots if s.ns == ns or (ns and s.ns.startswith(ns + '/'))]
        if not ns:
            raise ApiError(400, 'cannot remove root namespace')
        if inside and not ctx.params.get('delete-groups'):
            raise ApiError(400, 'only partially deleted due to existing groups but `delete-groups` not true ')
        protected = [s for s in inside if s.protected]
        if protected and ctx.params.get('error-on-protected', True):
            store.snapshots = [s for s in store.snapshots if s not in inside or s.protected]
            raise ApiError(400, 'group only partially deleted due to protected snapshots')
        store.snapshots = [s for s in store.snapshots if s not in inside or s.protected]
        keep = set(s.ns for s in protected)
        store.namespaces = set(n for n in store.namespaces if not (n == ns or n.startswith(ns + '/')) or
                               any(k == n or k.startswith(n + '/') for k in keep))
        return None

    # ------------------------------------------------------------ groups, snapshots

    @route('GET', '/admin/datastore/{store}/groups')
    async def _groups(self, ctx):
        store = self.store(ctx.params['store'])
        ns = self._ns(store, ctx.params.get('ns'))
        out = []
        for (btype, bid), snaps in sorted(store.groups(ns).items()):
            last = max(snaps, key=lambda s: s.backup_time)
            item = {'backup-type': btype, 'backup-id': bid, 'backup-count': len(snaps),
                    'last-backup': last.backup_time, 'files': list(last.files), 'owner': last.owner}
            notes = store.notes.get((ns, btype + '/' + bid))
            if notes:
                item['comment'] = notes.splitlines()[0]
            out.append(item)
        return out

    @route('DELETE', '/admin/datastore/{store}/groups')
    async def _group_delete(self, ctx):
        store = self.store(ctx.params['store'])
        ns = self._ns(store, ctx.params.get('ns'))
        snaps = store.group(ns, ctx.params['backup-type'], ctx.params['backup-id'])
        if not snaps:
            raise ApiError(400, 'No such file or directory (os error 2)')
        protected = [s for s in snaps if s.protected]
        store.snapshots = [s for s in store.snapshots if s not in snaps or s.protected]
        if protected and ctx.params.get('error-on-protected', True):
            raise ApiError(400, 'group only partially deleted due to protected snapshots')
        return {'removed-groups': 0 if protected else 1, 'removed-snapshots': len(snaps) - len(protected),
                'protected-snapshots': len(protected)}

    def _snapshot(self, store, ns, params):
        for snap in store.group(ns, params['backup-type'], params['backup-id']):
            if snap.backup_time == params['backup-time']:
                return snap
        raise ApiError(400, 'snapshot {0}/{1}/{2} does not exist!'.format(
            params['backup-type'], params['backup-id'], backup_time_string(params['backup-time'])))

    @route('GET', '/admin/datastore/{store}/snapshots')
    async def _snapshot_list(self, ctx):
        store = self.store(ctx.params['store'])
        ns = self._ns(store, ctx.params.get('ns'))
        snaps = [s for s in store.snapshots if s.ns == ns
                 and ctx.params.get('backup-type') in (None, s.backup_type)
                 and ctx.params.get('backup-id') in (None, s.backup_id)]
        return [s.info() for s in sorted(snaps, key=lambda s: (s.group, s.backup_time))]

    @route('DELETE', '/admin/datastore/{store}/snapshots')
    async def _snapshot_delete(self, ctx):
        store = self.store(ctx.params['store'])
        snap = self._snapshot(store, self._ns(store, ctx.params.get('ns')), ctx.params)
        if snap.protected:
            raise ApiError(400, 'cannot remove protected snapshot {0}:{1}'.format(store.name, snap.dir))
        store.snapshots.remove(snap)
        return None

    @route('GET', '/admin/datastore/{store}/protected')
    async def _protected_get(self, ctx):
        store = self.store(ctx.params['store'])
        return self._snapshot(store, self._ns(store, ctx.params.get('ns')), ctx.params).protected

    @route('PUT', '/admin/datastore/{store}/protected')
    async def _protected_set(self, ctx):
        store = self.store(ctx.params['store'])
        self._snapshot(store, self._ns(store, ctx.params.get('ns')), ctx.params).protected = ctx.params['protected']
        return None

    # ------------------------------------------------------------------ verify

    @route('POST', '/admin/datastore/{store}/verify')
    async def _verify(self, ctx):
        p = ctx.params
        store = self.store(p['store'])
        ns = self._ns(store, p.get('ns'))
        keys = tuple(p.get(k) is not None for k in ('backup-type', 'backup-id', 'backup-time'))
        if keys == (True, True, True):
            targets = [self._snapshot(store, ns, p)]
            worker_type = 'verify_snapshot'
            worker_id = '{0}:{1}/{2}/{3}/{4:08X}'.format(store.name, ns, p['backup-type'], p['backup-id'],
                                                        p['backup-time'])
        elif keys == (True, True, False):
            targets = store.group(ns, p['backup-type'], p['backup-id'])
            worker_type = 'verify_group'
            worker_id = '{0}:{1}/{2}/{3}'.format(store.name, ns, p['backup-type'], p['backup-id'])
        elif keys == (False, False, False):
            targets = sorted(store.in_ns(ns, p.get('max-depth', 7)), key=lambda s: (s.ns, s.group, s.backup_time))
            worker_type = 'verify'
            worker_id = store.name if not ns else '{0}:{1}'.format(store.name, ns)
        else:
            raise ApiError(400, 'parameters do not specify a backup group or snapshot')
        return await self.verify_snapshots(store, targets, worker_type, worker_id, ctx.authid,
                                           p.get('ignore-verified', True))

    async def verify_snapshots(self, store, targets, worker_type, worker_id, authid, ignore_verified=True):
        """A verify task over targets: each snapshot's verify state becomes ok, or failed if corrupt."""
        async def body(task):
            failed = []
            for snap in targets:
                if ignore_verified and snap.verification and snap.verification.get('state') == 'ok':
                    task.log('SKIPPED: verify {0}:{1} (recently verified)'.format(store.name, snap.dir))
                    continue
                task.log('verify {0}:{1}'.format(store.name, snap.dir))
                for name in snap.files:
                    if name != 'index.json.blob':
                        task.log('  check {0}'.format(name))
                await self.task_step(task, 1)
                if snap.corrupt:
                    task.log("can't verify chunk, load failed - store '{0}', unable to load chunk "
                             "'{1}' - No such file or directory (os error 2)".format(store.name, '0' * 64))
                    task.log('verify {0}:{1}/{2} failed: chunks could not be verified'.format(
                        store.name, snap.dir, snap.files[-1]))
                    failed.append(snap.dir if not snap.ns else 'ns/{0}/{1}'.format(snap.ns, snap.dir))
                snap.verification = {'state': 'failed' if snap.corrupt else 'ok', 'upid': task.upid}
            if failed:
                task.log('Failed to verify the following snapshots/groups:')
                for name in failed:
                    task.log('\t{0}'.format(name))
                raise TaskError('verification failed - please check the log for details')
        return await self.run_task(worker_type, worker_id, authid, body)

    # ------------------------------------------------------------------- prune

    @route('POST', '/admin/datastore/{store}/prune')
    async def _prune_group(self, ctx):
        p = ctx.params
        store = self.store(p['store'])
        ns = self._ns(store, p.get('ns'))
        snaps = store.group(ns, p['backup-type'], p['backup-id'])
        group = '{0}/{1}'.format(p['backup-type'], p['backup-id'])
        dry_run = p.get('dry-run', False)

        def result():
            marks = prune_marks(snaps, p)
            out = []
            for snap in sorted(snaps, key=lambda s: s.backup_time, reverse=True):
                mark = marks[snap.dir]
                out.append({'backup-type': snap.backup_type, 'backup-id': snap.backup_id,
                            'backup-time': snap.backup_time, 'keep': mark != 'remove'})
            return marks, out
        if dry_run:
            return result()[1]
        marks, out = result()

        def apply(task=None):
            if task:
                options = ['--ns {0}'.format(ns)] if ns else []
                options += ['--{0} {1}'.format(k, p[k]) for k in KEEP_OPTIONS if p.get(k)]
                task.log('retention options: {0}'.format(' '.join(options)))
                task.log('Starting prune on {0} group "{1}"'.format(
                    'datastore \'{0}\''.format(store.name) if not ns else
                    'datastore \'{0}\', namespace \'{1}\''.format(store.name, ns), group))
            for snap in sorted(snaps, key=lambda s: s.backup_time, reverse=True):
                if task:
                    task.log('{0} {1}'.format(snap.dir, marks[snap.dir]))
                if marks[snap.dir] == 'remove':
                    store.snapshots.remove(snap)
        if p.get('use-task'):
            async def body(task):
                apply(task)
            return await self.run_task('prune', '{0}:{1}:{2}'.format(store.name, ns, group), ctx.authid, body)
        apply()
        return out

    @route('POST', '/admin/datastore/{store}/prune-datastore')
    async def _prune_datastore(self, ctx):
        store = self.store(ctx.params['store'])
        ns = self._ns(store, ctx.params.get('ns'))
        return await self.prune_store(store, ns, ctx.params, ctx.authid, 'prune', '{0}:{1}'.format(store.name, ns))

    async def prune_store(self, store, ns, options, authid, worker_type, worker_id):
        """A task pruning every group in ns (and below, to max-depth) with the keep options."""
        dry_run = options.get('dry-run', False)

        async def body(task):
            if dry_run:
                task.log('Dry run - only simulating prune')
            depth = options.get('max-depth', 7)
            snaps = store.in_ns(ns, depth)
            groups = {}
            for snap in snaps:
                groups.setdefault((snap.ns, snap.group), []).append(snap)
            for (gns, group), members in sorted(groups.items()):
                task.log('Pruning group {0}"{1}"'.format('{0}:'.format(gns) if gns else '', group))
                marks = prune_marks(members, options)
                for snap in sorted(members, key=lambda s: s.backup_time, reverse=True):
                    task.log('{0} {1}'.format(snap.dir, marks[snap.dir]))
                    if marks[snap.dir] == 'remove' and not dry_run:
                        store.snapshots.remove(snap)
                await self.task_step(task, 0.5)
        return await self.run_task(worker_type, worker_id, authid, body)

    @staticmethod
    def _digest(items):
        import hashlib
        return hashlib.sha256(repr(items).encode()).hexdigest()


def main(argv=None):
    """Serve a fake PBS with the default state until Ctrl-C, printing how to reach it."""
    from fakes.launch import serve_forever
    return serve_forever('pbs', argv)


if __name__ == '__main__':
    sys.exit(main())
