"""Fixtures for pve-mcp's integration tests.

Every async test runs on asyncio through anyio's pytest plugin. fakepve runs in the test's own event loop
(`pve_env`), so a test can look at `pve_env.pve.requests` and the fake's state while the real pve-mcp
binary, spawned per test over stdio, talks to it over TLS with an API token.

This suite never skips: a missing binary, an uninstallable or unstartable fakepve is a failure.
"""

import itertools

import pytest

import harness
from fakepve_launcher import running_fakepve
from fakes.fixtures import pbs_env, pdm_env  # noqa: F401 - the fake PBS and PDM, for tests that need them


@pytest.fixture
def anyio_backend():
    # fakepve is aiohttp, so asyncio it is.
    return 'asyncio'


@pytest.fixture
async def pve_env(tmp_path):
    """A started fakepve (node pve1: VM 100 "web" running, VM 101 "db" stopped, CT 200 "ct1"), fresh for
    each test, with the API token root@pam!mcp and a self-signed certificate as its CA file."""
    pki = tmp_path / 'pki'
    pki.mkdir()
    async with running_fakepve(str(pki)) as env:
        yield env


@pytest.fixture
def start_server(tmp_path):
    """start_server(settings, **session_options) -> async context manager yielding a harness.Server:
    pve-mcp spawned with these PVE_* settings, initialized, its tools listed. Its stderr is kept in
    tmp_path. `session_options` go to the SDK's ClientSession (e.g. elicitation_callback=...)."""
    numbers = itertools.count(1)

    def start(settings, **session_options):
        return harness.mcp_server(settings, tmp_path / 'pve-mcp-{0}.stderr'.format(next(numbers)),
                                  **session_options)
    return start


@pytest.fixture(scope='session')
def expected_counts():
    return harness.expected_counts()


@pytest.fixture(scope='session')
def tools_doc():
    return harness.tools_doc()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test is a failed one here: the suite must prove things, not step around them."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, 'wasxfail'):
        report.outcome = 'failed'
        report.longrepr = 'skipped, and this suite does not allow skips: {0}'.format(report.longrepr)
