"""Hostile YAML and JSON (native records, OpenAPI, Backstage, DCAT JSON-LD): alias bombs, recursive aliases and
absurd nesting are refused with one reject naming the file and line, quickly and in little memory."""

from __future__ import annotations

import time

import pytest

from importers.limits import ImportLimits
from tests.hostile.conftest import read, read_in_subprocess

# Nine levels of nine aliases: 9^9 (387 million) strings once expanded, 400 bytes on disk.
ALIAS_BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
              + "".join(f"{chr(98 + n)}: &{chr(98 + n)} [" + ",".join([f"*{chr(97 + n)}"] * 9) + "]\n"
                        for n in range(8)))
HEADS = {  # what makes each importer take the file as its own
    "native": ("nodes.yaml", "nodes: *i\n"),
    "openapi": ("api.yaml", 'openapi: "3.0.0"\ninfo: {title: API, version: "1", x-bomb: *i}\npaths: {}\n'),
    "backstage": ("catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: s, "
                                       "tags: *i}\nspec: {owner: g}\n"),
}


@pytest.mark.parametrize("format_name", list(HEADS))
def test_a_yaml_alias_bomb_is_refused_before_it_is_built(tmp_path, format_name):
    name, tail = HEADS[format_name]
    path = tmp_path / name
    path.write_text(ALIAS_BOMB + tail, encoding="utf-8")
    started = time.perf_counter()
    parsed, rejects = read(format_name, path)
    assert time.perf_counter() - started < 2
    assert parsed == []
    assert [(r.location.file, r.field) for r in rejects] == [(str(path), "file")]
    assert "alias bomb" in rejects[0].reason and "REGISTRY_IMPORT_MAX_YAML_NODES" in rejects[0].reason
    assert rejects[0].location.line is not None


def test_an_alias_bomb_costs_no_memory(tmp_path):
    path = tmp_path / "nodes.yaml"
    path.write_text(ALIAS_BOMB + "nodes: *i\n", encoding="utf-8")
    outcome = read_in_subprocess("native", path)
    assert outcome["parsed"] == 0 and [r[3] for r in outcome["rejects"]] == ["file"]
    assert outcome["peak_mib"] - outcome["baseline_mib"] < 20, outcome


def test_a_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "api.yaml"
    path.write_text('openapi: "3.0.0"\ninfo: &i {title: API, version: "1", self: [*i]}\npaths: {}\n',
                    encoding="utf-8")
    parsed, rejects = read("openapi", path)
    assert parsed == [] and [r.field for r in rejects] == ["file"] and "recursive alias" in rejects[0].reason


def test_aliases_within_the_limit_still_load(tmp_path):
    path = tmp_path / "nodes.yaml"
    path.write_text('nodes:\n  - &x {type: Agency, id: "agency:a", name: A, level: unit}\n'
                    '  - {<<: *x, id: "agency:b"}\n', encoding="utf-8")
    parsed, rejects = read("native", path)
    assert rejects == [] and [p.record.id for p in parsed] == ["agency:a", "agency:b"]


def test_the_node_limit_is_a_setting(tmp_path):
    path = tmp_path / "api.yaml"
    path.write_text('openapi: "3.0.0"\ninfo: {title: API, version: "1", x-list: [1, 2, 3, 4, 5, 6, 7, 8]}\n'
                    "paths: {}\n", encoding="utf-8")
    parsed, rejects = read("openapi", path, limits=ImportLimits(max_yaml_nodes=10))
    assert parsed == [] and "more than 10 nodes" in rejects[0].reason


@pytest.mark.parametrize("format_name, name, text", [
    ("native", "nodes.json", "[" * 100_000 + "]" * 100_000),
    ("native", "nodes.yaml", "[" * 100_000 + "]" * 100_000),
    ("dcat", "catalogue.jsonld", '{"@context": {}, "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ("openapi", "api.json", '{"openapi": "3.0.0", "info": ' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}"),
], ids=["json", "yaml", "jsonld", "openapi-json"])
def test_absurd_nesting_is_a_reject_not_a_crash(tmp_path, format_name, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    parsed, rejects = read(format_name, path)
    assert parsed == [] and [(r.location.file, r.field) for r in rejects] == [(str(path), "file")]


