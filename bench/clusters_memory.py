"""Peak memory (VmHWM) of pve-mcp with one cluster from the environment, and with one and three clusters
from a configuration file, each cluster its own fakepve.

Each run: spawn, initialize, tools/list, `nodes_list` on every cluster (so each cluster's client has
made its TLS connection and the release check has run), then VmHWM from /proc/<pid>/status. The median
of RUNS spawns per set-up is printed.

    PVE_MCP_BIN=target/release/pve-mcp /work/main/.venv/bin/python bench/clusters_memory.py [RUNS]
"""

import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / 'tests'), str(ROOT / 'tests' / 'integration')]

import harness  # noqa: E402
from fakepve_launcher import running_fakepve  # noqa: E402


def hwm_kib(pid: int) -> int:
    for line in Path('/proc/{0}/status'.format(pid)).read_text().splitlines():
        if line.startswith('VmHWM:'):
            return int(line.split()[1])
    raise RuntimeError('no VmHWM')


def config_file(directory: Path, envs) -> tuple[dict, list]:
    text = ''
    settings = {}
    names = []
    for i, env in enumerate(envs):
        name = 'c{0}'.format(i)
        names.append(name)
        variable = 'BENCH_SECRET_{0}'.format(i)
        settings[variable] = env.token_secret
        text += ('[[cluster]]\nname = "{0}"\nbase_url = "{1}"\ntoken_id = "{2}"\ntoken_secret_env = "{3}"\n'
                 'ca_file = "{4}"\n\n').format(name, env.url, env.token_id, variable, env.ca_file)
    path = directory / 'clusters-{0}.toml'.format(len(envs))
    path.write_text(text)
    settings['PVE_MCP_CONFIG'] = str(path)
    return settings, names


async def one_run(settings: dict, clusters: list, directory: Path) -> int:
    raw = await harness.RawServer.start(settings, directory / 'stderr')
    try:
        await raw.request('initialize', harness.initialize_request(0, '2025-11-25')['params'])
        await raw.notify('notifications/initialized')
        await raw.request('tools/list', {})
        for cluster in clusters:
            args = {} if cluster is None else {'cluster': cluster}
            answer = await raw.request('tools/call', {'name': 'nodes_list', 'arguments': args})
            assert not answer['result'].get('isError'), answer
        await asyncio.sleep(0.3)
        return hwm_kib(raw.proc.pid)
    finally:
        await raw.close()


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        envs = []
        managers = []
        for i in range(3):
            pki = directory / 'pki{0}'.format(i)
            pki.mkdir()
            manager = running_fakepve(str(pki))
            envs.append(await manager.__aenter__())
            managers.append(manager)
        try:
            setups = {
                'environment, 1 cluster': (envs[0].server_env(PVE_TOOL_MODE=None), [None]),
                'file, 1 cluster': config_file(directory, envs[:1]),
                'file, 3 clusters': config_file(directory, envs),
            }
            for label, (settings, clusters) in setups.items():
                figures = [await one_run(settings, clusters, directory) for _ in range(runs)]
                print('{0:24} VmHWM median {1:7.2f} MB  (min {2:.2f}, max {3:.2f}, {4} runs)'.format(
                    label, statistics.median(figures) / 1024, min(figures) / 1024, max(figures) / 1024, runs))
        finally:
            for manager in reversed(managers):
                await manager.__aexit__(None, None, None)


if __name__ == '__main__':
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
