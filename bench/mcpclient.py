"""A small raw MCP client over stdio (newline-delimited JSON-RPC 2.0) for measuring servers.

No MCP SDK on purpose: the client adds as little as possible to what is measured. Every read has a
deadline (select on the pipe), so a hung server fails the benchmark instead of hanging it.
"""

import json
import os
import select
import subprocess
import threading
import time

PROTOCOL_VERSION = '2025-06-18'
CLIENT_INFO = {'name': 'pve-mcp-bench', 'version': '1'}


class ServerError(Exception):
    """The server died, answered garbage, or did not answer in time."""


def now():
    """CLOCK_MONOTONIC seconds: comparable across processes on Linux (fakepve_host stamps task ends with it)."""
    return time.monotonic()


class StdioServer:
    """One spawned MCP server. `spawned_at` is taken right before the fork."""

    def __init__(self, argv, env, cwd=None, stderr_path=None, timeout=30.0):
        self.timeout = timeout
        self._stderr = open(stderr_path, 'ab') if stderr_path else subprocess.DEVNULL
        self._buf = b''
        self._next_id = 0
        self.spawned_at = now()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                     env=env, cwd=cwd, bufsize=0, close_fds=True)
        self._fd = self.proc.stdout.fileno()
        os.set_blocking(self._fd, False)

    # ------------------------------------------------------------------ wire

    def _write(self, data):
        view = memoryview(data)
        while view:
            n = self.proc.stdin.write(view)
            if n is None:  # would block: the pipe is full
                select.select([], [self.proc.stdin], [], 1.0)
                continue
            view = view[n:]
        # bufsize=0: nothing to flush

    def send(self, obj):
        self._write((json.dumps(obj, separators=(',', ':')) + '\n').encode())

    def request(self, method, params=None):
        """Send a request; returns its id (answer with read_response)."""
        self._next_id += 1
        msg = {'jsonrpc': '2.0', 'id': self._next_id, 'method': method}
        if params is not None:
            msg['params'] = params
        self.send(msg)
        return self._next_id

    def notify(self, method, params=None):
        msg = {'jsonrpc': '2.0', 'method': method}
        if params is not None:
            msg['params'] = params
        self.send(msg)

    def read_line(self, deadline):
        """The next line from the server's stdout, as bytes without the newline."""
        while True:
            nl = self._buf.find(b'\n')
            if nl >= 0:
                line, self._buf = self._buf[:nl], self._buf[nl + 1:]
                return line
            left = deadline - now()
            if left <= 0:
                raise ServerError('no answer within {0:.0f} s'.format(self.timeout))
            ready, _, _ = select.select([self._fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self._fd, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                raise ServerError('the server closed stdout (exit code {0})'.format(self.proc.poll()))
            self._buf += chunk

    def read_message(self, deadline):
        """(message, raw line, arrival time) of the next JSON-RPC message; answers the server's own
        requests (ping) on the way."""
        while True:
            line = self.read_line(deadline)
            at = now()  # the answer is complete here; parsing it is the client's cost, not the server's
            if not line.strip():
                continue
            try:
                msg = json.loads(line)
            except ValueError:
                raise ServerError('not JSON on stdout: {0!r}'.format(line[:200]))
            if 'method' in msg and 'id' in msg:  # a request from the server
                if msg['method'] == 'ping':
                    self.send({'jsonrpc': '2.0', 'id': msg['id'], 'result': {}})
                else:
                    self.send({'jsonrpc': '2.0', 'id': msg['id'],
                               'error': {'code': -32601, 'message': 'not supported by the bench client'}})
                continue
            if 'method' in msg:  # a notification (log message, list changed)
                continue
            return msg, line, at

    def read_response(self, req_id):
        """(message, raw line, time it arrived) of the answer to req_id."""
        deadline = now() + self.timeout
        while True:
            msg, line, at = self.read_message(deadline)
            if msg.get('id') == req_id:
                return msg, line, at

    def call(self, method, params=None):
        """Request and wait: (message, raw line, seconds taken)."""
        start = now()
        req_id = self.request(method, params)
        msg, line, end = self.read_response(req_id)
        return msg, line, end - start

    # ------------------------------------------------------------ MCP steps

    def initialize(self):
        """initialize + notifications/initialized; returns (result message, time of the answer)."""
        req_id = self.request('initialize', {'protocolVersion': PROTOCOL_VERSION, 'capabilities': {},
                                             'clientInfo': CLIENT_INFO})
        msg, _line, at = self.read_response(req_id)
        if 'result' not in msg:
            raise ServerError('initialize failed: {0}'.format(msg))
        self.notify('notifications/initialized')
        return msg, at

    def list_tools(self):
        """All tools (following cursors); returns (tools, raw bytes of every page, time of the last answer)."""
        tools, size, cursor, at = [], 0, None, None
        while True:
            req_id = self.request('tools/list', {'cursor': cursor} if cursor else {})
            msg, line, at = self.read_response(req_id)
            if 'result' not in msg:
                raise ServerError('tools/list failed: {0}'.format(msg))
            size += len(line)
            tools.extend(msg['result'].get('tools', []))
            cursor = msg['result'].get('nextCursor')
            if not cursor:
                return tools, size, at

    def call_tool(self, name, arguments):
        """tools/call: (message, seconds taken)."""
        msg, _line, took = self.call('tools/call', {'name': name, 'arguments': arguments})
        return msg, took

    def concurrent_calls(self, name, arguments, count):
        """`count` tools/call requests sent at once; returns (seconds until the last answer, answers)."""
        payload = b''.join((json.dumps({'jsonrpc': '2.0', 'id': 1_000_000 + i, 'method': 'tools/call',
                                        'params': {'name': name, 'arguments': arguments}},
                                       separators=(',', ':')) + '\n').encode() for i in range(count))
        pending = set(1_000_000 + i for i in range(count))
        answers = {}
        start = now()
        writer = threading.Thread(target=self._write, args=(payload,), daemon=True)
        writer.start()
        deadline = start + self.timeout
        last = start
        while pending:
            msg, _line, at = self.read_message(deadline)
            if msg.get('id') in pending:
                pending.discard(msg['id'])
                answers[msg['id']] = msg
                last = at
        took = last - start
        writer.join(5)
        return took, list(answers.values())

    # -------------------------------------------------------------- process

    def status(self):
        """/proc/<pid>/status as a dict of the fields we use, in kB."""
        out = {}
        with open('/proc/{0}/status'.format(self.proc.pid)) as f:
            for line in f:
                key, _, value = line.partition(':')
                if key in ('VmHWM', 'VmRSS', 'Threads'):
                    out[key] = int(value.split()[0])
        return out

    def close(self):
        """Close stdin (an MCP stdio server's cue to exit), then wait; kill after 5 s."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._stderr is not subprocess.DEVNULL:
            self._stderr.close()
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def result_error(msg):
    """None for a successful tools/call answer, else a short reason."""
    if 'error' in msg:
        return 'JSON-RPC error {0}'.format(msg['error'].get('message'))
    result = msg.get('result') or {}
    if result.get('isError'):
        texts = [c.get('text', '') for c in result.get('content', []) if isinstance(c, dict)]
        return 'isError: {0}'.format(' '.join(texts)[:300])
    return None


def result_text(msg):
    result = msg.get('result') or {}
    return ''.join(c.get('text', '') for c in result.get('content', []) if isinstance(c, dict))
