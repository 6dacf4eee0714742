"""Worker tasks as proxmox-rest-server runs them: UPIDs, status, the task log and its last line.

A UPID is `UPID:{node}:{pid:08X}:{pstart:08X}:{task_id:08X}:{starttime:08X}:{type}:{id}:{authid}:`
(proxmox-schema `upid.rs`; the worker id is systemd-escaped: `/` becomes `-`, other characters but
`[A-Za-z0-9_.]` become `\\xNN`). PVE's UPID differs: it has no task id field and its PID and start
fields are of other widths. A task log line is `{rfc3339 time}: {message}`; the last is
`TASK OK`, `TASK WARNINGS: {n}` or `TASK ERROR: {message}`, and the task status's `exitstatus` is
`OK`, `WARNINGS: {n}` or the bare error message (`TaskState`'s Display in `worker_task.rs`).
"""

import datetime
import itertools
import time


class TaskError(Exception):
    """Raised inside a task body: the task ends with `TASK ERROR: {message}`."""


def escape_id(text):
    """proxmox-schema's escape_id (systemd unit escaping, `/` as `-`)."""
    out = []
    for i, byte in enumerate(text.encode()):
        char = chr(byte)
        if char == '/':
            out.append('-')
        elif (i == 0 and char == '.') or not (char in '_.' or char.isascii() and char.isalnum()):
            out.append('\\x{0:02x}'.format(byte))
        else:
            out.append(char)
    return ''.join(out)


def rfc3339(epoch):
    """proxmox_time::epoch_to_rfc3339 in UTC: 2026-12-06T22:30:00+00:00."""
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).isoformat()


class Task(object):
    """One worker task: its UPID, state and log."""

    _ids = itertools.count(1)

    def __init__(self, node, pid, pstart, worker_type, worker_id, authid, starttime=None):
        self.node = node
        self.pid = pid
        self.pstart = pstart
        self.task_id = next(Task._ids)
        self.starttime = int(starttime if starttime is not None else time.time())
        self.worker_type = worker_type
        self.worker_id = worker_id
        self.authid = authid
        self.upid = 'UPID:{0}:{1:08X}:{2:08X}:{3:08X}:{4:08X}:{5}:{6}:{7}:'.format(
            node, pid, pstart, self.task_id, self.starttime, worker_type,
            escape_id(worker_id) if worker_id else '', authid)
        self.lines = []
        self.warnings = 0
        self.endtime = None
        self.exitstatus = None  # 'OK', 'WARNINGS: n' or the error message once stopped
        self.abort_requested = False

    @property
    def running(self):
        return self.endtime is None

    def log(self, message):
        """Append a line to the task log."""
        for line in str(message).splitlines() or ['']:
            self.lines.append('{0}: {1}'.format(rfc3339(time.time()), line))

    def warn(self, message):
        """A warning: logged, and counted into `WARNINGS: n`."""
        self.warnings += 1
        self.log(message)

    def finish(self, error=None):
        """End the task: with an error message, with warnings, or OK."""
        self.endtime = int(time.time())
        if error is not None:
            self.exitstatus = str(error)
            last = 'TASK ERROR: {0}'.format(error)
        elif self.warnings:
            self.exitstatus = 'WARNINGS: {0}'.format(self.warnings)
            last = 'TASK ' + self.exitstatus
        else:
            self.exitstatus = 'OK'
            last = 'TASK OK'
        self.lines.append('{0}: {1}'.format(rfc3339(self.endtime), last))

    @property
    def user(self):
        return self.authid.split('!', 1)[0]

    def status(self):
        """GET /nodes/{node}/tasks/{upid}/status (proxmox-backup `api2/node/tasks.rs`)."""
        out = {'upid': self.upid, 'node': self.node, 'pid': self.pid, 'pstart': self.pstart,
               'starttime': self.starttime, 'type': self.worker_type, 'user': self.user}
        if self.worker_id:
            out['id'] = self.worker_id
        if '!' in self.authid:
            out['tokenid'] = self.authid.split('!', 1)[1]
        if self.running:
            out['status'] = 'running'
        else:
            out['status'] = 'stopped'
            out['exitstatus'] = self.exitstatus
        return out

    def list_entry(self):
        """One item of GET /nodes/{node}/tasks (TaskListItem)."""
        out = {'upid': self.upid, 'node': self.node, 'pid': self.pid, 'pstart': self.pstart,
               'starttime': self.starttime, 'worker_type': self.worker_type, 'user': self.authid}
        if self.worker_id:
            out['worker_id'] = self.worker_id
        if not self.running:
            out['endtime'] = self.endtime
            out['status'] = self.exitstatus
        return out
