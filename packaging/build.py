"""Builds pve-mcp's distribution packages from a built binary (the release workflow and the tests use it).

    python3 packaging/build.py npm  --platform linux-x64 --binary target/release/pve-mcp --out DIR
        DIR/pve-mcp-server: the launcher package; DIR/pve-mcp-server-linux-x64: the binary's package
        (`npm pack` each of them to get the tarballs).
    python3 packaging/build.py mcpb --platform linux --binary target/release/pve-mcp --out FILE.mcpb
        stages manifest.json, icon.png and server/pve-mcp[.exe], and packs them with the official
        MCPB CLI (`--mcpb 'npx -y @anthropic-ai/mcpb@2.1.2'` by default).

Versions come from Cargo.toml; the committed package.json and manifest.json must already agree with it
(tests/packaging checks that).
"""

import argparse
import json
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGING = ROOT / 'packaging'
NAME = 'pve-mcp-server'
MCPB_CLI = 'npx -y @anthropic-ai/mcpb@2.1.2'
# npm platform names (process.platform-process.arch) the release builds.
NPM_PLATFORMS = ('darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64')


def cargo_version() -> str:
    """The [package] version of the server's Cargo.toml."""
    text = (ROOT / 'Cargo.toml').read_text()
    package = text.split('[package]', 1)[1]
    return re.search(r'^version\s*=\s*"([^"]+)"', package, re.M).group(1)


def executable_name(platform: str) -> str:
    return 'pve-mcp.exe' if platform.startswith('win32') else 'pve-mcp'


def copy_binary(binary: pathlib.Path, into: pathlib.Path, platform: str) -> None:
    into.mkdir(parents=True, exist_ok=True)
    target = into / executable_name(platform)
    shutil.copyfile(binary, target)
    target.chmod(0o755)


def build_npm(platform: str, binary: pathlib.Path, out: pathlib.Path) -> None:
    if platform not in NPM_PLATFORMS:
        sys.exit('build.py: --platform must be one of {0}, not {1}'.format(', '.join(NPM_PLATFORMS), platform))
    version = cargo_version()
    launcher = out / NAME
    shutil.rmtree(launcher, ignore_errors=True)
    shutil.copytree(PACKAGING / 'npm' / NAME, launcher)
    declared = json.loads((launcher / 'package.json').read_text())
    if declared['version'] != version:
        sys.exit('build.py: packaging/npm/{0}/package.json has version {1}, Cargo.toml {2}'.format(
            NAME, declared['version'], version))
    os_name, cpu = platform.split('-')
    name = '{0}-{1}'.format(NAME, platform)
    package = out / name
    shutil.rmtree(package, ignore_errors=True)
    copy_binary(binary, package / 'bin', platform)
    manifest = {
        'name': name,
        'version': version,
        'description': 'The pve-mcp binary for {0} (installed by the {1} package)'.format(platform, NAME),
        'license': declared['license'],
        'repository': declared['repository'],
        'os': [os_name],
        'cpu': [cpu],
        'files': ['bin/'],
        'preferUnplugged': True,
    }
    (package / 'package.json').write_text(json.dumps(manifest, indent=2) + '\n')
    (package / 'README.md').write_text(
        'The `pve-mcp` binary for {0}. Install [{1}](https://www.npmjs.com/package/{1}) instead: '
        'it picks this package on {0}.\n'.format(platform, NAME))
    print('build.py: {0} and {1} in {2}'.format(NAME, name, out))


def build_mcpb(platform: str, binary: pathlib.Path, out: pathlib.Path, mcpb_cli: str) -> None:
    if platform not in ('darwin', 'linux', 'win32'):
        sys.exit('build.py: --platform must be darwin, linux or win32 for a bundle, not ' + platform)
    manifest = json.loads((PACKAGING / 'mcpb' / 'manifest.json').read_text())
    if manifest['version'] != cargo_version():
        sys.exit('build.py: packaging/mcpb/manifest.json has version {0}, Cargo.toml {1}'.format(
            manifest['version'], cargo_version()))
    # One bundle per platform: it holds that platform's binary only.
    manifest['compatibility']['platforms'] = [platform]
    with tempfile.TemporaryDirectory(prefix='pve-mcp-mcpb-') as stage:
        stage = pathlib.Path(stage)
        (stage / 'manifest.json').write_text(json.dumps(manifest, indent=2) + '\n')
        shutil.copyfile(PACKAGING / 'mcpb' / 'icon.png', stage / 'icon.png')
        copy_binary(binary, stage / 'server', platform)
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(shlex.split(mcpb_cli) + ['pack', str(stage), str(out.resolve())], check=True)
    print('build.py: {0}'.format(out))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='kind', required=True)
    for kind in ('npm', 'mcpb'):
        p = sub.add_parser(kind)
        p.add_argument('--platform', required=True)
        p.add_argument('--binary', required=True, type=pathlib.Path)
        p.add_argument('--out', required=True, type=pathlib.Path)
        if kind == 'mcpb':
            p.add_argument('--mcpb', default=MCPB_CLI, help='command that runs the MCPB CLI (default %(default)s)')
    args = parser.parse_args(argv)
    if not args.binary.is_file():
        sys.exit('build.py: no binary at {0}'.format(args.binary))
    if args.kind == 'npm':
        build_npm(args.platform, args.binary, args.out)
    else:
        build_mcpb(args.platform, args.binary, args.out, args.mcpb)
    return 0


if __name__ == '__main__':
    sys.exit(main())
