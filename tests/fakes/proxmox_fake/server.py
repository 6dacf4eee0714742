"""The HTTP side shared by the fakes of Proxmox's Rust products (PBS, PDM): proxmox-rest-server's behaviour.

One aiohttp application answers every method of the product's schema under `/api2/json`:
- authentication as proxmox-auth-api does it: `Authorization: {PREFIX}APIToken=<tokenid>:<secret>`
  (or a space instead of `=`), or the ticket cookie (`{PREFIX}AuthCookie`, also `__Host-` prefixed)
  with a `CSRFPreventionToken` header on every method but GET; any failure is 401
  "authentication failed"; methods whose permission is `world` need none;
- a path or method the schema lacks is 404 "Path '/api2/json/...' not found.";
- parameters checked by `validate` (400 with proxmox-schema's wording);
- errors answered as the JSON formatter does: the status and the bare message as the body (not a
  JSON object), content type `application/json;charset=UTF-8`;
- success as `{"data": ...}` plus result attributes (such as `total`).
A product adds state with handlers declared by `route(method, template)`; every other method gets a
generic answer built from its `returns` schema, and those that run tasks start one that ends OK.
"""

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import random
import secrets
import time
import urllib.parse

from aiohttp import web

from . import schema as api_schema
from .tasks import Task, TaskError
from .validate import ParameterError, SchemaError, json_parameters, parse_parameter_strings

API = '/api2/json'
TICKET_LIFETIME = 7200
# Parameters whose values never reach fake.requests.
SECRET_KEYS = ('password', 'new-password', 'ticket', 'tfa-challenge', 'secret', 'token', 'key', 'secret-key',
               'access-key', 'otp', 'response')
RECORDED_BODY_MAX = 64 * 1024
# proxmox-rest-server's content type for JSON (formatter.rs), without a space before charset.
JSON_CONTENT_TYPE = 'application/json;charset=UTF-8'
# proxmox-rest-server's limit on a request body (rest.rs); uploads (not modeled) have their own.
MAX_REQUEST_BODY_SIZE = 512 * 1024


class ApiError(Exception):
    """An error answer: HTTP status and message (proxmox-router's HttpError, or anyhow's 400)."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def route(method, template):
    """Declare a handler `async def (self, ctx)` for one method of the schema."""
    def mark(func):
        func.route = (method, template)
        return func
    return mark


class Context(object):
    """What a handler sees: the authenticated id, the checked parameters, result attributes to add."""

    def __init__(self, request, match, authid, params):
        self.request = request
        self.match = match
        self.authid = authid
        self.params = params
        self.attrs = {}


def _redact(body, content_type):
    if content_type == 'application/json':
        try:
            data = json.loads(body)
            if isinstance(data, dict) and any(k in data for k in SECRET_KEYS):
                body = json.dumps(dict((k, '***' if k in SECRET_KEYS else v) for k, v in data.items())).encode()
        except (ValueError, RecursionError):
            body = b''
    else:
        pairs = urllib.parse.parse_qsl(body.decode(errors='replace'), keep_blank_values=True)
        if any(k in SECRET_KEYS for k, _ in pairs):
            body = urllib.parse.urlencode([(k, '***' if k in SECRET_KEYS else v) for k, v in pairs]).encode()
    return body[:RECORDED_BODY_MAX]


def error_response(status, message):
    """proxmox-rest-server's error_to_response: the message as the body, JSON content type."""
    return web.Response(status=status, body=message.encode(), headers={'Content-Type': JSON_CONTENT_TYPE},
                        reason=message.splitlines()[0][:120].encode('ascii', 'replace').decode() if message else None)


class FakeProxmox(object):
    """Base of FakePbs and FakePdm: set PRODUCT, PORT, SCHEMA_FILE and NODE in the subclass."""

    PRODUCT = 'PBS'
    PORT = 8007
    SCHEMA_FILE = None
    NODE = 'localhost'
    _schemas = {}

    def __init__(self, user='root@pam', password='secret', host='127.0.0.1', port=None, node=None):
        self.host = host
        self.port = self.PORT if port is None else port
        self.node = node or self.NODE
        self.users = {user: password}
        # tokenid (user@realm!name) -> secret: the tokens that authenticate.
        self.apitokens = {}
        self._issued = set()
        self._revoked = set()
        self.requests = []
        self.max_requests = 10000
        self.failures = []
        self.task_warnings = {}
        self.tasks = {}
        self.time_scale = 0.0
        self.latency = 0.0
        self.pid = random.randint(0x1000, 0xFFFF)
        self.pstart = random.randint(0x100000, 0xFFFFFF)
        self._keyring = secrets.token_bytes(32)
        self._running = set()
        self._runner = None
        self._routes = {}
        for name in dir(type(self)):
            func = getattr(type(self), name, None)
            key = getattr(func, 'route', None)
            if key:
                if key[0] not in self.schema.paths.get(key[1], {}):
                    raise KeyError('{0} {1} is not in the {2} schema'.format(key[0], key[1], self.PRODUCT))
                self._routes[key] = getattr(self, name)

    # ----------------------------------------------------------------- schema

    @property
    def schema(self):
        cls = type(self)
        if cls.SCHEMA_FILE not in FakeProxmox._schemas:
            FakeProxmox._schemas[cls.SCHEMA_FILE] = api_schema.Schema.load(cls.SCHEMA_FILE)
        return FakeProxmox._schemas[cls.SCHEMA_FILE]

    # -------------------------------------------------------------- lifecycle

    @property
    def url(self):
        return 'https://{0}:{1}'.format(self.host, self.port)

    async def start(self, certfile, keyfile):
        """Listen on https://host:port with this PEM certificate and key (port 0: a free one)."""
        import ssl
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(certfile, keyfile)
        app = web.Application(client_max_size=64 * 1024 ** 2)
        app.router.add_route('*', '/{tail:.*}', self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port, ssl_context=ctx).start()
        if not self.port:
            self.port = self._runner.addresses[0][1]

    async def stop(self):
        """Stop listening; tasks still running end `task aborted`."""
        jobs = list(self._running)
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    async def settle(self):
        """Wait until every task started in the background has ended."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def pause(self, secs):
        """Wait `secs` product seconds (time_scale real seconds each; 0 does not wait)."""
        if secs and self.time_scale:
            await asyncio.sleep(secs * self.time_scale)

    # ----------------------------------------------------------------- faults

    def fail(self, method, path, status=400, message='fake failure', times=None, in_task=False):
        """Answer `method` on `path` (a schema template with `{...}`, or a suffix of the request path)
        with `status` and `message`; with in_task, start a task that ends `TASK ERROR: message`
        instead. `times` limits how often (None: until cleared with clear_failures())."""
        self.failures.append({'method': method, 'path': path.rstrip('/') or '/', 'status': status,
                              'message': message, 'times': times, 'in_task': in_task})

    def clear_failures(self):
        self.failures = []
        self.task_warnings = {}

    def warn_in_tasks(self, worker_type, *messages):
        """Tasks of worker_type that would end OK log these warnings and end `WARNINGS: n`."""
        self.task_warnings[worker_type] = list(messages)

    def _failure_for(self, method, path, template):
        for rule in list(self.failures):
            if rule['method'] != method:
                continue
            wanted = rule['path']
            if ('{' in wanted and wanted != template) or ('{' not in wanted and not path.endswith(wanted)):
                continue
            if rule['times'] is not None:
                rule['times'] -= 1
                if rule['times'] <= 0:
                    self.failures.remove(rule)
            return rule
        return None

    # ----------------------------------------------------------- authentication

    def _sign(self, text):
        return base64.b64encode(hmac.new(self._keyring, text.encode(), hashlib.sha256).digest()).decode().rstrip('=')

    def make_ticket(self, user, at=None):
        """A ticket as proxmox-auth-api writes it: `{PREFIX}:{userid}:{HEXTIME}::{signature}`."""
        data = '{0}:{1}:{2:08X}'.format(self.PRODUCT, user, int(at if at is not None else time.time()))
        ticket = '{0}::{1}'.format(data, self._sign(data))
        self._issued.add(ticket)
        return ticket

    def csrf_token(self, user, at=None):
        stamp = '{0:08X}'.format(int(at if at is not None else time.time()))
        return '{0}:{1}'.format(stamp, self._sign(stamp + ':' + user))

    def revoke_tickets(self):
        """Every ticket issued so far stops working (as after a key rotation)."""
        self._revoked |= self._issued

    def _ticket_user(self, ticket):
        parts = ticket.split('::', 1)
        if ticket in self._revoked or len(parts) != 2 or not hmac.compare_digest(self._sign(parts[0]), parts[1]):
            return None
        fields = parts[0].split(':')
        if len(fields) != 3 or fields[0] != self.PRODUCT:
            return None
        stamp = int(fields[2], 16)
        if not -300 <= time.time() - stamp < TICKET_LIFETIME:
            return None
        return fields[1] if fields[1] in self.users else None

    def _authenticate(self, request):
        """The authid of the request, or None (proxmox-auth-api's http_check_auth)."""
        cookie_name = self.PRODUCT + 'AuthCookie'
        ticket = request.cookies.get('__Host-' + cookie_name) or request.cookies.get(cookie_name)
        if ticket:
            user = self._ticket_user(urllib.parse.unquote(ticket))
            if user is None:
                return None
            if request.method != 'GET':
                csrf = request.headers.get('CSRFPreventionToken', '')
                stamp = csrf.split(':', 1)[0]
                try:
                    valid = hmac.compare_digest(self.csrf_token(user, int(stamp, 16)), csrf)
                except ValueError:
                    valid = False
                if not valid:
                    return None
            return user
        auth = request.headers.get('Authorization', '')
        prefix = self.PRODUCT + 'APIToken'
        if not auth.startswith(prefix) or auth[len(prefix):len(prefix) + 1] not in ('=', ' '):
            return None
        tokenid, sep, secret = auth[len(prefix) + 1:].partition(':')
        if not sep or tokenid not in self.apitokens:
            return None
        return tokenid if hmac.compare_digest(self.apitokens[tokenid], urllib.parse.unquote(secret)) else None

    # ---------------------------------------------------------------- requests

    def _record(self, request, body):
        self.requests.append((request.method, request.path, _redact(body, request.content_type)))
        del self.requests[:max(0, len(self.requests) - self.max_requests)]

    async def _serve(self, request):
        body = await request.read()
        self._record(request, body)
        await self.pause(self.latency)
        try:
            return await self._answer(request, body)
        except ApiError as exc:
            return error_response(exc.status, exc.message)
        except (ParameterError, SchemaError) as exc:
            return error_response(400, str(exc))
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - nothing may reach the client as a traceback
            logging.getLogger('proxmox_fake').exception('unhandled error in %s %s', request.method, request.path)
            return error_response(500, 'internal error')

    async def _answer(self, request, body):
        path = request.path
        if not path.startswith('/api2/'):
            raise ApiError(404, "no such file: '{0}'".format(path.strip('/')))
        fmt = path.split('/')[2]
        if fmt == 'extjs':
            raise ApiError(501, 'fake {0}: the /api2/extjs format is not modeled'.format(self.PRODUCT))
        if fmt != 'json':
            raise ApiError(400, "Unsupported output format '{0}'.".format(fmt))
        rel = path[len(API):] or '/'
        match = self.schema.match(rel)
        info = match.methods.get(request.method) if match else None
        authid = None
        if not (info and (info.get('permissions') or {}).get('user') == 'world'):
            authid = self._authenticate(request)
            if authid is None:
                return error_response(401, 'authentication failed')
        if info is None:
            raise ApiError(404, "Path '{0}' not found.".format(path))
        if len(body) >= MAX_REQUEST_BODY_SIZE:
            raise ApiError(400, 'Request body too large')
        params = self._parameters(request, body, info, match)
        rule = self._failure_for(request.method, path, match.template)
        ctx = Context(request, match, authid, params)
        if rule and not rule['in_task']:
            raise ApiError(rule['status'], rule['message'])
        if rule:
            message = rule['message']

            async def failing(task):
                raise TaskError(message)
            data = await self.run_task(self.task_type(match.template), self.task_id(match.params), authid, failing)
        else:
            handler = self._routes.get((request.method, match.template))
            data = await (handler(ctx) if handler else self.generic(ctx, info))
        if isinstance(data, web.StreamResponse):
            return data
        out = {'data': data}
        out.update(ctx.attrs)
        return web.Response(body=json.dumps(out).encode(), headers={'Content-Type': JSON_CONTENT_TYPE})

    def _parameters(self, request, body, info, match):
        """Checked parameters: form/query through parse_parameter_strings, JSON through verify_json."""
        spec = info.get('parameters') or {'properties': {}}
        ctype = request.headers.get('Content-Type')
        is_json = False
        if ctype is not None:
            base = ctype.split(';')[0]
            if base == 'application/json':
                is_json = True
            elif base != 'application/x-www-form-urlencoded':
                raise ApiError(400, 'unsupported content type Ok({0})'.format(json.dumps(ctype)))
        try:
            text = body.decode()
        except UnicodeDecodeError as exc:
            raise ApiError(400, 'Request body not uft8: {0}'.format(exc)) from None
        if is_json:
            try:
                data = json.loads(text) if text else {}
            except RecursionError:
                raise ApiError(400, 'recursion limit exceeded') from None
            except ValueError as exc:
                raise ApiError(400, '{0} at line {1} column {2}'.format(exc.msg, exc.lineno, exc.colno)) from None
            if not isinstance(data, dict):
                raise SchemaError('Expected object - got array.' if isinstance(data, list)
                                  else 'Expected object - got scalar value.')
            return json_parameters(spec, data, match.params)
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True) if text else []
        pairs += [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
                  if k != '_dc']
        pairs += list(match.params.items())
        return parse_parameter_strings(spec, pairs)

    # ------------------------------------------------------------------ tasks

    @staticmethod
    def task_type(template):
        """A worker type for a generic task: the last literal segment of the path."""
        segs = [s for s in template.strip('/').split('/') if not s.startswith('{')]
        return (segs[-1] if segs else 'task').replace('-', '')

    @staticmethod
    def task_id(params):
        return ':'.join(str(v) for k, v in sorted(params.items()) if k != 'node') or None

    async def run_task(self, worker_type, worker_id, authid, body, node=None, task=None, registry=None):
        """Start a task running `async body(task)`; answer its UPID. With time_scale 0 the task has
        ended when this returns; otherwise it runs in the background (see settle()). `task` and
        `registry` (a dict by UPID, default self.tasks) serve tasks of another kind, such as a remote's."""
        if task is None:
            task = Task(node or self.node, self.pid, self.pstart, worker_type, worker_id, authid or 'root@pam')
        (self.tasks if registry is None else registry)[task.upid] = task

        async def run():
            try:
                await body(task)
                for message in self.task_warnings.get(worker_type, ()):
                    task.warn(message)
            except TaskError as exc:
                task.finish(str(exc))
            except asyncio.CancelledError:
                task.finish('task aborted')
                raise
            except Exception as exc:  # noqa: BLE001 - a handler bug ends the task, not the fake
                logging.getLogger('proxmox_fake').exception('task %s failed', task.upid)
                task.finish(str(exc))
            else:
                task.finish()
        if not self.time_scale:
            await run()
        else:
            job = asyncio.ensure_future(run())
            self._running.add(job)
            job.add_done_callback(self._running.discard)
        return task.upid

    async def task_step(self, task, secs):
        """Wait `secs` product seconds inside a task; an abort request ends it."""
        await self.pause(secs)
        if task.abort_requested:
            raise TaskError('abort requested - aborting task')

    def task(self, upid):
        return self.tasks.get(upid)

    # ------------------------------------------------------------ generic answers

    async def generic(self, ctx, info):
        """An answer for a method without state: a directory index, a task that ends OK, or a sample."""
        method, template = ctx.request.method, ctx.match.template
        returns = info.get('returns') or {}
        if api_schema.is_task(method, info):
            async def nothing(task):
                task.log('fake {0}: nothing to do'.format(self.PRODUCT))
            return await self.run_task(self.task_type(template), self.task_id(ctx.match.params), ctx.authid,
                                       nothing)
        if method == 'GET' and returns.get('type') in (None, 'null') and self.schema.subdirs(template):
            return [{'subdir': name} for name in self.schema.subdirs(template)]
        return api_schema.sample(returns)
