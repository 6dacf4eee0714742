"""pytest fixtures for the integration suite: a fresh fake PBS or PDM per test, with a token.

`tests/integration/conftest.py` imports them, so a test asks for `pbs_env` or `pdm_env` as it asks for
`pve_env`. Each yields a `fakes.launch.FakeEnv` (url, ca_file, fingerprint, token_id, token_secret,
authorization, fake.requests, get()), started in the test's own event loop (anyio with asyncio),
listening on 127.0.0.1 with a free port and a self-signed certificate.
"""

import pytest

from fakes.launch import running_fakepbs, running_fakepdm


@pytest.fixture
async def pbs_env(tmp_path):
    """A started fake PBS with its default state (datastores store1 and offsite; see tests/fakes/README.md)."""
    pki = tmp_path / 'pbs-pki'
    pki.mkdir()
    async with running_fakepbs(str(pki)) as env:
        yield env


@pytest.fixture
async def pdm_env(tmp_path):
    """A started fake PDM with its default state (remotes pve-a, pve-b, pbs-main; see tests/fakes/README.md)."""
    pki = tmp_path / 'pdm-pki'
    pki.mkdir()
    async with running_fakepdm(str(pki)) as env:
        yield env
