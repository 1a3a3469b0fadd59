"""Hostile XML in the two XML importers (ArchiMate exchange files, DCAT catalogues in RDF/XML): entity expansion,
external entities, parameter entities, external DTDs and XInclude are refused or inert: one reject naming the file
and the problem, nothing expanded, no file read, no connection made."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.hostile.conftest import Trap, read, read_in_subprocess

SECRET = "SECRET-MARKER-7f3a"
ARCHIMATE_ROOT = ('<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">\n'
                  '<name>Mô hình</name><elements><element identifier="s" xsi:type="ApplicationComponent">'
                  '<name xml:lang="vi">{text}</name></element></elements></model>\n')
DCAT_ROOT = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"'
             ' xmlns:dct="http://purl.org/dc/terms/">\n<dcat:Dataset rdf:about="https://data.example.gov.vn/d/1">'
             '<dct:identifier>tinh.d1</dct:identifier><dct:title xml:lang="vi">{text}</dct:title></dcat:Dataset>'
             '</rdf:RDF>\n')
FORMATS = {"archimate": (".xml", ARCHIMATE_ROOT, "model"), "dcat": (".rdf", DCAT_ROOT, "rdf:RDF")}

LAUGHS = "".join(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10))
PROLOGS = {
    "billion-laughs": '<!DOCTYPE {root} [<!ENTITY lol0 "lol">' + LAUGHS + ']>',
    "quadratic-blowup": '<!DOCTYPE {root} [<!ENTITY big "' + "x" * 50_000 + '">]>',
    "file-entity": '<!DOCTYPE {root} [<!ENTITY e SYSTEM "file://{secret}">]>',
    "http-entity": '<!DOCTYPE {root} [<!ENTITY e SYSTEM "http://127.0.0.1:{port}/e">]>',
    "parameter-entity": '<!DOCTYPE {root} [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p.dtd"> %p;]>',
    "local-parameter-entity": '<!DOCTYPE {root} [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>',
    "external-dtd": '<!DOCTYPE {root} SYSTEM "http://127.0.0.1:{port}/x.dtd">',
    "public-dtd": '<!DOCTYPE {root} PUBLIC "-//X//DTD X//EN" "file://{secret}">',
}
BODIES = {"billion-laughs": "&lol9;", "quadratic-blowup": "&big;" * 2000, "file-entity": "&e;",
          "http-entity": "&e;", "parameter-entity": "&leaked;", "local-parameter-entity": "&leaked;",
          "external-dtd": "&leaked;", "public-dtd": "&leaked;"}


def hostile_file(tmp_path: Path, trap: Trap, format_name: str, kind: str, encoding: str = "utf-8") -> Path:
    suffix, root_template, root = FORMATS[format_name]
    secret = tmp_path / "secret.txt"
    secret.write_text(f'<!ENTITY leaked "{SECRET}">{SECRET}', encoding="utf-8")
    prolog = PROLOGS[kind].format(root=root, secret=secret, port=trap.port)
    text = (f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n{prolog}\n'
            + root_template.format(text=BODIES[kind]))
    path = tmp_path / f"{kind}{suffix}"
    path.write_bytes(text.encode(encoding))
    trap.reset()
    return path


@pytest.mark.parametrize("kind", list(PROLOGS))
@pytest.mark.parametrize("format_name", list(FORMATS))
def test_a_document_type_is_refused_before_anything_in_it_is_expanded_read_or_fetched(tmp_path, trap, format_name,
                                                                                       kind):
    path = hostile_file(tmp_path, trap, format_name, kind)
    started = time.perf_counter()
    parsed, rejects = read(format_name, path)
    assert time.perf_counter() - started < 2
    assert parsed == []
    assert [(r.location.file, r.location.line, r.field) for r in rejects] == [(str(path), 2, "file")]
    assert "DOCTYPE" in rejects[0].reason or "DTD" in rejects[0].reason
    assert SECRET not in repr(rejects) and "lollol" not in repr(rejects)
    assert not trap.opened(tmp_path / "secret.txt")
    assert trap.network() == [] and trap.connections() == 0


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_a_document_type_is_refused_in_utf16_too(tmp_path, trap, format_name):
    path = hostile_file(tmp_path, trap, format_name, "billion-laughs", encoding="utf-16")
    parsed, rejects = read(format_name, path)
    assert parsed == [] and [(r.location.file, r.field) for r in rejects] == [(str(path), "file")]
    assert "DOCTYPE" in rejects[0].reason or "DTD" in rejects[0].reason


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_a_billion_laughs_costs_no_memory(tmp_path, trap, format_name):
    path = hostile_file(tmp_path, trap, format_name, "billion-laughs")
    outcome = read_in_subprocess(format_name, path)
    assert outcome["parsed"] == 0 and len(outcome["rejects"]) == 1
    assert outcome["peak_mib"] - outcome["baseline_mib"] < 20, outcome


@pytest.mark.parametrize("href", ["file://{secret}", "http://127.0.0.1:{port}/x"])
@pytest.mark.parametrize("format_name", list(FORMATS))
def test_xinclude_is_never_processed(tmp_path, trap, format_name, href):
    """XInclude needs no DTD, so the file is not refused; but no include is followed: the element stays an
    element the mapping ignores, and the secret is neither read nor loaded."""
    suffix, root_template, _ = FORMATS[format_name]
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    include = (f'Tên <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" parse="text" '
               f'href="{href.format(secret=secret, port=trap.port)}"/>')
    path = tmp_path / f"xinclude{suffix}"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + root_template.format(text=include),
                    encoding="utf-8")
    trap.reset()
    parsed, rejects = read(format_name, path)
    assert SECRET not in repr(parsed) + repr(rejects)
    assert not trap.opened(secret)
    assert trap.network() == [] and trap.connections() == 0


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_an_xml_document_above_the_size_limit_is_refused_unread(tmp_path, trap, format_name):
    suffix, root_template, _ = FORMATS[format_name]
    path = tmp_path / f"big{suffix}"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + root_template.format(text="x" * 5000),
                    encoding="utf-8")
    trap.reset()
    parsed, rejects = read(format_name, path, limits=_limits(max_document_bytes=4096))
    assert parsed == [] and [(r.location.file, r.field) for r in rejects] == [(str(path), "file")]
    assert "file too large" in rejects[0].reason and "REGISTRY_IMPORT_MAX_DOCUMENT_BYTES" in rejects[0].reason
    assert not trap.opened(path)  # refused from its size alone


def test_deep_nesting_is_refused_by_the_archimate_parser(tmp_path):
    """libxml2 without XML_PARSE_HUGE stops at 256 levels: a deeply nested file is invalid XML, not a stack
    overflow."""
    path = tmp_path / "deep.xml"
    path.write_text('<?xml version="1.0"?>\n' + ARCHIMATE_ROOT.format(text="<a>" * 100_000 + "</a>" * 100_000),
                    encoding="utf-8")
    parsed, rejects = read("archimate", path)
    assert parsed == [] and [r.field for r in rejects] == ["file"]
    assert "invalid XML" in rejects[0].reason


def _limits(**values: int):  # type: ignore[no-untyped-def]
    from importers.limits import ImportLimits

    return ImportLimits(**values)
