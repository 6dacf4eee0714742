"""tests/try: one command starts a fake PVE and prints client configurations that work as pasted."""

import json
import os
import shutil
import signal
import subprocess

import pytest

from conftest import REPO_ROOT, built
from client import initialize_list_and_call

pytestmark = pytest.mark.anyio


class Pasted:
    """What a person copies from the Claude Desktop block: the command and its environment."""

    def __init__(self, block: dict):
        server = block['mcpServers']['proxmox-fake']
        self.command, self.env = server['command'], server['env']

    def server_env(self):
        return dict(self.env)


async def test_the_printed_claude_desktop_configuration_serves_through_an_mcp_client():
    proc = subprocess.Popen([str(REPO_ROOT / 'tests' / 'try'), '--binary', str(built('PVE_MCP_PACKAGED_BIN'))],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO_ROOT,
                            env={**os.environ, 'PVE_MCP_VENV': os.environ.get('PVE_MCP_VENV', str(REPO_ROOT / '.venv'))})
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith('--- Any other client'):
                break
        text = ''.join(lines)
        assert 'claude mcp add proxmox-fake' in text and '"servers"' in text, text
        desktop = text.split('or Cursor (~/.cursor/mcp.json):\n', 1)[1].split('\n\n', 1)[0]
        pasted = Pasted(json.loads(desktop))
        assert pasted.command == str(built('PVE_MCP_PACKAGED_BIN').resolve())
        # As pasted: the default tool mode lists the cluster's resources directly.
        name, tools, result = await initialize_list_and_call(pasted.command, pasted, path='/cluster/resources')
        assert name == 'pve-mcp' and not result.is_error, result.content
        assert 'pve1' in json.dumps(result.structured_content)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0, 'Ctrl-C stops tests/try cleanly'


@pytest.mark.parametrize('option, value, said', [
    ('--tier', 'admin', "--tier must be read-only, read-execute or full, not 'admin'"),
    ('--port', 'x', "--port must be a number (0 picks a free port), not 'x'"),
])
def test_a_bad_option_value_is_refused_before_anything_is_installed_or_built(option, value, said, tmp_path):
    # Only bash and dirname on PATH: past the options, the missing python3 or cargo would fail differently.
    for tool in ('bash', 'dirname'):
        (tmp_path / tool).symlink_to(shutil.which(tool))
    done = subprocess.run([str(REPO_ROOT / 'tests' / 'try'), option, value], capture_output=True, text=True,
                          timeout=10, cwd=REPO_ROOT, env={'PATH': str(tmp_path), 'HOME': os.environ.get('HOME', '/')})
    assert done.returncode == 2 and said in done.stderr, (done.returncode, done.stderr)
    assert done.stdout == ''
