"""Start the fake PBS or PDM for tests (in-process, inside a running event loop) or from the command line.

In a test (pytest with anyio, or any asyncio code):

    from fakes.launch import running_fakepbs
    async with running_fakepbs(tmp_path) as env:
        env.url, env.ca_file, env.fingerprint     # where it listens and the certificate to trust
        env.token_id, env.token_secret            # an API token that authenticates (root@pam!mcp)
        env.authorization                         # the Authorization header value for that token
        env.fake.requests                         # every request received: (method, path, body)
        env.requests_since(n)                     # those after env.request_count() returned n
        await env.get('/status/datastore-usage')  # the answer's data, straight from the fake

Both fakes listen on loopback only (they have no real security) and use the self-signed certificate
written into the directory given. Nothing here fixes how pve-mcp is configured for them: the
`server_env` of a product belongs to the server's own configuration.
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

from fakepve.certs import make_cert

HOST = '127.0.0.1'
TOKEN_ID = 'root@pam!mcp'


@dataclasses.dataclass
class FakeEnv:
    """A started fake and what a client needs to reach it."""

    fake: Any
    url: str
    ca_file: str
    token_id: str
    token_secret: str
    der: bytes

    @property
    def product(self) -> str:
        return self.fake.PRODUCT

    @property
    def fingerprint(self) -> str:
        """The certificate's SHA-256 fingerprint as Proxmox shows it (AA:BB:...)."""
        return ':'.join('{0:02X}'.format(b) for b in hashlib.sha256(self.der).digest())

    @property
    def authorization(self) -> str:
        """`PBSAPIToken=<id>:<secret>` (or `PDMAPIToken=`)."""
        return '{0}APIToken={1}:{2}'.format(self.product, self.token_id, self.token_secret)

    def request_count(self) -> int:
        """How many requests the fake has received so far."""
        return len(self.fake.requests)

    def requests_since(self, count: int) -> list:
        """The requests received after request_count() returned `count`: (method, path, body)."""
        return self.fake.requests[count:]

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    async def request(self, method: str, path: str, **kwargs) -> tuple[int, Any]:
        """Send `method /api2/json<path>` with the token: (status, data or the error text)."""
        import aiohttp
        headers = {'Authorization': self.authorization}
        async with aiohttp.ClientSession() as http:
            async with http.request(method, self.url + '/api2/json' + path, ssl=self.ssl_context(),
                                    headers=headers, **kwargs) as resp:
                text = await resp.text()
                if resp.status == 200:
                    import json
                    return resp.status, json.loads(text)['data']
                return resp.status, text

    async def get(self, path: str, **params) -> Any:
        """GET /api2/json<path> with the token: the answer's `data`; anything but 200 raises."""
        status, data = await self.request('GET', path, params=params)
        if status != 200:
            raise AssertionError('the fake {0} answered {1} to {2}: {3}'.format(self.product, status, path, data))
        return data


def _check_loopback(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == 'localhost'
    if not loopback:
        raise ValueError('the fakes have no real security: bind them to a loopback address, not {0}'.format(host))


@contextlib.asynccontextmanager
async def _running(fake, directory):
    _check_loopback(fake.host)
    certfile, keyfile, der = make_cert(str(directory), name='fake' + fake.PRODUCT.lower(), hosts=(fake.host,))
    secret = secrets.token_hex(16)
    fake.apitokens[TOKEN_ID] = secret
    await fake.start(certfile, keyfile)
    try:
        yield FakeEnv(fake=fake, url=fake.url, ca_file=certfile, token_id=TOKEN_ID, token_secret=secret, der=der)
    finally:
        await fake.stop()


def running_fakepbs(directory, host: str = HOST, port: int = 0, time_scale: float = 0.0, state: bool = True):
    """A started fake PBS (the default state unless state=False) with a token; yields a FakeEnv."""
    from fakes.fakepbs import FakePbs, default_state
    pbs = FakePbs(password=secrets.token_urlsafe(16), host=host, port=port)
    pbs.time_scale = time_scale
    if state:
        default_state(pbs)
    return _running(pbs, directory)


def running_fakepdm(directory, host: str = HOST, port: int = 0, time_scale: float = 0.0, state: bool = True):
    """A started fake PDM (remotes pve-a, pve-b and pbs-main unless state=False) with a token."""
    from fakes.fakepdm import FakePdm, default_state
    pdm = FakePdm(password=secrets.token_urlsafe(16), host=host, port=port)
    pdm.time_scale = time_scale
    if state:
        default_state(pdm)
    return _running(pdm, directory)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def _serve(product, args) -> None:
    directory = tempfile.mkdtemp(prefix='pve-mcp-fake{0}-'.format(product))
    start = running_fakepbs if product == 'pbs' else running_fakepdm
    try:
        async with start(directory, host=args.host, port=args.port, time_scale=args.time_scale) as env:
            print('fake {0} listening on {1} (Ctrl-C stops it)'.format(env.product, env.url))
            print('token:       {0}'.format(env.authorization))
            print('CA file:     {0}'.format(env.ca_file))
            print('fingerprint: {0}'.format(env.fingerprint))
            print('\nCheck with: curl --cacert {0} -H {1} {2}/api2/json/version'.format(
                shlex.quote(env.ca_file), shlex.quote('Authorization: ' + env.authorization), env.url), flush=True)
            await _until_stopped()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def serve_forever(product: str, argv=None) -> int:
    """The command line of fakepbs.py and fakepdm.py."""
    default_port = 8007 if product == 'pbs' else 8443
    parser = argparse.ArgumentParser(prog='fake' + product,
                                     description='Serve a fake Proxmox {0} API (loopback only).'.format(
                                         'Backup Server' if product == 'pbs' else 'Datacenter Manager'))
    parser.add_argument('--host', default=HOST, help='loopback address to listen on (default %(default)s)')
    parser.add_argument('--port', type=int, default=default_port, help='port, 0 for any free one (default %(default)s)')
    parser.add_argument('--time-scale', type=float, default=0.0,
                        help='real seconds per product second; 0 finishes tasks at once (default)')
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(product, args))
    except (ValueError, OSError) as exc:
        print('fake{0}: {1}'.format(product, exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0
