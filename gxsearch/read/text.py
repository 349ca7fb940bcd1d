"""Plain text reports: decode the bytes, split off a crawler header.

A `.txt` report is UTF-8, UTF-8 with BOM, GB18030/GBK or UTF-16 with BOM. Crawler-saved files
start with `key: value` lines and a `==== 正文 ====` separator; those lines become the
header (标题, 发布时间, 发布机构, 原文链接 …), read as metadata and never indexed as body.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from gxsearch.errors import ReadError
from gxsearch.read.common import Parsed

# Detectors name the Chinese codepages differently; GB18030 decodes everything they do.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc_cn", "ms936"}
_SEPARATOR = re.compile(r"^\s*={3,}\s*正文\s*={3,}\s*$")
_HEADER_LINE = re.compile(
    r"^([\u4e00-\u9fffA-Za-z_][\u4e00-\u9fffA-Za-z_ ]{0,15})[:：]\s*(.*?)\s*$"
)
_HEADER_MAX_LINES = 40
# The labels of a crawler's block above a saved page's text, and those only a crawl writes.
_CRAWLER_LABELS = {"标题", "单位", "来源", "发布机构", "发布时间", "发布日期", "采集时间",
                   "原文链接", "网址", "采集网址", "栏目", "文号", "索引号", "公开日期"}
_CRAWL_LABELS = {"采集时间", "原文链接", "网址", "采集网址"}


def _control_ratio(text: str) -> float:
    sample = text[:100_000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return bad / max(1, len(sample))


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes, returning `(text, encoding)`; raise ReadError if impossible."""
    if not data:
        raise ReadError("empty file")
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    encoding = next((enc for bom, enc in boms if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        raise ReadError("binary file (contains NUL bytes)")
    if encoding is None:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            best = from_bytes(data).best()
            if best is None:
                raise ReadError("undecodable: not UTF-8 and no known encoding fits") from None
            encoding = best.encoding.lower().replace("-", "_")
            if encoding in _GB_FAMILY:
                encoding = "gb18030"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ReadError(f"undecodable as {encoding}: {exc}") from None
    text = text.lstrip("\ufeff")
    if _control_ratio(text) > 0.05:
        raise ReadError("binary file (mostly control characters)")
    return text, encoding


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """Split a crawler header off `text`: return `(header, body)`.

    A header is recognised when the text starts with `key: value` lines that are followed by
    a `==== 正文 ====` line, or with a block of at least two lines of a crawler's own labels
    (标题, 单位, 来源, 采集时间, 原文链接 …) one of which is a crawl's (采集时间, 原文链接, 网址,
    采集网址); otherwise the header is empty and the body is `text`.
    """
    lines = text.split("\n")
    if not lines or not _HEADER_LINE.match(lines[0]):
        return {}, text
    for i, line in enumerate(lines[:_HEADER_MAX_LINES]):
        if _SEPARATOR.match(line):
            return _header(lines[:i]), "\n".join(lines[i + 1:])
    block = 0
    for line in lines[:_HEADER_MAX_LINES]:
        m = _HEADER_LINE.match(line)
        if not m or m.group(1).strip() not in _CRAWLER_LABELS:
            break
        block += 1
    labels = {_HEADER_LINE.match(line).group(1).strip() for line in lines[:block]}
    if block >= 2 and labels & _CRAWL_LABELS:
        return _header(lines[:block]), "\n".join(lines[block:])
    return {}, text


def _header(lines: list[str]) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in lines:
        m = _HEADER_LINE.match(line)
        if m and m.group(2):
            header.setdefault(m.group(1).strip(), m.group(2))
    return header


def read_text(data: bytes) -> Parsed:
    """A plain-text report: decoded, line ends normalised, the crawler header split off."""
    text, encoding = decode(data)
    header, body = parse_header(text.replace("\r\n", "\n").replace("\r", "\n"))
    return Parsed(body, header=header, encoding=encoding)
