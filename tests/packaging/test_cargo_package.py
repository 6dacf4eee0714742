"""`cargo install pve-mcp-server`: the three crates package (tests/packaging/run ran `cargo package` and
checked the server's package against the unpacked generator and tokenizer packages), and the
server's package carries the schema it generates from."""

import tarfile

from conftest import built
from metadata import cargo_version


def crate_files(name: str) -> set[str]:
    path = built('PVE_MCP_PACKAGE_DIR') / '{0}-{1}.crate'.format(name, cargo_version())
    prefix = '{0}-{1}/'.format(name, cargo_version())
    with tarfile.open(path) as crate:
        return {m.name.removeprefix(prefix) for m in crate.getmembers()}


def test_the_server_crate_carries_the_schema_its_build_script_reads():
    files = crate_files('pve-mcp-server')
    assert {'build.rs', 'apidoc/apidoc.json', 'apidoc/NOTICE', 'src/main.rs', 'Cargo.lock', 'README.md'} <= files


def test_the_server_crate_leaves_out_the_tests_benchmarks_and_the_generator():
    files = crate_files('pve-mcp-server')
    assert not [f for f in files if f.startswith(('tests/', 'bench/', 'codegen/'))]


def test_the_generator_and_tokenizer_crates_are_their_sources_only():
    for name in ('pve-mcp-codegen', 'pve-mcp-text'):
        files = crate_files(name)
        assert 'src/lib.rs' in files, name
        assert not [f for f in files if f.startswith('tests/')], name
