"""The remotes a fake Proxmox Datacenter Manager fronts, modelled simply: PVE clusters with nodes and guests,
and PBS instances (with the fake PBS's own datastore state).

A PVE remote's tasks have PVE's UPID form, `UPID:{node}:{pid:08X}:{pstart:08X}:{starttime:08X}:{type}:{id}:{user}:`
(no task id field, the id not escaped), and PVE's task types (`qmstart`, `qmstop`, `qmshutdown`,
`qmigrate`, `vzstart`, ...); PDM hands them out as remote UPIDs `pve:{remote}!{upid}` (PBS ones
`pbs:{remote}!{upid}`), the form of `pdm-api-types/src/remote_upid.rs`.
"""

import dataclasses
import time
from typing import Optional

from fakes.proxmox_fake.tasks import Task

GIB = 1024 ** 3


class PveTask(Task):
    """A task on a PVE remote: PVE's UPID form and task status."""

    def __init__(self, node, pid, pstart, worker_type, worker_id, authid, starttime=None):
        super().__init__(node, pid, pstart, worker_type, worker_id, authid, starttime)
        self.upid = 'UPID:{0}:{1:08X}:{2:08X}:{3:08X}:{4}:{5}:{6}:'.format(
            node, pid, pstart, self.starttime, worker_type, worker_id or '', authid)

    def log(self, message):
        # PVE's task log lines carry no time stamp.
        for line in str(message).splitlines() or ['']:
            self.lines.append(line)

    def finish(self, error=None):
        super().finish(error)
        self.lines[-1] = self.lines[-1].split(': ', 1)[1]  # PVE writes TASK OK without a time stamp

    def status(self):
        out = {'upid': self.upid, 'node': self.node, 'pid': self.pid, 'pstart': self.pstart,
               'starttime': self.starttime, 'type': self.worker_type, 'id': self.worker_id or '',
               'user': self.authid, 'status': 'running' if self.running else 'stopped'}
        if not self.running:
            out['exitstatus'] = self.exitstatus
        return out

    def list_entry(self):
        out = {'upid': self.upid, 'node': self.node, 'pid': self.pid, 'pstart': self.pstart,
               'starttime': self.starttime, 'type': self.worker_type, 'id': self.worker_id or '',
               'user': self.authid}
        if not self.running:
            out.update(endtime=self.endtime, status=self.exitstatus)
        return out


@dataclasses.dataclass
class Guest:
    """A guest of a PVE remote: what PDM shows of it."""

    vmid: int
    name: str
    node: str
    type: str = 'qemu'  # or 'lxc'
    status: str = 'stopped'
    cpus: int = 2
    maxmem: int = 2 * GIB
    maxdisk: int = 32 * GIB
    tags: tuple = ()
    template: bool = False
    lock: Optional[str] = None
    started: float = 0.0

    @property
    def uptime(self):
        return int(time.time() - self.started) if self.status == 'running' else 0

    def listing(self):
        """An item of GET /pve/remotes/{remote}/qemu (or lxc), as PVE's /nodes/{node}/qemu answers."""
        out = {'vmid': self.vmid, 'name': self.name, 'status': self.status, 'cpus': self.cpus,
               'maxmem': self.maxmem, 'maxdisk': self.maxdisk, 'mem': self.maxmem // 4 if self.status == 'running'
               else 0, 'cpu': 0.02 if self.status == 'running' else 0.0, 'uptime': self.uptime,
               'diskread': 0, 'diskwrite': 0, 'netin': 0, 'netout': 0}
        if self.tags:
            out['tags'] = ';'.join(self.tags)
        if self.template:
            out['template'] = True
        if self.lock:
            out['lock'] = self.lock
        return out

    def resource(self, remote):
        """A `pve-qemu` / `pve-lxc` entry of GET /resources/list."""
        return {'type': 'pve-' + self.type, 'id': 'remote/{0}/guest/{1}'.format(remote, self.vmid),
                'vmid': self.vmid, 'name': self.name, 'node': self.node, 'status': self.status,
                'cpu': 0.02 if self.status == 'running' else 0.0, 'maxcpu': float(self.cpus),
                'mem': self.maxmem // 4 if self.status == 'running' else 0, 'maxmem': self.maxmem,
                'disk': 0, 'maxdisk': self.maxdisk, 'uptime': self.uptime, 'pool': '', 'tags': list(self.tags),
                'template': self.template}


@dataclasses.dataclass
class Remote:
    """A configured remote: type 'pve' (nodes and guests) or 'pbs' (a FakePbs holds its datastores)."""

    id: str
    type: str
    nodes: list
    authid: str = 'root@pam!pdm'
    web_url: Optional[str] = None
    guests: list = dataclasses.field(default_factory=list)
    pbs: object = None  # a FakePbs (not started) for a pbs remote
    tasks: dict = dataclasses.field(default_factory=dict)
    pid: int = 0x2A00
    pstart: int = 0x10000
    node_list: list = dataclasses.field(default_factory=list)

    @property
    def node_names(self):
        return [n.split(',')[0].split('=')[-1] for n in self.nodes]

    def config(self):
        """An item of GET /remotes/remote (the token is never shown)."""
        out = {'id': self.id, 'type': self.type, 'nodes': list(self.nodes), 'authid': self.authid, 'token': ''}
        if self.web_url:
            out['web-url'] = self.web_url
        return out

    def guest(self, vmid):
        return next((g for g in self.guests if g.vmid == vmid), None)


def pve_remote(remote_id, nodes, guests):
    """A PVE remote with these node names and guests ({'vmid', 'name', 'node', 'type', 'status', ...})."""
    remote = Remote(remote_id, 'pve', ['hostname={0}.example.com,fingerprint={1}'.format(n, ':'.join(['AB'] * 32))
                                       for n in nodes])
    remote.node_list = list(nodes)
    for spec in guests:
        guest = Guest(**spec)
        if guest.status == 'running':
            guest.started = time.time() - 3600
        remote.guests.append(guest)
    return remote


def default_state(pdm):
    """Remotes pve-a (nodes a1, a2: VM 100 web running, VM 101 db stopped, CT 200 ct1 running),
    pve-b (node b1: VM 300 build running) and pbs-main (the fake PBS's default datastores)."""
    from fakes.fakepbs import FakePbs
    from fakes.pbs_state import default_state as pbs_default_state
    pdm.add_remote(pve_remote('pve-a', ['a1', 'a2'], [
        {'vmid': 100, 'name': 'web', 'node': 'a1', 'status': 'running', 'tags': ('prod',)},
        {'vmid': 101, 'name': 'db', 'node': 'a2', 'status': 'stopped', 'maxmem': 8 * GIB, 'cpus': 4},
        {'vmid': 200, 'name': 'ct1', 'node': 'a1', 'type': 'lxc', 'status': 'running', 'maxmem': GIB // 2,
         'cpus': 1, 'maxdisk': 8 * GIB},
    ]))
    pdm.add_remote(pve_remote('pve-b', ['b1'], [
        {'vmid': 300, 'name': 'build', 'node': 'b1', 'status': 'running'},
    ]))
    pbs = FakePbs(node='pbs-main')
    pbs_default_state(pbs)
    pdm.add_remote(Remote('pbs-main', 'pbs', ['hostname=pbs-main.example.com'], pbs=pbs))
    return pdm
