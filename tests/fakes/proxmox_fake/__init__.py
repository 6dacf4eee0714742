"""The shared core of the fakes of Proxmox's Rust products (Backup Server, Datacenter Manager).

`server.FakeProxmox` is proxmox-rest-server's HTTP behaviour over a vendored apidoc schema;
`validate` is proxmox-schema's parameter checking and wording; `tasks` the worker tasks and their
UPIDs; `node_api` the login and task methods both products share. The products are in
`fakes.fakepbs` and `fakes.fakepdm`.
"""

from .node_api import NodeApi
from .server import API, ApiError, Context, FakeProxmox, route
from .tasks import Task, TaskError

__all__ = ['API', 'ApiError', 'Context', 'FakeProxmox', 'NodeApi', 'Task', 'TaskError', 'route']
