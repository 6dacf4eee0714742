#!/usr/bin/env python3
"""The repository's owner, in one place: Cargo.toml's `repository` (https://github.com/<owner>/<repo>).
Every other file that names the repository, the container image (ghcr.io/<owner>/pve-mcp-server) or the
MCP Registry name (io.github.<owner>/pve-mcp-server) follows it; this script checks that they do, or
rewrites them all for another owner.

    python3 packaging/owner.py                      # check: every file agrees with Cargo.toml
    python3 packaging/owner.py --expect OWNER/REPO  # also: it is this repository (the release workflow)
    python3 packaging/owner.py --set OWNER/REPO     # rewrite every file for github.com/OWNER/REPO
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Every file that names the repository, the image or the registry name (the CHANGELOG is history).
FILES = ('Cargo.toml', 'codegen/Cargo.toml', 'codegen/text/Cargo.toml', 'pyproject.toml', 'server.json',
         'packaging/mcpb/manifest.json', 'packaging/npm/pve-mcp-server/package.json',
         'packaging/npm/pve-mcp-server/README.md', 'README.md', 'Dockerfile', '.github/workflows/release.yml')
SLUG = re.compile(r'^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})$')


def configured(root: Path) -> str:
    """OWNER/REPO from Cargo.toml's `repository`."""
    found = re.search(r'^repository = "https://github\.com/([^"]+?)/?"$', (root / 'Cargo.toml').read_text(), re.M)
    if not found or not SLUG.match(found.group(1)):
        sys.exit('packaging/owner.py: Cargo.toml has no `repository = "https://github.com/OWNER/REPO"`')
    return found.group(1)


def forms(slug: str) -> dict[str, str]:
    """How the files write the repository, the image and the registry name for `slug`."""
    owner = slug.split('/')[0]
    return {'repository': 'github.com/' + slug, 'image': 'ghcr.io/{0}/pve-mcp-server'.format(owner.lower()),
            'registry': 'io.github.{0}/pve-mcp-server'.format(owner)}


def patterns(repo: str) -> dict[str, re.Pattern]:
    """Any owner's form of each name (the repository's name as configured)."""
    return {'repository': re.compile(r'github\.com/[A-Za-z0-9-]+/{0}(?![A-Za-z0-9_-])'.format(re.escape(repo))),
            'image': re.compile(r'ghcr\.io/[a-z0-9-]+/pve-mcp-server'),
            'registry': re.compile(r'io\.github\.[A-Za-z0-9-]+/pve-mcp-server')}


def disagreements(root: Path, slug: str) -> list[str]:
    """Each place a file names another owner than `slug`'s."""
    want = forms(slug)
    out = []
    for name in FILES:
        text = (root / name).read_text()
        for kind, pattern in patterns(slug.split('/')[1]).items():
            for found in pattern.findall(text):
                if found != want[kind]:
                    out.append('{0}: `{1}` (expected `{2}`)'.format(name, found, want[kind]))
    return out


def rewrite(root: Path, old: str, new: str) -> None:
    before, after = forms(old), forms(new)
    for name in FILES:
        path = root / name
        text = path.read_text()
        for kind in ('repository', 'image', 'registry'):
            text = text.replace(before[kind], after[kind])
        path.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--set', metavar='OWNER/REPO', help='rewrite every file for github.com/OWNER/REPO')
    parser.add_argument('--expect', metavar='OWNER/REPO', help='fail unless the configured repository is this one')
    parser.add_argument('--root', type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    slug = configured(args.root)
    if args.set:
        if not SLUG.match(args.set):
            sys.exit('packaging/owner.py: --set takes OWNER/REPO (as in github.com/OWNER/REPO), not {0!r}'.format(args.set))
        rewrite(args.root, slug, args.set)
        slug = args.set
    wrong = disagreements(args.root, slug)
    if wrong:
        print('packaging/owner.py: these do not name github.com/{0} (Cargo.toml):'.format(slug), file=sys.stderr)
        print('\n'.join('  ' + w for w in wrong), file=sys.stderr)
        return 1
    if args.expect and args.expect.lower() != slug.lower():
        print('packaging/owner.py: the files name github.com/{0}, but this is {1}: run packaging/owner.py --set {1}'
              .format(slug, args.expect), file=sys.stderr)
        return 1
    print('github.com/{0}'.format(slug))
    return 0


if __name__ == '__main__':
    sys.exit(main())
