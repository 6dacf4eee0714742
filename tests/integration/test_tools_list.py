"""tools/list: which tools each tier and category filter offers, and what every tool carries.

Expected sets come from the vendored schema (apidoc/apidoc.json) and the generated docs/TOOLS.md,
never from hard-coded tool names."""

import re

import pytest

import harness
from harness import META_CATEGORY, META_KEYS, META_METHOD, META_PATH, META_TIER, TIERS

pytestmark = pytest.mark.anyio


def endpoints(tools):
    return set(harness.endpoint(t) for t in tools)


def doc_endpoints(tools_doc, tier, categories=None):
    """The documented endpoints of a tier, as the suite's API token login sees them (without the methods
    PVE closes to tokens)."""
    return set((r.method, r.path) for r in tools_doc.rows
               if harness.tier_rank(r.tier) <= harness.tier_rank(tier)
               and (categories is None or r.category in categories)) - harness.closed_to_tokens()


@pytest.mark.parametrize('tier', TIERS)
async def test_tool_count_per_tier_matches_the_schema(pve_env, start_server, expected_counts, tier):
    async with start_server(pve_env.server_env(tier=tier)) as srv:
        assert len(srv.tools) == expected_counts[tier]


def test_tier_counts_grow(expected_counts):
    assert 0 < expected_counts['read-only'] < expected_counts['read-execute'] < expected_counts['full']


async def test_default_tier_is_read_only(pve_env, start_server, expected_counts):
    async with start_server(pve_env.server_env()) as srv:
        assert len(srv.tools) == expected_counts['read-only']
        assert set(harness.meta(t)[META_TIER] for t in srv.tools) == {'read-only'}
        assert set(harness.meta(t)[META_METHOD] for t in srv.tools) == {'GET'}


@pytest.mark.parametrize('tier', TIERS)
async def test_tier_offers_exactly_the_documented_endpoints(pve_env, start_server, tools_doc, tier):
    async with start_server(pve_env.server_env(tier=tier)) as srv:
        assert endpoints(srv.tools) == doc_endpoints(tools_doc, tier)
        assert not endpoints(srv.tools) & set(tools_doc.left_out)
        by_endpoint = dict(((r.method, r.path), r) for r in tools_doc.rows)
        for tool in srv.tools:
            row = by_endpoint[harness.endpoint(tool)]
            assert harness.meta(tool)[META_TIER] == row.tier, tool.name
            assert harness.meta(tool)[META_CATEGORY] == row.category, tool.name


async def test_tiers_nest(pve_env, start_server):
    offered = {}
    for tier in TIERS:
        async with start_server(pve_env.server_env(tier=tier)) as srv:
            offered[tier] = endpoints(srv.tools)
    assert offered['read-only'] < offered['read-execute'] < offered['full']


async def test_tools_are_sorted_by_name_and_unique(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        names = [t.name for t in srv.tools]
        assert names == sorted(names)
        assert len(set(names)) == len(names)
        assert len(endpoints(srv.tools)) == len(names), 'two tools call the same endpoint'


async def test_every_tool_name_is_short_snake_case(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        bad = [t.name for t in srv.tools if not harness.NAME_RE.match(t.name)]
        assert not bad, 'names not matching {0}: {1}'.format(harness.NAME_RE.pattern, bad)


async def test_every_tool_has_the_four_meta_keys(pve_env, start_server, tools_doc):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        for tool in srv.tools:
            meta = harness.meta(tool)
            missing = [k for k in META_KEYS if k not in meta]
            assert not missing, '{0} lacks _meta {1}'.format(tool.name, missing)
            assert meta[META_METHOD] in ('GET', 'POST', 'PUT', 'DELETE'), tool.name
            assert meta[META_PATH].startswith('/'), tool.name
            assert meta[META_TIER] in TIERS, tool.name
            assert meta[META_CATEGORY] in tools_doc.categories, tool.name


async def test_every_tool_has_all_four_annotations(pve_env, start_server):
    async with start_server(pve_env.server_env(tier='full')) as srv:
        for tool in srv.tools:
            a = tool.annotations
            assert a is not None, '{0} has no annotations'.format(tool.name)
            hints = dict(readOnlyHint=a.read_only_hint, destructiveHint=a.destructive_hint,
                         idempotentHint=a.idempotent_hint, openWorldHint=a.open_world_hint)
            unset = [k for k, v in hints.items() if not isinstance(v, bool)]
            assert not unset, '{0} leaves {1} unset'.format(tool.name, unset)
            method = harness.meta(tool)[META_METHOD]
            if method == 'GET':
                assert a.read_only_hint and not a.destructive_hint, '{0}: a GET only reads'.format(tool.name)
            if method == 'DELETE':
                assert not a.read_only_hint, '{0}: a DELETE is not read-only'.format(tool.name)


async def test_every_path_parameter_is_an_argument(pve_env, start_server):
    # Not necessarily a required one: PVE's schema gives some path parameters a default.
    async with start_server(pve_env.server_env(tier='full')) as srv:
        for tool in srv.tools:
            schema = tool.input_schema
            assert schema.get('type') == 'object', tool.name
            for name in re.findall(r'\{([^}]+)\}', harness.meta(tool)[META_PATH]):
                assert name in (schema.get('properties') or {}), '{0}: no argument {1}'.format(tool.name, name)


@pytest.mark.parametrize('tier', ['read-only', 'full'])
async def test_category_filter_offers_only_those_categories(pve_env, start_server, tools_doc, tier):
    async with start_server(pve_env.server_env(tier=tier, PVE_CATEGORIES='qemu,lxc')) as srv:
        assert set(harness.meta(t)[META_CATEGORY] for t in srv.tools) == {'qemu', 'lxc'}
        assert endpoints(srv.tools) == doc_endpoints(tools_doc, tier, categories={'qemu', 'lxc'})

