"""fakepve in its own process for the benchmarks, driven over stdin/stdout (one JSON object a line).

Running fakepve in a separate process keeps its event loop off the measuring client's core and
lets the client use plain blocking I/O. It is started with tests/fakepve_launcher.py (the test
suite's launcher: self-signed certificate, token `root@pam!mcp`, VMs 100 and 101, CT 200), bound
to 127.0.0.1 only.

On start it prints one line: {"url", "port", "ca_file", "token_id", "token_secret", "node"}.
Then it answers commands, one reply line each:

    {"cmd": "time_scale", "value": 1.0}            -> {"ok": true}
    {"cmd": "vm", "vmid": 101, "set": {...}}       -> {"status": ...}  (set attributes such as start_secs, status)
    {"cmd": "requests"}                            -> {"count": N}
    {"cmd": "requests_since", "count": N}          -> {"requests": [[method, path], ...]}
    {"cmd": "task_end", "upid": "UPID:..."}        -> {"end": <CLOCK_MONOTONIC seconds> or null, "status": ...}
    {"cmd": "last_task"}                           -> {"upid": ..., "end": ..., "status": ...}  (newest task)
    {"cmd": "stop"}                                -> {"ok": true}, then exits

Task end times: fakepve stamps a task's `endtime` in whole seconds, too coarse here. This host
wraps the task table so that the moment fakepve appends a task's final log line ("TASK OK" /
"TASK ERROR: ...", the statement right after it sets `endtime`) is stamped with
time.monotonic(), which on Linux is CLOCK_MONOTONIC, shared by every process on the machine: the
client compares it with its own time.monotonic() at the tool's answer.
"""

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'tests'))

from fakepve_launcher import running_fakepve  # noqa: E402  (the test suite's launcher)


class _StampedLog(list):
    """A task's log that remembers when its final line was appended."""

    def __init__(self, items, ends, upid):
        super().__init__(items)
        self._ends = ends
        self._upid = upid

    def append(self, item):
        if isinstance(item, str) and (item == 'TASK OK' or item.startswith('TASK ERROR')):
            self._ends.setdefault(self._upid, time.monotonic())
        super().append(item)


class _StampedTasks(dict):
    """fakepve's task table; gives each new task a _StampedLog."""

    def __init__(self, ends):
        super().__init__()
        self._ends = ends

    def __setitem__(self, upid, record):
        if isinstance(record, dict) and isinstance(record.get('log'), list):
            record['log'] = _StampedLog(record['log'], self._ends, upid)
        super().__setitem__(upid, record)


def _reply(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


async def _serve():
    directory = tempfile.mkdtemp(prefix='pve-mcp-bench-')
    ends = {}
    try:
        async with running_fakepve(directory, time_scale=0.0) as env:
            pve = env.pve
            old = pve.tasks
            pve.tasks = _StampedTasks(ends)
            pve.tasks.update(old)
            pve.max_requests = 10 ** 6  # requests_since counts by index: keep them all (bounded by the run)
            _reply({'url': env.url, 'port': pve.port, 'ca_file': env.ca_file, 'token_id': env.token_id,
                    'token_secret': env.token_secret, 'node': env.node})
            loop = asyncio.get_running_loop()
            reader = asyncio.StreamReader(limit=1 << 20)
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
            while True:
                line = await reader.readline()
                if not line:
                    return
                try:
                    cmd = json.loads(line)
                    name = cmd.get('cmd')
                    if name == 'stop':
                        _reply({'ok': True})
                        return
                    elif name == 'time_scale':
                        pve.time_scale = float(cmd['value'])
                        _reply({'ok': True})
                    elif name == 'vm':
                        vm = pve.vm(int(cmd['vmid']))
                        if vm is None:
                            _reply({'error': 'no VM {0}'.format(cmd['vmid'])})
                            continue
                        for key, value in (cmd.get('set') or {}).items():
                            setattr(vm, key, value)
                        _reply({'status': getattr(vm, 'status', None)})
                    elif name == 'requests':
                        _reply({'count': len(pve.requests)})
                    elif name == 'requests_since':
                        reqs = pve.requests[int(cmd['count']):]
                        _reply({'requests': [[m, p] for (m, p, _body) in reqs]})
                    elif name == 'last_task':
                        upid = next(reversed(pve.tasks), None) if pve.tasks else None
                        task = pve.tasks.get(upid) if upid else None
                        _reply({'upid': upid, 'end': ends.get(upid),
                                'status': None if task is None else task.get('status'),
                                'exitstatus': None if task is None else task.get('exitstatus')})
                    elif name == 'task_end':
                        task = pve.tasks.get(cmd['upid'])
                        _reply({'end': ends.get(cmd['upid']),
                                'status': None if task is None else task.get('status'),
                                'exitstatus': None if task is None else task.get('exitstatus')})
                    else:
                        _reply({'error': 'unknown command {0!r}'.format(name)})
                except Exception as exc:  # report, keep serving
                    _reply({'error': '{0}: {1}'.format(type(exc).__name__, exc)})
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    asyncio.run(_serve())


if __name__ == '__main__':
    main()
