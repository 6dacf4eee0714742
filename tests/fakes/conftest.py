"""Fixtures of the fakes' own tests: a fresh fake PBS or PDM with the default state, for each test."""

import pytest

from fakes.launch import running_fakepbs, running_fakepdm


@pytest.fixture
def anyio_backend():
    # The fakes are aiohttp, so asyncio it is.
    return 'asyncio'


@pytest.fixture
async def pbs(tmp_path):
    """A started fake PBS (see README.md for its state) with the token root@pam!mcp."""
    async with running_fakepbs(str(tmp_path)) as env:
        yield env


@pytest.fixture
async def pdm(tmp_path):
    """A started fake PDM (remotes pve-a, pve-b, pbs-main) with the token root@pam!mcp."""
    async with running_fakepdm(str(tmp_path)) as env:
        yield env
