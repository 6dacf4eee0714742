"""Smoke run of a pve-mcp binary built against an older PVE schema, without any PVE.

    python tests/release_smoke.py BINARY EXPECTED_TOOLS

Starts the binary on stdio with placeholder PVE settings (nothing is contacted: only initialize and
tools/list are sent), and checks that it lists EXPECTED_TOOLS tools at tier full in direct mode. It
logs in as a user, not with an API token, so the methods PVE closes to tokens are listed too.
"""

import json
import subprocess
import sys


def main() -> int:
    binary, expected = sys.argv[1], int(sys.argv[2])
    env = {
        'PVE_BASE_URL': 'https://127.0.0.1:9',
        'PVE_USER': 'root@pam',
        'PVE_PASSWORD': 'not-a-secret',
        'PVE_ACCESS_TIER': 'full',
        'PVE_TOOL_MODE': 'direct',
        'PATH': '/usr/bin:/bin',
    }
    messages = [
        {'jsonrpc': '2.0', 'id': 1, 'method': 'initialize',
         'params': {'protocolVersion': '2025-06-18', 'capabilities': {}, 'clientInfo': {'name': 'smoke', 'version': '1'}}},
        {'jsonrpc': '2.0', 'method': 'notifications/initialized'},
        {'jsonrpc': '2.0', 'id': 2, 'method': 'tools/list'},
    ]
    proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    for m in messages:
        proc.stdin.write(json.dumps(m) + '\n')
    proc.stdin.flush()
    answers = {}
    while len(answers) < 2:
        line = proc.stdout.readline()
        if not line:
            break
        msg = json.loads(line)
        if 'id' in msg:
            answers[msg['id']] = msg
    proc.stdin.close()
    proc.wait(timeout=10)
    if 1 not in answers or 2 not in answers:
        print('release smoke: no answer to initialize/tools/list; stderr:\n' + proc.stderr.read(), file=sys.stderr)
        return 1
    tools = answers[2]['result']['tools']
    print('release smoke: {0} answered initialize ({1}) and listed {2} tools (expected {3})'.format(
        binary, answers[1]['result']['protocolVersion'], len(tools), expected))
    return 0 if len(tools) == expected else 1


if __name__ == '__main__':
    sys.exit(main())
