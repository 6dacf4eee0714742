"""The state a fake Proxmox Backup Server keeps: datastores, namespaces, snapshots, jobs; and prune selection.

Prune selection follows proxmox-backup's `pbs-datastore/src/prune.rs`: protected snapshots are
kept; then keep-last, keep-hourly, -daily, -weekly, -monthly, -yearly in that order, each walking the
snapshots newest first and keeping the newest of each period (hour, day, ISO week, month, year) it
has not covered yet, until it has kept that many; no keep option at all keeps everything.
Periods are taken in UTC (PBS takes them in the server's local time).
"""

import dataclasses
import datetime
import time
from typing import Optional

GIB = 1024 ** 3
KEEP_OPTIONS = ('keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly')
PERIODS = {'keep-hourly': '%Y/%m/%d/%H', 'keep-daily': '%Y/%m/%d', 'keep-weekly': '%G/%V',
           'keep-monthly': '%Y/%m', 'keep-yearly': '%Y'}


def backup_time_string(epoch):
    """A snapshot's time as PBS writes it in paths: 2026-12-06T22:00:00Z."""
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


@dataclasses.dataclass
class Snapshot:
    """One backup snapshot: `vm/100/2026-12-06T22:00:00Z` in namespace `ns` ('' is the root)."""

    backup_type: str
    backup_id: str
    backup_time: int
    ns: str = ''
    files: tuple = ('index.json.blob', 'drive-scsi0.img.fidx')
    size: int = 32 * GIB
    owner: str = 'root@pam'
    protected: bool = False
    comment: Optional[str] = None
    verification: Optional[dict] = None  # {'state': 'ok'|'failed', 'upid': ...}
    corrupt: bool = False  # a verify of it finds a missing chunk

    @property
    def group(self):
        return '{0}/{1}'.format(self.backup_type, self.backup_id)

    @property
    def dir(self):
        return '{0}/{1}'.format(self.group, backup_time_string(self.backup_time))

    def info(self):
        """One item of GET /admin/datastore/{store}/snapshots (SnapshotListItem)."""
        out = {'backup-type': self.backup_type, 'backup-id': self.backup_id, 'backup-time': self.backup_time,
               'files': list(self.files), 'size': self.size, 'owner': self.owner, 'protected': self.protected}
        if self.comment:
            out['comment'] = self.comment
        if self.verification:
            out['verification'] = dict(self.verification)
        return out


@dataclasses.dataclass
class Datastore:
    name: str
    path: str
    total: int = 1024 * GIB
    used: int = 0
    comment: Optional[str] = None
    namespaces: set = dataclasses.field(default_factory=lambda: {''})
    snapshots: list = dataclasses.field(default_factory=list)
    notes: dict = dataclasses.field(default_factory=dict)  # (ns, group) -> notes
    gc: dict = dataclasses.field(default_factory=dict)
    gc_upid: Optional[str] = None
    gc_schedule: Optional[str] = None

    @property
    def avail(self):
        return max(0, self.total - self.used)

    def in_ns(self, ns, depth=0):
        """The snapshots in namespace ns (and up to depth levels below it)."""
        out = []
        for snap in self.snapshots:
            if snap.ns == ns:
                out.append(snap)
            elif depth and (ns == '' or snap.ns.startswith(ns + '/')):
                below = snap.ns[len(ns):].strip('/').count('/') + 1
                if below <= depth:
                    out.append(snap)
        return out

    def group(self, ns, backup_type, backup_id):
        return sorted([s for s in self.snapshots if s.ns == ns and s.backup_type == backup_type
                       and s.backup_id == backup_id], key=lambda s: s.backup_time)

    def groups(self, ns):
        found = {}
        for snap in self.snapshots:
            if snap.ns == ns:
                found.setdefault((snap.backup_type, snap.backup_id), []).append(snap)
        return found

    def gc_status(self):
        """GarbageCollectionStatus as GET /admin/datastore/{store}/gc answers it."""
        out = {'store': self.name, 'disk-bytes': self.used, 'disk-chunks': self.used // (4 * 1024 ** 2),
               'index-data-bytes': sum(s.size for s in self.snapshots), 'index-file-count': len(self.snapshots),
               'pending-bytes': 0, 'pending-chunks': 0, 'removed-bad': 0, 'removed-bytes': 0,
               'removed-chunks': 0, 'still-bad': 0}
        out.update(self.gc)
        if self.gc_upid:
            out['upid'] = self.gc_upid
        return out


def prune_marks(snapshots, options):
    """{snapshot dir: mark} with mark 'keep', 'remove' or 'protected' (PruneMark's Display)."""
    ordered = sorted(snapshots, key=lambda s: s.backup_time, reverse=True)
    marks = {}
    for snap in ordered:
        if snap.protected:
            marks[snap.dir] = 'protected'
    if not any(options.get(k) for k in KEEP_OPTIONS):
        return dict((s.dir, marks.get(s.dir, 'keep')) for s in ordered)
    for option in KEEP_OPTIONS:
        keep = options.get(option)
        if not keep:
            continue
        if option == 'keep-last':
            def select(snap):
                return snap.dir
        else:
            fmt = PERIODS[option]

            def select(snap, fmt=fmt):
                return datetime.datetime.fromtimestamp(snap.backup_time, datetime.timezone.utc).strftime(fmt)
        already = set(select(s) for s in ordered if marks.get(s.dir) == 'keep')
        included = set()
        for snap in ordered:
            if snap.dir in marks:
                continue
            sel = select(snap)
            if sel in already:
                continue
            if sel not in included:
                if len(included) >= keep:
                    break
                included.add(sel)
                marks[snap.dir] = 'keep'
    return dict((s.dir, marks.get(s.dir, 'remove')) for s in ordered)


def default_state(pbs, now=None):
    """The estate the tests start with (see README.md): datastores store1 and offsite, namespace lab,
    groups vm/100, vm/101, ct/200, host/backup-server, and a sync, verify and prune job."""
    now = int(now or time.time())
    day = 86400
    store1 = pbs.add_datastore('store1', total=2048 * GIB, used=1536 * GIB, comment='main datastore')
    pbs.add_datastore('offsite', total=4096 * GIB, used=512 * GIB, comment='offsite copies')
    for n in range(3):
        pbs.add_snapshot('store1', 'vm/100', now - (3 - n) * day, verified='ok' if n < 2 else None)
    pbs.add_snapshot('store1', 'vm/101', now - 2 * day, verified='failed')
    pbs.add_snapshot('store1', 'vm/101', now - day)
    for n in range(2):
        pbs.add_snapshot('store1', 'ct/200', now - (2 - n) * day, files=('index.json.blob', 'root.pxar.didx'),
                         size=4 * GIB)
    pbs.add_snapshot('store1', 'host/backup-server', now - day, files=('index.json.blob', 'etc.pxar.didx'),
                     size=GIB // 2)
    pbs.add_namespace('store1', 'lab')
    for n in range(4):
        pbs.add_snapshot('store1', 'vm/100', now - (4 - n) * 7 * day, ns='lab')
    pbs.add_snapshot('offsite', 'vm/100', now - 3 * day, verified='ok')
    store1.gc_schedule = 'daily'
    pbs.add_sync_job('pull-offsite', store='offsite', remote='pbs-remote', remote_store='store1',
                     schedule='hourly', error='unreachable')
    pbs.add_verify_job('verify-store1', store='store1', schedule='daily')
    pbs.add_prune_job('prune-lab', store='store1', ns='lab', schedule='daily', keep={'keep-last': 2})
    return pbs
