"""The fake PBS's sync, verify and prune jobs: their configuration (/config/...) and runs (/admin/.../run).

Wording from proxmox-backup: creating an id that exists is a parameter error "job 'x' already exists."
(`api2/config/sync.rs`, `verify.rs`, `prune.rs`); an unknown id is the section config's "no such
sync 'x'" ("verification", "prune"). A run is a task of type `syncjob`, `verificationjob` or
`prunejob` whose worker id is `{remote|-}:{remote-store}:{store}:{ns}:{id}` (`api2/pull.rs`),
`{store}:{id}` (`server/verify_job.rs`) or `{store}[:{ns}]` (`server/prune_job.rs`). A sync job added
with `error='unreachable'` fails the way a sync from a remote that refuses connections does.
"""

from fakes.proxmox_fake import ApiError, TaskError, route
from fakes.proxmox_fake.validate import ParameterError

UNREACHABLE = ('Querying namespaces failed - error trying to connect: tcp connect error: '
               'Connection refused (os error 111)')
KINDS = {
    'sync': ('sync_jobs', 'sync', 'syncjob'),
    'verify': ('verify_jobs', 'verification', 'verificationjob'),
    'prune': ('prune_jobs', 'prune', 'prunejob'),
}


class PbsJobs(object):
    """Mixin of FakePbs: job configuration and runs; needs the datastore methods of FakePbs."""

    def add_sync_job(self, job_id, store, remote_store, remote=None, error=None, **config):
        """A pull sync job; error='unreachable' (or any message) makes its runs fail."""
        job = dict(config, id=job_id, store=store, **{'remote-store': remote_store})
        if remote:
            job['remote'] = remote
        self.sync_jobs[job_id] = job
        if error:
            self.job_errors = getattr(self, 'job_errors', {})
            self.job_errors[job_id] = UNREACHABLE if error == 'unreachable' else error
        return job

    def add_verify_job(self, job_id, store, **config):
        job = dict(config, id=job_id, store=store)
        self.verify_jobs[job_id] = job
        return job

    def add_prune_job(self, job_id, store, schedule='daily', keep=None, **config):
        job = dict(config, id=job_id, store=store, schedule=schedule, **(keep or {}))
        self.prune_jobs[job_id] = job
        return job

    def _jobs(self, kind):
        return getattr(self, KINDS[kind][0])

    def _job(self, kind, job_id):
        jobs = self._jobs(kind)
        if job_id not in jobs:
            raise ApiError(400, "no such {0} '{1}'".format(KINDS[kind][1], job_id))
        return jobs[job_id]

    # ----------------------------------------------------------- configuration

    async def _config_list(self, kind, ctx):
        return [dict(job) for _, job in sorted(self._jobs(kind).items())]

    async def _config_create(self, kind, ctx):
        config = dict(ctx.params)
        if config['id'] in self._jobs(kind):
            raise ParameterError([('id', "job '{0}' already exists.".format(config['id']))])
        self.store(config['store'])
        self._jobs(kind)[config['id']] = config
        return None

    async def _config_update(self, kind, ctx):
        job = self._job(kind, ctx.params['id'])
        for key in ctx.params.get('delete') or []:
            job.pop(key, None)
        for key, value in ctx.params.items():
            if key not in ('delete', 'digest'):
                job[key] = value
        return None

    async def _config_delete(self, kind, ctx):
        self._job(kind, ctx.params['id'])
        del self._jobs(kind)[ctx.params['id']]
        return None

    @route('GET', '/config/sync')
    async def _sync_config_list(self, ctx):
        return await self._config_list('sync', ctx)

    @route('POST', '/config/sync')
    async def _sync_config_create(self, ctx):
        return await self._config_create('sync', ctx)

    @route('GET', '/config/sync/{id}')
    async def _sync_config_get(self, ctx):
        return dict(self._job('sync', ctx.params['id']))

    @route('PUT', '/config/sync/{id}')
    async def _sync_config_update(self, ctx):
        return await self._config_update('sync', ctx)

    @route('DELETE', '/config/sync/{id}')
    async def _sync_config_delete(self, ctx):
        return await self._config_delete('sync', ctx)

    @route('GET', '/config/verify')
    async def _verify_config_list(self, ctx):
        return await self._config_list('verify', ctx)

    @route('POST', '/config/verify')
    async def _verify_config_create(self, ctx):
        return await self._config_create('verify', ctx)

    @route('GET', '/config/verify/{id}')
    async def _verify_config_get(self, ctx):
        return dict(self._job('verify', ctx.params['id']))

    @route('PUT', '/config/verify/{id}')
    async def _verify_config_update(self, ctx):
        return await self._config_update('verify', ctx)

    @route('DELETE', '/config/verify/{id}')
    async def _verify_config_delete(self, ctx):
        return await self._config_delete('verify', ctx)

    @route('GET', '/config/prune')
    async def _prune_config_list(self, ctx):
        return await self._config_list('prune', ctx)

    @route('POST', '/config/prune')
    async def _prune_config_create(self, ctx):
        return await self._config_create('prune', ctx)

    @route('GET', '/config/prune/{id}')
    async def _prune_config_get(self, ctx):
        return dict(self._job('prune', ctx.params['id']))

    @route('PUT', '/config/prune/{id}')
    async def _prune_config_update(self, ctx):
        return await self._config_update('prune', ctx)

    @route('DELETE', '/config/prune/{id}')
    async def _prune_config_delete(self, ctx):
        return await self._config_delete('prune', ctx)

    # ----------------------------------------------------------------- status

    def _with_state(self, kind, job):
        out = dict(job)
        upid = self.job_state.get((kind, job['id']))
        task = self.tasks.get(upid) if upid else None
        if task:
            out['last-run-upid'] = upid
            if not task.running:
                out['last-run-state'] = task.exitstatus
                out['last-run-endtime'] = task.endtime
        return out

    async def _admin_list(self, kind, ctx):
        store = ctx.params.get('store')
        return [self._with_state(kind, job) for _, job in sorted(self._jobs(kind).items())
                if store in (None, job.get('store'))]

    @route('GET', '/admin/sync')
    async def _sync_admin_list(self, ctx):
        return await self._admin_list('sync', ctx)

    @route('GET', '/admin/verify')
    async def _verify_admin_list(self, ctx):
        return await self._admin_list('verify', ctx)

    @route('GET', '/admin/prune')
    async def _prune_admin_list(self, ctx):
        return await self._admin_list('prune', ctx)

    # ------------------------------------------------------------------- runs

    @route('POST', '/admin/sync/{id}/run')
    async def _sync_run(self, ctx):
        job = self._job('sync', ctx.params['id'])
        store = self.store(job['store'])
        if not job.get('remote') and job['store'] == job['remote-store']:
            raise ApiError(400, "can't sync to same datastore")
        error = getattr(self, 'job_errors', {}).get(job['id'])
        remote = job.get('remote')
        worker_id = '{0}:{1}:{2}:{3}:{4}'.format(remote or '-', job['remote-store'], job['store'],
                                                 job.get('ns', ''), job['id'])

        async def body(task):
            task.log("Starting datastore sync job '{0}'".format(worker_id))
            task.log("sync datastore '{0}' from '{1}{2}'".format(store.name, remote + '/' if remote else '',
                                                                 job['remote-store']))
            await self.task_step(task, 1)
            if error:
                raise TaskError(error)
            task.log('Summary: sync job found no new data to pull')
            task.log("sync job '{0}' end".format(worker_id))
        upid = await self.run_task('syncjob', worker_id, ctx.authid, body)
        self.job_state[('sync', job['id'])] = upid
        return upid

    @route('POST', '/admin/verify/{id}/run')
    async def _verify_run(self, ctx):
        job = self._job('verify', ctx.params['id'])
        store = self.store(job['store'])
        ns = job.get('ns', '')
        targets = sorted(store.in_ns(ns, job.get('max-depth', 7)), key=lambda s: (s.ns, s.group, s.backup_time))
        upid = await self.verify_snapshots(store, targets, 'verificationjob', '{0}:{1}'.format(store.name, job['id']),
                                           ctx.authid, job.get('ignore-verified', True))
        self.job_state[('verify', job['id'])] = upid
        return upid

    @route('POST', '/admin/prune/{id}/run')
    async def _prune_run(self, ctx):
        job = self._job('prune', ctx.params['id'])
        store = self.store(job['store'])
        ns = job.get('ns', '')
        upid = await self.prune_store(store, ns, job, ctx.authid, 'prunejob',
                                      store.name if not ns else '{0}:{1}'.format(store.name, ns))
        self.job_state[('prune', job['id'])] = upid
        return upid
