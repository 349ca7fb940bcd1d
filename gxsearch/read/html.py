"""HTML reports (saved CMS pages): the main content, its tables, and the page's metadata.

The body is what readability-lxml takes for the article (README: it kept the body and the
tables of every government page tried, with the text split in ``<span>``s, and dropped the
site bars); what the CMS prints around it as labels (名称, 索引号, 发布机构, 公开日期, a
crawler's 标题/单位/来源/采集时间) is read as metadata from the whole page first and removed,
so none of it is indexed as body. ``<table>``s are kept as tables (row and column spans
resolved) and written into the text one line a row. Inline tags never split a word.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from gxsearch.read.common import Parsed, Table, cell_text
from gxsearch.read.text import decode

# The labels CMS pages and crawlers print before a value; spaces inside a label are dropped
# first (名　　称). 采集时间 is read so that it is never taken for a publication date.
LABELS = (
    "索引号", "信息索引号", "分类", "主题分类", "组配分类", "体裁分类", "发布机构", "发文机关",
    "公开日期", "成文日期", "发布日期", "发布时间", "生成日期", "文号", "发文字号", "名称",
    "标题", "来源", "信息来源", "时间", "单位", "采集时间", "有效性", "公开方式", "公开范围",
    "原文链接", "网址",
)
_ANY_LABEL = "|".join(sorted(LABELS, key=len, reverse=True))
_LABEL_RE = re.compile(rf"^({_ANY_LABEL})[:：]?(.*)$", re.S)
# Where a value ends: the next label of the same line (来源：…　时间：…).
_NEXT_LABEL = re.compile(rf"\s*(?:{_ANY_LABEL})\s*[:：]")
_MAX_VALUE = 120
# Which label answers which field, best first.
_FIELDS = {
    "title": ("标题", "名称"),
    "issuer": ("发布机构", "发文机关", "单位", "来源", "信息来源"),
    "published": ("公开日期", "发布日期", "发布时间", "成文日期", "生成日期", "时间"),
    "url": ("原文链接", "网址"),
}
_META_NAMES = {"title": ("ArticleTitle", "og:title"), "issuer": ("ContentSource",),
               "published": ("PubDate", "article:published_time"), "url": ("Url", "og:url")}
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")


class _VisibleText(HTMLParser):
    """Collect the text a browser would show, one block element per line."""

    SKIP = {"script", "style", "noscript", "template", "head", "title", "nav", "aside",
            "footer", "iframe", "svg", "select", "button"}
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
             "ul", "ol", "dl", "dt", "dd", "section", "article", "blockquote", "pre", "hr",
             "form", "header", "main", "center", "caption", "tbody", "thead", "body", "html"}
    CELL = {"td", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "body":
            # </head> is optional in HTML; the body always ends whatever was skipped.
            self.skip_depth = 0
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre_depth += 1
        elif tag in self.CELL:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
        elif tag in self.CELL:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        # Outside <pre>, source line breaks are just whitespace to a browser.
        self.parts.append(data if self.pre_depth else re.sub(r"\s+", " ", data))


def visible_text(html: str) -> str:
    """Return the visible text of an HTML page, one block per line, entities decoded."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r" {2,}", " ", line).strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)



def _text(el) -> str:
    """An element's text as one string: pieces split by inline tags or ``<p>``s inside a
    cell join without a space between Chinese characters."""
    return cell_text([_SPACES.sub(" ", t) for t in el.itertext()])


def _label(el) -> tuple[str, str] | None:
    """``(label, value)`` when ``el`` reads ``label：value`` (or is just a label)."""
    text = _SPACES.sub("", "".join(el.itertext()))
    m = _LABEL_RE.match(text)
    if not m or len(m[2]) > _MAX_VALUE:
        return None
    # Keep the value's own spaces (a date and its time).
    value = _text(el)
    for sep in ("：", ":"):
        if sep in value:
            value = value.split(sep, 1)[1]
            break
    else:
        value = m[2]
    return m[1], _NEXT_LABEL.split(value, 1)[0].strip()


def _span(value) -> int:
    try:
        return max(1, min(int(value), 200))
    except (TypeError, ValueError):
        return 1


def table_of(el) -> Table:
    """An HTML ``<table>`` as a grid, row and column spans resolved."""
    cells, taken, r = [], set(), 0
    for tr in el.iter("tr"):
        if tr.getparent() is not None and _owner(tr) is not el:
            continue  # a row of a nested table
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs, cs = _span(td.get("rowspan")), _span(td.get("colspan"))
            taken.update((i, j) for i in range(r, r + rs) for j in range(c, c + cs))
            cells.append((r, c, rs, cs, _text(td)))
            c += cs
        r += 1
    return Table.from_cells(cells)


def _owner(el):
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el


def _page_meta(tree) -> tuple[dict[str, str], list]:
    """The page's metadata (from ``<meta>`` tags and label elements) and the elements that
    carried labels, to be removed before the body is taken."""
    meta: dict[str, str] = {}
    found: dict[str, str] = {}
    for field, names in _META_NAMES.items():
        for name in names:
            for m in tree.xpath(f'//meta[@name="{name}" or @property="{name}"]'):
                if (value := (m.get("content") or "").strip()) and field not in meta:
                    meta[field] = value
    for link in tree.xpath('//link[@rel="canonical"]'):
        if link.get("href", "").startswith("http"):
            meta.setdefault("url", link.get("href"))
    drop = []
    for el in tree.iter("td", "th", "span", "li", "dt", "dd", "p", "div", "label", "em", "b"):
        if len(el) > 6:
            continue
        pair = _label(el)
        if pair is None:
            continue
        label, value = pair
        if not value:
            # A label cell: the value is the next cell.
            nxt = el.getnext()
            if nxt is None or el.tag not in ("td", "th", "dt", "span", "label", "b"):
                continue
            value = _text(nxt).strip()
            drop.append(nxt)
        if not value or label in found:
            continue
        found[label] = value
        drop.append(el)
    # The page's <meta> tags first; its labels fill what they do not say, best label first.
    for field, labels in _FIELDS.items():
        values = [found[label] for label in labels if found.get(label)]
        if field == "published":
            values = [v for v in values if _DATE.search(v)]
        if values and field not in meta:
            meta[field] = values[0]
    meta["labels"] = found  # every label the page carried, for the report's metadata view
    return meta, drop


def _main_content(tree) -> str:
    """The article's HTML (readability), or the whole body when readability finds nothing."""
    import lxml.html
    from readability import Document

    html = lxml.html.tostring(tree, encoding="unicode")
    try:
        summary = Document(html).summary(html_partial=True)
    except Exception:  # readability gives up on pages with no paragraphs at all
        return html
    # Site chrome is mostly links (menus, footers, related lists). A page with few links has
    # nothing around its text to remove, and readability may still drop a short table of
    # it: keep the whole page then (nav, aside and footer are skipped anyway).
    whole = visible_text(html)
    links = sum(len(_SPACES.sub("", a.text_content())) for a in tree.iter("a"))
    chrome = links > 0.1 * len(_SPACES.sub("", whole))
    return summary if chrome and len(visible_text(summary)) >= 50 else html


def read_html(data: bytes) -> Parsed:
    """A saved web page: its main content, its tables and its metadata."""
    import lxml.html

    text, encoding = decode(data)
    text = re.sub(r"^<\?xml[^>]*>", "", text.lstrip())  # lxml refuses a declared encoding
    if not text.strip():
        return Parsed("", encoding=encoding)
    tree = lxml.html.fromstring(text)
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    meta, drop = _page_meta(tree)
    labels = meta.pop("labels")
    for el in drop:
        if el.getparent() is not None:
            el.drop_tree()
    body = lxml.html.fromstring(_main_content(tree))
    tables = []
    for el in list(body.iter("table")):
        if _owner(el.getparent()) is not None:
            continue  # nested: part of the outer table's cell
        table = table_of(el)
        if not table.rows:
            el.drop_tree()
            continue
        tables.append(table)
        block = lxml.html.Element("div")
        for line in table.lines():
            p = lxml.html.Element("p")
            p.text = line
            block.append(p)
        block.tail = el.tail
        if el is body:
            body = block
        else:
            el.getparent().replace(el, block)
    out = visible_text(lxml.html.tostring(body, encoding="unicode"))
    header = {k: v for k, v in labels.items()}
    return Parsed(out, tables=tables, meta=meta, header=header, encoding=encoding)
