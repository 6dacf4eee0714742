"""tests/try's second half: starts fakepve and prints client configurations that point at a pve-mcp binary.

    python tests/try_it.py --binary target/debug/pve-mcp [--tier read-only] [--port 0]

Stays up until Ctrl-C. The fake answers as the PVE release of the vendored schema, so the server does
not warn about a release mismatch (a real cluster on another release does get that warning).
"""

import argparse
import asyncio
import json
import re
import shlex
import shutil
import tempfile
from pathlib import Path

from fakepve_launcher import running_fakepve, until_stopped

REPO_ROOT = Path(__file__).resolve().parent.parent
NAME = 'proxmox-fake'


def schema_release() -> str:
    notice = (REPO_ROOT / 'apidoc' / 'NOTICE').read_text()
    return re.search(r'^Release:\s+Proxmox VE\s+(\S+)', notice, re.M).group(1)


def configurations(binary: str, env: dict[str, str]) -> str:
    claude_code = ' \\\n  '.join(['claude mcp add ' + NAME] + ['--env ' + shlex.quote('{0}={1}'.format(k, v))
                                                              for k, v in env.items()] + ['-- ' + shlex.quote(binary)])
    desktop = {'mcpServers': {NAME: {'command': binary, 'env': env}}}
    vscode = {'servers': {NAME: {'type': 'stdio', 'command': binary, 'env': env}}}
    exports = '\n'.join('export {0}={1}'.format(k, shlex.quote(v)) for k, v in env.items())
    return '\n'.join([
        '--- Claude Code (adds it to this project only, "local" scope; --scope user for every project):',
        claude_code, '',
        '--- Claude Desktop (claude_desktop_config.json: Settings > Developer > Edit Config) or Cursor '
        '(~/.cursor/mcp.json):',
        json.dumps(desktop, indent=2), '',
        '--- VS Code (.vscode/mcp.json):',
        json.dumps(vscode, indent=2), '',
        '--- Any other client, or a shell (then run the binary):',
        exports, binary,
    ])


async def serve(args) -> None:
    directory = tempfile.mkdtemp(prefix='pve-mcp-try-')
    try:
        async with running_fakepve(directory, port=args.port) as fake:
            fake.pve.version = schema_release() + '.0'
            fake.pve.release_version = schema_release()
            env = fake.server_env(tier=args.tier, PVE_TOOL_MODE=None)
            print('fakepve (a fake Proxmox VE {0}) at {1}: node {2}, VMs 100 (web, running) and 101 (db), '
                  'CT 200.'.format(schema_release(), fake.url, fake.node))
            print('Paste one of these into your MCP client; they work while this runs (Ctrl-C stops it, and '
                  'the token and certificate change on each start).\nTier {0}: {1}\n'.format(
                      args.tier, 'tools that change things are refused.' if args.tier == 'read-only'
                      else 'calls may change the fake cluster.'))
            print(configurations(str(Path(args.binary).resolve()), env), flush=True)
            await until_stopped()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--binary', required=True, help='the pve-mcp binary the configurations start')
    parser.add_argument('--tier', default='read-only', choices=('read-only', 'read-execute', 'full'),
                        help='PVE_ACCESS_TIER in the configurations (default %(default)s)')
    parser.add_argument('--port', type=int, default=0, help='fakepve port (default: any free one)')
    args = parser.parse_args()
    asyncio.run(serve(args))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
