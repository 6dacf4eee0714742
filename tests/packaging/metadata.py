"""What the repository says about itself: versions, names, the README's configuration table."""

import json
import re

from conftest import REPO_ROOT


def cargo_version() -> str:
    package = (REPO_ROOT / 'Cargo.toml').read_text().split('[package]', 1)[1]
    return re.search(r'^version\s*=\s*"([^"]+)"', package, re.M).group(1)


def schema_release() -> str:
    """The PVE release of the vendored schema, from apidoc/NOTICE's `Release:` line (`9.2`)."""
    notice = (REPO_ROOT / 'apidoc' / 'NOTICE').read_text()
    return re.search(r'^Release:\s+Proxmox VE\s+(\S+)', notice, re.M).group(1)


def server_json() -> dict:
    return json.loads((REPO_ROOT / 'server.json').read_text())


def readme_configuration() -> dict[str, str]:
    """The README's configuration table: each variable (a row may name two) and its default column."""
    readme = (REPO_ROOT / 'README.md').read_text()
    section = readme.split('## Configuration', 1)[1].split('\n## ', 1)[0]
    table = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) < 4 or not cells[0].startswith('`'):
            continue
        for name in re.findall(r'`([A-Z_]+)`', cells[0]):
            table[name] = cells[2]
    return table
