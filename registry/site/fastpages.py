"""Entity pages written straight to HTML, without MkDocs' per-page pipeline.

A province's site holds about 15,000 entity pages (one per system, dataset, API, public service, …). Built by
MkDocs each costs about 8 ms: Python-Markdown (~4 ms), Material's page template (~2 ms) and the search plugin's
HTML parse (~1.5 ms), so a province took about 2 minutes and the million pages of a nation hours. These pages come
from one template (`entity.md.j2`), whose markdown uses a small, known subset: headings (with
`{ data-search-exclude }`), paragraphs, pipe tables, bullet lists, a Mermaid fence, and inline `**strong**`,
`*em*`, `` `code` ``, links, `<https://…>` and backslash escapes.

`convert` turns that subset into exactly the HTML Python-Markdown and MkDocs make of it (the tests compare the two
on every page of the sample's sites), with the same heading ids, table of contents and title. Anything outside the
subset raises `Unsupported`, and that page is left to MkDocs. The MkDocs hook (`hooks.py`) does the rest through
`DirectPages`: it takes these pages out of MkDocs' build (their links still resolve and are checked), renders
Material's page template once per shape of table of contents with placeholders ("a stamp"), fills one stamp per
page, and adds the pages' search entries as Material's search plugin makes them. About 0.5 ms a page instead of 8.
The other generated pages (lists, agencies, findings) still go through MkDocs, with `convert` in place of
Python-Markdown when their markdown is in the subset.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

# Folders whose pages go this way: the entities of `entity.md.j2` (agencies, with their long tables, stay MkDocs').
DIRECT_FOLDERS = ("systems", "platforms", "datasets", "apis", "services", "infrastructure", "standards", "teams")


class Unsupported(ValueError):
    """The markdown uses something outside the subset this module converts; MkDocs renders the page instead."""


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    name: str  # the inner HTML without tags (what the table of contents shows)
    html: str  # the inner HTML
    search_excluded: bool


@dataclass
class Converted:
    """One page: its HTML (what `Page.content` would be) and headings in order; its title is the first `h1`'s."""

    html: str
    headings: list[Heading] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        return self.headings[0].name if self.headings and self.headings[0].level == 1 else None


# --- inline ----------------------------------------------------------------------------------------------------

# What Python-Markdown escapes with a backslash (its default list plus `|`, added by the tables extension).
_ESCAPABLE = frozenset("\\`*_{}[]()>#+-.!|")
_TOKEN = re.compile(
    r"(?P<code>(?<!\\)`+)"  # a code span starts (closed below)
    r"|\\(?P<esc>.)"
    r"|\[(?P<text>(?:\\.|[^\\\[\]`])*)\]\((?P<href>[^()\s<>\"']*)\)"
    r"|<(?P<auto>[Hh][Tt][Tt][Pp][Ss]?://[^<>]*)>"
    r"|(?P<entity>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[0-9a-zA-Z]+);)",
    re.DOTALL,
)
_AMP = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)
_STRONG = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_EM = re.compile(r"\*([^*]+)\*", re.DOTALL)
_SLOT = re.compile("\x02(\\d+)\x03")
_SPECIAL = re.compile(r"[`\\\[\]<&*_]")
_LEFT_OVER = re.compile(r"[*\[\]`<]|(?<!\w)_|_(?!\w)")


def _text(text: str) -> str:
    """Plain text as Python-Markdown's serializer writes it (an entity already written stays as it is)."""
    if "&" in text:
        text = _AMP.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _text(text).replace('"', "&quot;")


def _code(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Inline:
    """Inline markdown → HTML, links rewritten by `link` (MkDocs' own rewriting, in the hook)."""

    def __init__(self, link: Callable[[str], str]) -> None:
        self.link = link

    def __call__(self, source: str) -> str:
        if not _SPECIAL.search(source):
            return source.replace(">", "&gt;")
        slots: list[str] = []

        def slot(markup: str) -> str:
            slots.append(markup)
            return f"\x02{len(slots) - 1}\x03"

        out: list[str] = []
        position = 0
        while True:
            match = _TOKEN.search(source, position)
            if match is None:
                out.append(source[position:])
                break
            out.append(source[position:match.start()])
            position = match.end()
            if match.group("code") is not None:
                ticks = match.group("code")
                end = re.compile(rf"(?<!`){ticks}(?!`)").search(source, position)
                if end is None or end.start() == position:
                    raise Unsupported(f"unclosed code span: {source!r}")
                out.append(slot(f"<code>{_code(source[position:end.start()].strip())}</code>"))
                position = end.end()
            elif match.group("esc") is not None:
                char = match.group("esc")
                out.append(slot(_text(char)) if char in _ESCAPABLE else match.group(0))
            elif match.group("href") is not None:
                href = match.group("href")
                if "\\" in href:
                    raise Unsupported(f"backslash in link target {href!r}")
                out.append(slot(f'<a href="{_attribute(self.link(href))}">{self(match.group("text"))}</a>'))
            elif match.group("auto") is not None:
                url = match.group("auto")
                out.append(slot(f'<a href="{_attribute(url)}">{_text(url)}</a>'))
            else:
                out.append(slot(match.group("entity")))
        text = "".join(out)
        if "***" in text:
            raise Unsupported(f"*** in {source!r}")
        text = _STRONG.sub(lambda m: slot(f"<strong>{_text(_emphasis(m.group(1), slot))}</strong>"), text)
        text = _emphasis(text, slot)
        if _LEFT_OVER.search(text):  # Python-Markdown would read `_x_` as emphasis, `<b>` as raw HTML…
            raise Unsupported(f"markup left in {source!r}")
        text = _text(text)
        while "\x02" in text:
            text = _SLOT.sub(lambda m: slots[int(m.group(1))], text)
        return text


def _emphasis(text: str, slot: Callable[[str], str]) -> str:
    return _EM.sub(lambda m: slot(f"<em>{_text(m.group(1))}</em>"), text)


# --- headings: ids as Python-Markdown's toc extension makes them -----------------------------------------------

_TAGS = re.compile(r"<[^>]*>")


def strip_tags(markup: str) -> str:
    return " ".join(_TAGS.sub("", markup).split())


def slugify(value: str) -> str:
    """`markdown.extensions.toc.slugify` with its default separator."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def _unique(slug: str, used: set[str]) -> str:
    base, count = slug, 0
    if slug in used or not slug:
        found = re.match(r"^(.*)_([0-9]+)$", slug)
        if found:
            base, count = found.group(1), int(found.group(2))
        while True:
            count += 1
            slug = f"{base}_{count}"
            if slug not in used:
                break
    used.add(slug)
    return slug


# --- blocks ----------------------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})[ ]+(.*?)(?:[ ]+\{[ ]*(data-search-exclude)[ ]*\})?[ ]*#*[ ]*$")
# Lines Python-Markdown reads as the start of a block this module does not write: lists other than `- `, code,
# quotes, setext underlines, raw HTML, admonitions, footnotes, abbreviations, reference definitions…
_BLOCK_START = re.compile(r"^(?:[ ]{0,3}(?:[*+-]|\d+[.)])(?:[ ]|$)|[ ]{4}|\t|[ ]{0,3}(?:#|>|=+[ ]*$|-+[ ]*$|`{3}|~{3}|\|)|"
                          r"[ ]{0,3}<[A-Za-z/!?]|[ ]*$|!!!|\?\?\?|:::|\[\^|\*\[|\[[^\]]*\]:)")
_ITEM = re.compile(r"^- (.*)$")
_CONTINUATION = re.compile(r"^  (?! )(.*)$")
_SEPARATOR = re.compile(r"^\|(?:[ ]*:?-{3,}:?[ ]*\|)+[ ]*$")
_FENCE = re.compile(r"^``` ?([A-Za-z0-9_-]+)[ ]*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _cells(line: str) -> list[str]:
    line = line.strip()
    if not (line.startswith("|") and line.endswith("|")) or line.endswith("\\|"):
        raise Unsupported(f"table row {line!r}")
    return [cell.strip() for cell in _CELL_SPLIT.split(line[1:-1])]


def _alignments(line: str) -> list[str | None]:
    aligns: list[str | None] = []
    for cell in _cells(line):
        left, right = cell.startswith(":"), cell.endswith(":")
        aligns.append("center" if left and right else "left" if left else "right" if right else None)
    return aligns


def _cell(tag: str, content: str, align: str | None) -> str:
    style = f' style="text-align: {align};"' if align else ""
    return f"<{tag}{style}>{content}</{tag}>"


def convert(source: str, link: Callable[[str], str]) -> Converted:
    """The page's HTML, as MkDocs (Python-Markdown with `tables`, `attr_list`, `toc` and superfences' Mermaid fence)
    renders it; `Unsupported` for anything outside the subset the site's templates write."""
    if source.startswith("---"):
        raise Unsupported("front matter")
    inline = Inline(link)
    lines = source.split("\n")
    blocks: list[str] = []
    headings: list[Heading] = []
    used_ids: set[str] = set()
    index, total = 0, len(lines)
    while index < total:
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        if line != line.lstrip(" ") or "\t" in line:
            raise Unsupported(f"indented line {line!r}")
        heading = _HEADING.match(line)
        fence = _FENCE.match(line)
        if heading:
            inner = inline(heading.group(2))
            name = strip_tags(inner)
            slug = _unique(slugify(html.unescape(name)), used_ids)
            level = len(heading.group(1))
            excluded = heading.group(3) is not None
            headings.append(Heading(level, slug, name, inner, excluded))
            attributes = " data-search-exclude" if excluded else ""
            blocks.append(f'<h{level}{attributes} id="{slug}">{inner}</h{level}>')
            index += 1
        elif fence:
            if fence.group(1) != "mermaid":
                raise Unsupported(f"fence {fence.group(1)}")
            try:
                end = lines.index("```", index + 1)
            except ValueError:
                raise Unsupported("unclosed fence") from None
            body = "\n".join(lines[index + 1:end])
            blocks.append(f'<pre class="mermaid"><code>{_code(body)}</code></pre>')
            index = end + 1
        elif line.startswith("|"):
            if index + 1 >= total or not _SEPARATOR.match(lines[index + 1]):
                raise Unsupported(f"table without separator: {line!r}")
            header, aligns = _cells(line), _alignments(lines[index + 1])
            if len(header) != len(aligns):
                raise Unsupported("table header and separator differ")
            rows: list[list[str]] = []
            index += 2
            while index < total and lines[index].startswith("|"):
                rows.append(_cells(lines[index]))
                index += 1
            if index < total and lines[index].strip():
                raise Unsupported("table followed by text")
            parts = ["<table>", "<thead>", "<tr>"]
            parts += [_cell("th", inline(cell), align) for cell, align in zip(header, aligns, strict=True)]
            parts += ["</tr>", "</thead>", "<tbody>"]
            if not rows:  # Python-Markdown writes one empty row
                parts += ["<tr>", *["<td></td>"] * len(header), "</tr>"]
            for row in rows:
                if len(row) != len(header):
                    raise Unsupported("table row of another width")
                parts.append("<tr>")
                parts += [_cell("td", inline(cell), align) for cell, align in zip(row, aligns, strict=True)]
                parts.append("</tr>")
            parts += ["</tbody>", "</table>"]
            blocks.append("\n".join(parts))
        elif _ITEM.match(line):
            items: list[str] = []
            while index < total:
                item = _ITEM.match(lines[index])
                continuation = _CONTINUATION.match(lines[index])
                if item:
                    items.append(item.group(1))
                elif continuation and items:
                    items[-1] += "\n" + lines[index]
                elif not lines[index].strip():
                    break
                else:
                    raise Unsupported(f"list followed by {lines[index]!r}")
                index += 1
            following = index
            while following < total and not lines[following].strip():
                following += 1
            if following < total and (lines[following].startswith((" ", "\t")) or _BLOCK_START.match(lines[following])
                                      and not lines[following].startswith(("#", "|", "```"))):
                raise Unsupported("a list continued after a blank line")  # Python-Markdown makes it loose
            for item in items:
                if _BLOCK_START.match(item.lstrip()) or not item.strip():
                    raise Unsupported(f"list item {item!r}")
            blocks.append("<ul>\n" + "\n".join(f"<li>{inline(item)}</li>" for item in items) + "\n</ul>")
        else:
            if _BLOCK_START.match(line):
                raise Unsupported(f"block {line!r}")
            paragraph = [line]
            index += 1
            while index < total and lines[index].strip():
                if _BLOCK_START.match(lines[index]) or _HEADING.match(lines[index]):
                    raise Unsupported(f"paragraph interrupted by {lines[index]!r}")
                paragraph.append(lines[index])
                index += 1
            text = "\n".join(paragraph)
            if text.endswith("  ") or re.search(r" {2,}\n", text):
                raise Unsupported("hard line break")
            blocks.append(f"<p>{inline(text.strip())}</p>")
    return Converted("\n".join(blocks), headings)


# --- search: the entry Material's search plugin makes of a page ---------------------------------------------------

_HTML_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|[^<]+")
_KEPT = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def search_entry(url: str, page: Converted) -> dict | None:
    """The search index entry of a page whose sections after the first are all `data-search-exclude`, as Material's
    search plugin makes it (`SearchIndex.add_entry_from_context`), without its HTML parser (which took longer than
    the whole page): the title, and the text of the first section with only paragraphs, code and lists kept as
    tags. None when the page has another shape (the caller then uses Material's parser)."""
    rest = page.headings[1:]
    if not page.headings or page.headings[0].level != 1 or not all(heading.search_excluded for heading in rest):
        return None
    content = page.html
    if rest:
        content = content[:content.find(f"<h{rest[0].level} data-search-exclude")]
    if not content.startswith("<h1 "):
        return None
    title: list[str] = []
    text: list[str] = []
    data = title
    stack: list[str] = []
    for token in _HTML_TOKEN.finditer(content):
        tag = token.group(2)
        if tag is None:  # text
            chunk = html.unescape(token.group(0))
            if data is title:
                title.append(" " if chunk.isspace() else html.escape(chunk.replace("\n", " "), quote=False))
            elif chunk.isspace():
                if not text or not text[-1].isspace():
                    text.append(" ")
            else:
                text.append(html.escape(chunk.replace("\n", " "), quote=False))
            continue
        tag = tag.lower()
        if tag in ("script", "style", "object") or "data-search-exclude" in (token.group(3) or ""):
            return None
        if token.group(1):  # an end tag
            if not stack or stack[-1] != tag:
                return None
            stack.pop()
            if tag == "h1":
                data = text
            elif tag in _KEPT:
                opening = len(data) - 1 - data[::-1].index(f"<{tag}>")
                if all(part.isspace() for part in data[opening + 1:]):
                    del data[opening:]
                else:
                    data.append(f"</{tag}>")
            continue
        if tag in _VOID:
            continue
        if tag in _HEADINGS and (tag != "h1" or stack or title):
            return None
        stack.append(tag)
        if tag in _KEPT:
            data.append(f"<{tag}>")
    if stack:
        return None
    return {"location": url, "title": "".join(title).strip(), "text": "".join(text).strip()}


class _SearchPage:
    """What Material's search index reads of a page."""

    def __init__(self, file: object, page: Converted) -> None:
        self.meta: dict = {}
        self.url = file.url  # type: ignore[attr-defined]
        self.title = page.title
        self.toc = _toc(page.headings)
        self.content = page.html


def _toc(headings: list[Heading], title: str | None = None, anchor: str | None = None) -> object:
    """MkDocs' table of contents of these headings (nested by level); `title` and `anchor` replace the first's."""
    from mkdocs.structure.toc import get_toc

    tokens: list[dict] = []
    for index, heading in enumerate(headings):
        name = title if index == 0 and title is not None else heading.name
        token = {"level": heading.level, "id": anchor if index == 0 and anchor is not None else heading.id,
                 "name": name, "children": []}
        parent = tokens
        while parent and parent[-1]["level"] < heading.level:
            parent = parent[-1]["children"]
        parent.append(token)
    return get_toc(tokens)  # type: ignore[arg-type]


def _striptags(markup: str) -> str:
    from markupsafe import Markup

    return Markup(markup).striptags()


# --- the MkDocs side: take the pages out of the build, write them into Material's page, index them ---------------

STAMP_TITLE = "REGISTRYSTAMPTITLE"
STAMP_ANCHOR = "REGISTRYSTAMPANCHOR"
STAMP_CONTENT = "<h1>REGISTRYSTAMPCONTENT</h1>"  # holds "<h1", so Material adds no title of its own
STAMP_PAGE = "REGISTRYSTAMPPAGE"  # the page's own name in its URL (the canonical link, with a `site_url`)
_STAMP_MARKS = re.compile(rf"<title>{STAMP_TITLE}|{STAMP_TITLE}|{STAMP_ANCHOR}|{STAMP_PAGE}|"
                          rf"{re.escape(STAMP_CONTENT)}")
_SEARCH_ATTRIBUTE = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")  # what the search plugin strips from a page


class StampError(RuntimeError):
    """Material's page template no longer has the shape the stamps expect (see `DirectPages._render_stamp`)."""


@dataclass
class DirectPage:
    file: object  # mkdocs.structure.files.File
    page: Converted


class DirectPages:
    """One build's direct pages: chosen and converted when MkDocs lists the files, written after the build."""

    def __init__(self, config: object, folders: list[str]) -> None:
        self.config = config
        self.folders = frozenset(folders)
        self.pages: list[DirectPage] = []
        self.nav: object = None
        self.env: object = None
        self._stamps: dict[tuple, list[str]] = {}
        self._links: dict[tuple, str] = {}

    def take(self, files: object) -> None:
        """Convert every page of the direct folders; those that convert leave MkDocs' build (links to them from
        other pages still resolve, and a link to a missing page still fails the build)."""
        from mkdocs.structure.files import InclusionLevel

        for file in files.documentation_pages():  # type: ignore[attr-defined]
            folder, _, name = file.src_uri.partition("/")
            if folder not in self.folders or "/" in name or name in ("index.md", "README.md"):
                continue
            try:
                converted = convert(file.content_string, self._linker(file, files))
            except Unsupported:
                continue
            if converted.title is None:
                continue
            file.inclusion = InclusionLevel.EXCLUDED
            self.pages.append(DirectPage(file, converted))

    def render_in_place(self, page: object, markdown: str, files: object) -> None:
        """For a page MkDocs builds (in the navigation, or outside the direct folders): when its markdown converts,
        MkDocs' `render` is replaced by the converted result; the template and search plugin run as usual."""
        try:
            converted = convert(markdown, self._linker(page.file, files))  # type: ignore[attr-defined]
        except Unsupported:
            return

        def render(config: object, files: object) -> None:
            page.content = converted.html  # type: ignore[attr-defined]
            page.toc = _toc(converted.headings)  # type: ignore[attr-defined]
            page._title_from_render = converted.title  # type: ignore[attr-defined]
            page.present_anchor_ids = {heading.id for heading in converted.headings}  # type: ignore[attr-defined]
            page.links_to_anchors = {}  # type: ignore[attr-defined]

        page.render = render  # type: ignore[attr-defined]

    def _linker(self, file: object, files: object) -> Callable[[str], str]:
        """MkDocs' own rewriting of a link (a `.md` path becomes the page's URL, a missing page is a warning),
        remembered for the pages whose URLs share a parent folder: a link means the same from each of them."""
        from mkdocs.structure.pages import _RelativePathTreeprocessor

        rewrite = _RelativePathTreeprocessor(file, files, self.config).path_to_url  # type: ignore[arg-type]
        folder = file.src_uri.rpartition("/")[0]  # type: ignore[attr-defined]
        own = file.src_uri  # type: ignore[attr-defined]
        base = (file.url.rstrip("/").rpartition("/")[0], file.url.count("/"))  # type: ignore[attr-defined]

        def link(url: str) -> str:
            if "#" in url or "?" in url or posixpath.normpath(posixpath.join(folder, url)) == own:
                return rewrite(url)  # anchors are registered per page; a link to itself is "./"
            key = (base, folder, url)
            found = self._links.get(key)
            if found is None:
                found = self._links[key] = rewrite(url)
            return found

        return link

    def write(self) -> list[dict]:
        """Write every direct page into its stamp; return their search index entries."""
        from material.plugins.search.plugin import SearchIndex

        index = SearchIndex()
        for direct in self.pages:
            file, page = direct.file, direct.page
            content = _SEARCH_ATTRIBUTE.sub("", page.html)
            values = {"title": page.title or "", "anchor": page.headings[0].id, "content": content,
                      "plain_title": _striptags(page.title or ""), "page": _own_name(file)}
            output = "".join(values[part[1:]] if part[:1] == "\0" else part for part in self.stamp(direct))
            path = file.abs_dest_path  # type: ignore[attr-defined]
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(output.encode("utf-8", errors="xmlcharrefreplace"))
            entry = search_entry(file.url, page)  # type: ignore[attr-defined]
            if entry is None:
                index.add_entry_from_context(_SearchPage(file, page))
            else:
                index.entries.append(entry)
        return index.entries

    def stamp(self, direct: DirectPage) -> list[str]:
        """Material's page for this folder and these sections, as literal parts and `\\0name` placeholders."""
        folder = direct.file.src_uri.rpartition("/")[0]  # type: ignore[attr-defined]
        sections = tuple((heading.level, heading.id, heading.name) for heading in direct.page.headings[1:])
        key = (folder, sections)
        if key not in self._stamps:
            self._stamps[key] = self._render_stamp(direct.file, direct.page.headings)
        return self._stamps[key]

    def _render_stamp(self, file: object, headings: list[Heading]) -> list[str]:
        from mkdocs.commands.build import get_context
        from mkdocs.structure.files import File
        from mkdocs.structure.pages import Page

        config = self.config
        folder = file.src_uri.rpartition("/")[0]  # type: ignore[attr-defined]
        stand_in = File(f"{folder}/{STAMP_PAGE}.md", config["docs_dir"], config["site_dir"],  # type: ignore[index]
                        config["use_directory_urls"])  # type: ignore[index]
        page = Page(None, stand_in, config)  # type: ignore[arg-type]
        page.markdown = ""
        page.meta = {}
        page.content = STAMP_CONTENT
        page._title_from_render = STAMP_TITLE
        page.toc = _toc(headings, STAMP_TITLE, STAMP_ANCHOR)
        page.active = True
        try:
            context = get_context(self.nav, [], config, page)  # type: ignore[arg-type]
            rendered = self.env.get_template("main.html").render(context)  # type: ignore[attr-defined]
        finally:
            page.active = False
        parts: list[str] = []
        names: list[str] = []
        position = 0
        for match in _STAMP_MARKS.finditer(rendered):
            parts.append(rendered[position:match.start()])
            mark = match.group(0)
            name = ("plain_title" if mark.startswith("<title>") else "title" if mark == STAMP_TITLE
                    else "anchor" if mark == STAMP_ANCHOR else "page" if mark == STAMP_PAGE else "content")
            if name == "plain_title":
                parts[-1] += "<title>"
            parts.append("\0" + name)
            names.append(name)
            position = match.end()
        parts.append(rendered[position:])
        if names.count("content") != 1 or "title" not in names:
            raise StampError(f"Material's page template no longer shows the page's content once and its title "
                             f"(found {names}); set extra.registry.direct_pages to [] to build every page with MkDocs")
        return parts


def _own_name(file: object) -> str:
    """The last part of a page's URL (`systems/x/` → `x`), as MkDocs quotes it: what fills `STAMP_PAGE`."""
    return str(file.url).rstrip("/").rpartition("/")[2]  # type: ignore[attr-defined]
