"""Start fakepve (a fake Proxmox VE API) for pve-mcp's tests, or standalone to try pve-mcp without a cluster.

In tests, inside a running asyncio event loop:

    async with running_fakepve(tmp_path) as env:
        env.pve.requests       # every request fakepve received: (method, path, body)
        env.server_env()       # the PVE_* variables that point pve-mcp at it

Standalone (stays up until Ctrl-C, prints the variables to export):

    python tests/fakepve_launcher.py [--port 8006]

fakepve is AGPL-3.0 (https://pypi.org/project/fakepve/); it is a test dependency only and never part of
the pve-mcp binary. It listens on loopback only: it has no real security.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import hashlib
import ipaddress
import secrets
import shlex
import shutil
import signal
import ssl
import sys
import tempfile
from typing import Any

from fakepve import FakePve
from fakepve.certs import make_cert

HOST = '127.0.0.1'
NODE = 'pve1'
TOKEN_ID = 'root@pam!mcp'

# The guests every test starts with. VM 100 runs (config changes other than name, description,
# onboot, tags, protection, startup and agent go to pending on a running VM), VM 101 is stopped
# (every change applies at once), CT 200 is a container.
DEFAULT_GUESTS = (
    {'type': 'qemu', 'vmid': 100, 'name': 'web', 'status': 'running',
     'config': {'cores': 2, 'sockets': 1, 'memory': 2048, 'ostype': 'l26', 'scsihw': 'virtio-scsi-single',
                'scsi0': 'local-lvm:vm-100-disk-0,iothread=1,size=32G',
                'net0': 'virtio=BC:24:11:00:01:00,bridge=vmbr0,firewall=1',
                'boot': 'order=scsi0;net0', 'onboot': 1}},
    {'type': 'qemu', 'vmid': 101, 'name': 'db', 'status': 'stopped',
     'config': {'cores': 4, 'sockets': 1, 'memory': 8192, 'ostype': 'l26', 'scsihw': 'virtio-scsi-single',
                'scsi0': 'local-lvm:vm-101-disk-0,size=64G',
                'net0': 'virtio=BC:24:11:00:01:01,bridge=vmbr0',
                'boot': 'order=scsi0;net0'}},
    {'type': 'lxc', 'vmid': 200, 'name': 'ct1', 'status': 'running',
     'config': {'cores': 1, 'memory': 512, 'net0': 'name=eth0,bridge=vmbr0,ip=dhcp'}},
)


@dataclasses.dataclass
class FakePveEnv:
    """A started fakepve and what a client needs to reach it."""

    pve: FakePve
    url: str
    ca_file: str
    token_id: str
    token_secret: str
    der: bytes
    node: str = NODE

    @property
    def fingerprint(self) -> str:
        """The certificate's SHA-256 fingerprint as PVE shows it (AA:BB:...)."""
        return ':'.join('{0:02X}'.format(b) for b in hashlib.sha256(self.der).digest())

    def server_env(self, tier: str | None = None, ca_file: bool = True, **extra: str | None) -> dict[str, str]:
        """The PVE_* environment for pve-mcp: this fake, its CA, the token; `extra` adds or (with None) removes.

        Tests find tools in tools/list, so the server lists every tool directly (PVE_TOOL_MODE=direct)
        unless a test asks for another mode.
        """
        env = {'PVE_BASE_URL': self.url, 'PVE_TOKEN_ID': self.token_id, 'PVE_TOKEN_SECRET': self.token_secret,
               'PVE_TOOL_MODE': 'direct'}
        if ca_file:
            env['PVE_CA_FILE'] = self.ca_file
        if tier is not None:
            env['PVE_ACCESS_TIER'] = tier
        for key, value in extra.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def calls(self) -> list[tuple[str, str, bytes]]:
        """The requests fakepve received for tool calls: all but the server's own one-time check of
        the cluster's release (GET /version), which it sends in the background on first use."""
        return [r for r in self.pve.requests if (r[0], r[1]) != ('GET', '/api2/json/version')]

    def request_count(self) -> int:
        """How many requests fakepve has received so far for tool calls."""
        return len(self.calls())

    def requests_since(self, count: int) -> list[tuple[str, str, bytes]]:
        """The tool-call requests received after request_count() returned `count`."""
        return self.calls()[count:]

    async def get(self, path: str) -> Any:
        """GET /api2/json<path> straight from fakepve with the token: the answer's `data`, as PVE sent it."""
        import aiohttp
        ctx = ssl.create_default_context(cafile=self.ca_file)
        headers = {'Authorization': 'PVEAPIToken={0}={1}'.format(self.token_id, self.token_secret)}
        async with aiohttp.ClientSession() as http:
            async with http.get(self.url + '/api2/json' + path, ssl=ctx, headers=headers) as resp:
                body = await resp.json()
                if resp.status != 200:
                    raise AssertionError('fakepve answered {0} {1}: {2}'.format(resp.status, path, body))
                return body['data']


def _add_guests(pve: FakePve, guests, node: str) -> None:
    for guest in guests:
        guest = dict(guest)
        kind = guest.pop('type', 'qemu')
        guest.setdefault('node', node)
        if kind == 'lxc':
            pve.add_ct(guest.pop('vmid'), guest.pop('name', None), **guest)
        elif kind == 'qemu':
            pve.add_vm(guest.pop('vmid'), guest.pop('name'), **guest)
        else:
            raise ValueError('guest type must be qemu or lxc, not {0!r}'.format(kind))


def _check_loopback(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == 'localhost'
    if not loopback:
        raise ValueError('fakepve has no real security: bind it to a loopback address, not {0}'.format(host))


@contextlib.asynccontextmanager
async def running_fakepve(directory: str, guests=DEFAULT_GUESTS, host: str = HOST, port: int = 0,
                          time_scale: float = 0.0, node: str = NODE):
    """A started fakepve with a self-signed certificate (written to `directory`), an API token
    `root@pam!mcp` with a random secret, and `guests`. Yields a FakePveEnv; stops fakepve on exit.

    Starting cannot silently fail: any error (missing cryptography, port in use) is raised.
    """
    _check_loopback(host)
    certfile, keyfile, der = make_cert(str(directory), hosts=(host,))
    pve = FakePve(user='root@pam', password=secrets.token_urlsafe(16), host=host, port=port)
    pve.time_scale = time_scale
    # fakepve answers the PVE 9.2 schema's methods; it reports 9.0 unless told otherwise, and pve-mcp
    # serves a cluster as the release it reports. Tests of other releases set these themselves.
    pve.version, pve.release_version = '9.2.0', '9.2'
    secret = secrets.token_hex(16)
    pve.apitokens[TOKEN_ID] = secret
    pve.add_node(node)
    _add_guests(pve, guests, node)
    await pve.start(certfile, keyfile)
    try:
        yield FakePveEnv(pve=pve, url=pve.url, ca_file=certfile, token_id=TOKEN_ID, token_secret=secret,
                         der=der, node=node)
    finally:
        await pve.stop()


async def until_stopped() -> None:
    """Returns on Ctrl-C (SIGINT) or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _serve(args) -> None:
    directory = tempfile.mkdtemp(prefix='pve-mcp-fakepve-')
    try:
        async with running_fakepve(directory, host=args.host, port=args.port,
                                   time_scale=args.time_scale) as env:
            print('fakepve {0} on node {1} with VMs 100 (web), 101 (db) and CT 200 (ct1).'.format(
                env.url, env.node))
            print('In another shell, export these and start pve-mcp (Ctrl-C here stops fakepve):\n')
            # The product's own default tool mode (auto), not the suite's (direct).
            for key, value in env.server_env(tier=args.tier, PVE_TOOL_MODE=None).items():
                print('export {0}={1}'.format(key, shlex.quote(value)))
            print('\nCheck with: curl --cacert {0} -H {1} {2}/api2/json/nodes'.format(
                shlex.quote(env.ca_file),
                shlex.quote('Authorization: PVEAPIToken={0}={1}'.format(env.token_id, env.token_secret)),
                env.url), flush=True)
            await until_stopped()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description='Serve a fake Proxmox VE API for pve-mcp (loopback only).')
    parser.add_argument('--host', default=HOST, help='loopback address to listen on (default %(default)s)')
    parser.add_argument('--port', type=int, default=0, help='port (default: any free one)')
    parser.add_argument('--tier', default='read-only', choices=('read-only', 'read-execute', 'full'),
                        help='PVE_ACCESS_TIER to print (default %(default)s)')
    parser.add_argument('--time-scale', type=float, default=0.0,
                        help='real seconds per PVE second; 0 finishes tasks at once (default)')
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args))
    except (ValueError, OSError) as exc:
        print('fakepve_launcher: {0}'.format(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
