"""`pve-mcp-server`: the same as `pve-mcp`, so `uvx pve-mcp-server` and `pipx run pve-mcp-server` (which
run the command named like the package) start the binary this wheel installed next to it."""

import os
import shutil
import subprocess
import sys
import sysconfig

EXECUTABLE = 'pve-mcp.exe' if os.name == 'nt' else 'pve-mcp'


def binary() -> str:
    """The `pve-mcp` the wheel installed: in this interpreter's scripts directory (a venv, uv's or
    pipx's tool environment, the system), else the user scheme's, else on PATH."""
    places = [sysconfig.get_path('scripts')]
    try:
        places.append(sysconfig.get_path('scripts', sysconfig.get_preferred_scheme('user')))
    except (AttributeError, KeyError):  # Python < 3.10
        pass
    for place in places:
        candidate = os.path.join(place, EXECUTABLE)
        if os.path.isfile(candidate):
            return candidate
    found = shutil.which(EXECUTABLE)
    if found:
        return found
    sys.exit('pve-mcp-server: the pve-mcp binary of this package is not installed next to it; reinstall pve-mcp-server')


def main() -> None:
    path = binary()
    if os.name == 'nt':
        sys.exit(subprocess.run([path] + sys.argv[1:]).returncode)
    os.execv(path, [path] + sys.argv[1:])
