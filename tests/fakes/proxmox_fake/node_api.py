"""Methods every Rust product answers the same way: ticket login and the node's task list, status, log, stop.

Behaviour from proxmox-auth-api (`api/access.rs`: a failed login is 401 "permission check failed.")
and proxmox-backup's `api2/node/tasks.rs`, which PDM's `api/nodes/tasks.rs` mirrors: a task that is
not running answers `stopped` with its exit status; one this node never ran answers `stopped` with
`unknown`, as a PBS does for a UPID without a log; the log answers `{"data": [{"n", "t"}], "total",
"success": 1}` with lines counted from 1, skipping those before `start`, `limit` lines (default 50,
0 for all).
"""

from .server import ApiError, route


class NodeApi(object):
    """Mixin of FakeProxmox: /access/ticket and /nodes/{node}/tasks..."""

    @route('POST', '/access/ticket')
    async def _login(self, ctx):
        user, password = ctx.params.get('username'), ctx.params.get('password')
        if password and password == self.users.get(user):
            pass
        elif password and self._ticket_user(password) == user:
            pass  # a valid ticket renews itself
        else:
            raise ApiError(401, 'permission check failed.')
        return {'username': user, 'ticket': self.make_ticket(user), 'CSRFPreventionToken': self.csrf_token(user)}

    @route('DELETE', '/access/ticket')
    async def _logout(self, ctx):
        return None

    def _task_or_none(self, ctx):
        return self.tasks.get(ctx.params['upid'])

    @route('GET', '/nodes/{node}/tasks')
    async def _task_list(self, ctx):
        p = ctx.params
        items = sorted(self.tasks.values(), key=lambda t: (t.starttime, t.task_id), reverse=True)
        if p.get('running'):
            items = [t for t in items if t.running]
        if p.get('errors'):
            items = [t for t in items if not t.running and t.exitstatus != 'OK']
        if p.get('typefilter'):
            items = [t for t in items if p['typefilter'] in t.worker_type]
        if p.get('userfilter'):
            items = [t for t in items if p['userfilter'] in t.authid]
        if p.get('store'):
            items = [t for t in items if (t.worker_id or '').split(':')[0] == p['store']
                     or ':{0}:'.format(p['store']) in ':{0}:'.format(t.worker_id or '')]
        if p.get('since') is not None:
            items = [t for t in items if t.starttime >= p['since']]
        if p.get('until') is not None:
            items = [t for t in items if t.starttime <= p['until']]
        if p.get('statusfilter'):
            wanted = set(p['statusfilter'])

            def state(t):
                if t.running:
                    return 'running'
                return 'ok' if t.exitstatus == 'OK' else 'warning' if t.exitstatus.startswith('WARNINGS:') \
                    else 'error'
            items = [t for t in items if state(t) in wanted]
        start = p.get('start', 0)
        limit = p.get('limit', 50)
        ctx.attrs['total'] = len(items)
        items = items[start:start + limit] if limit else items[start:]
        return [t.list_entry() for t in items]

    @route('GET', '/nodes/{node}/tasks/{upid}')
    async def _task_index(self, ctx):
        return [{'name': 'log'}, {'name': 'status'}]

    @route('GET', '/nodes/{node}/tasks/{upid}/status')
    async def _task_status(self, ctx):
        task = self._task_or_none(ctx)
        if task is not None:
            return task.status()
        return self._unknown_task(ctx.params['upid'])

    def _unknown_task(self, upid):
        fields = upid.split(':')
        authid = fields[8]
        out = {'upid': upid, 'node': fields[1], 'pid': int(fields[2], 16), 'pstart': int(fields[3], 16),
               'starttime': int(fields[5], 16), 'type': fields[6], 'user': authid.split('!', 1)[0],
               'status': 'stopped', 'exitstatus': 'unknown'}
        if fields[7]:
            out['id'] = fields[7]
        if '!' in authid:
            out['tokenid'] = authid.split('!', 1)[1]
        return out

    @route('GET', '/nodes/{node}/tasks/{upid}/log')
    async def _task_log(self, ctx):
        p = ctx.params
        task = self._task_or_none(ctx)
        if task is None:
            raise ApiError(400, 'No such file or directory (os error 2)')
        if p.get('download'):
            if any(p.get(k) is not None for k in ('start', 'limit', 'test-status')):
                raise ApiError(400, "Parameter 'download' cannot be used with other parameters")
            from aiohttp import web
            return web.Response(text=''.join(line + '\n' for line in task.lines), content_type='text/plain')
        start = p.get('start', 0)
        limit = p.get('limit', 50)
        read_until_end = limit == 0
        lines = []
        for n, text in enumerate(task.lines, 1):
            if n < start:
                continue
            if not read_until_end:
                if limit == 0:
                    continue
                limit -= 1
            lines.append({'n': n, 't': text})
        ctx.attrs['total'] = len(task.lines)
        ctx.attrs['success'] = 1
        if p.get('test-status'):
            ctx.attrs['active'] = task.running
        return lines

    @route('DELETE', '/nodes/{node}/tasks/{upid}')
    async def _task_stop(self, ctx):
        task = self._task_or_none(ctx)
        if task is not None and task.running:
            task.abort_requested = True
        return None
