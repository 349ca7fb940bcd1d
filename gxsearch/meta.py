"""Report metadata: title, issuer, place, year reported on, publication time, URL.

Works on one report at a time. Crawler header values (标题, 发布时间, 发布机构, 原文链接) win,
then what the file says of itself (a CMS page's ``<meta>`` tags and 名称/发布机构/公开日期
labels, a PDF's or Word file's title: ``read``'s ``Source.meta``), then guesses from the text:
the cleaned text (titles, reporting period, signing line and date) and the folded raw text
(the 发布时间/公开日期 line that cleaning drops as furniture). A crawl time (采集时间) is never a
publication date. A field that cannot be found is empty (or None for the year); nothing is
invented. The place (province › prefecture › county) is ``place.py``'s.

District normalisation: the district is the body that wrote the report as named in the title
(the part before the year, else between the year and 政府信息公开/政务公开), with a trailing
管委会/管理委员会 (and an 办公室 after it) dropped, so that "平潭综合实验区管委会2014年度…" and
"平潭综合实验区2015年度…" share the facet value 平潭综合实验区. 人民政府 and department names
(…市场监督管理局) are kept: they are different issuing bodies. The ``district`` facet holds
this issuer (``issuer`` is the same value, by its name); the place is separate.
"""

from __future__ import annotations

import re
from pathlib import Path

from gxsearch.clean import fold
from gxsearch.place import locate, place_label

# Titles are looked for only near the top: further down the same words start body sentences.
_TITLE_SCAN_CHARS = 4000
_STOP = r"\s《》()（）,，。;；:：、"
_DISCLOSURE = r"(?:政府信息公开|政务信息公开|政务公开|信息公开)"
_TITLE_RE = re.compile(
    rf"^(?:关于)?(?P<pre>[^{_STOP}]{{0,40}}?)(?P<year>(?:19|20)\d{{2}})\s*年度?"
    rf"(?P<mid>[^{_STOP}]{{0,30}}?){_DISCLOSURE}[^{_STOP}]{{0,12}}(?:报告|总结|年报)$"
)
_ORG_SUFFIX = re.compile(r"(?:党工委)?(?:管委会|管理委员会)(?:办公室|综合办公室|综合办)?$")
_SIGNER_RE = re.compile(
    r"^[^\s\d,，。;；:：]{2,30}(?:人民政府|管委会|管理委员会|办公室|办公厅|综合办|局|委员会)$"
)
# A CMS label glued before a title or a body's name (名称沭阳县发展和改革局…).
_LABEL_PREFIX = re.compile(
    r"^(?:名\s*称|标\s*题|文章标题|信息名称|发布机构|发文机关|来\s*源|单\s*位)[:：]?\s*")
_TIME = r"(?:\s*(?P<hh>\d{1,2})[:：](?P<mm>\d{2})(?::\d{2})?)?"
_DATE = r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})日?"
# A 发布时间 label is trusted before a bare 时间/日期 one, which body text also uses.
# The named labels may stand without a colon (a CMS table's cells: 公开日期 2024-01-17); a
# bare 时间/日期 needs one. 采集时间 (a crawl) and 统计时间 (the period) never count.
_LABELLED_DATE_RES = tuple(
    re.compile(rf"(?<!采集)(?<!统计)(?<!抓取)(?<!访问)(?:{labels})\s*{colon}\s*{_DATE}{_TIME}")
    for labels, colon in (("公开日期|公开时间|发布时间|发布日期|发文日期", "[:：]?"),
                          ("成文日期|生成日期", "[:：]?"), ("时间|日期", "[:：]"))
)
_CN_NUM = "〇○零一二三四五六七八九十"
_SIGNATURE_DATE = re.compile(
    rf"^\s*(?:(?P<y>(?:19|20)\d{{2}})|(?P<cy>[二][{_CN_NUM}]{{3}}))\s*年\s*"
    rf"(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*月\s*(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*日\s*$")
_BARE_DATE_LINE_RE = re.compile(rf"^\s*{_DATE}{_TIME}\s*$", re.MULTILINE)
_PERIOD_RE = re.compile(
    r"(?:统计期限|统计时限|统计期间|统计时间)[^\d]{0,8}((?:19|20)\d{2})\s*年"
    r"|现将((?:19|20)\d{2})\s*年度?"
    r"|((?:19|20)\d{2})\s*年度?政府信息公开(?:工作)?(?:年度)?报告"
)


def extract_meta(raw: str, cleaned: str, header: dict, filename: str,
                 doc: dict | None = None) -> dict:
    """Return ``{title, district, issuer, province, prefecture, county, place, year,
    published, url}`` for one report.

    ``raw`` is the decoded text without the crawler header, ``cleaned`` is ``clean.clean(raw)``,
    ``header`` the crawler header dict (may be empty), ``doc`` what the file says of itself
    (``title``, ``issuer``, ``published``, ``url``; may be empty) and ``filename`` the file's
    name, used only as a last resort for the title when it reads like one.
    """
    header = {k: fold(v).strip() for k, v in (header or {}).items() if v and v.strip()}
    doc = {k: fold(v).strip() for k, v in (doc or {}).items() if isinstance(v, str) and v}
    folded = fold(raw)
    title = _unlabel(header.get("标题") or doc.get("title", ""))
    if not _TITLE_RE.match(title) and (found := find_title(cleaned) or find_title(folded)):
        title = found  # a document property such as "Word Document" or "报告" is not a title
    if not title:
        title = _title_from_filename(filename)
    district = (
        district_from_title(title)
        or normalise_district(_unlabel(header.get("发布机构") or header.get("单位", "")))
        or normalise_district(_unlabel(doc.get("issuer", "")))
        or _source_from_text(folded)
        or _signer(cleaned)
    )
    published = (normalise_date(header.get("发布时间") or header.get("公开日期")
                                or header.get("发布日期", "")) or normalise_date(
        doc.get("published", "")) or find_published(folded) or signature_date(cleaned))
    place = locate(district, title, cleaned)
    return {
        "title": title,
        "district": district,
        "issuer": district,
        "province": place["province"],
        "prefecture": place["prefecture"],
        "county": place["county"],
        "place": place_label(place),
        "year": find_year(title, cleaned, published),
        "published": published,
        "url": header.get("原文链接") or header.get("网址") or doc.get("url", ""),
    }


def _unlabel(value: str) -> str:
    return _LABEL_PREFIX.sub("", value or "").strip()


def _segments(text: str) -> list[str]:
    """Lines of the top of ``text`` split further at spaces (one-line bodies keep titles there)."""
    return [s for s in re.split(r"\s+", text[:_TITLE_SCAN_CHARS]) if s]


def _has_area(match: re.Match) -> bool:
    return bool(match["pre"] or match["mid"])


def find_title(text: str) -> str:
    """The report title near the top of ``text``, or "".

    A one-segment title naming its area wins; else a title split over two segments
    (``遂宁经济技术开发区`` / ``2018年政府信息公开工作年度报告``) is joined; else a title without
    an area.
    """
    segs = [_unlabel(s) for s in _segments(text)]
    singles = [(s, m) for s in segs if (m := _TITLE_RE.match(s))]
    for seg, m in singles:
        if _has_area(m):
            return seg
    for prev, seg in zip(segs, segs[1:], strict=False):
        joined = prev + seg
        m = _TITLE_RE.match(joined)
        if m and _has_area(m) and _TITLE_RE.match(seg):
            return joined
    return singles[0][0] if singles else ""


def _title_from_filename(filename: str) -> str:
    stem = Path(filename or "").stem
    stem = re.sub(r"^[0-9a-f_]*_", "", fold(stem))
    return stem if _TITLE_RE.match(stem) else ""


def normalise_district(name: str) -> str:
    """Drop a trailing 管委会/管理委员会 (and 办公室 after it); keep the name if nothing is left."""
    name = (name or "").strip()
    short = _ORG_SUFFIX.sub("", name)
    return short if len(short) >= 2 else name


def district_from_title(title: str) -> str:
    """The issuing body named in ``title``: the part before the year, else after it."""
    m = _TITLE_RE.match(title or "")
    if m:
        return normalise_district(m["pre"] or m["mid"])
    m = re.match(r"^(?:关于)?([^\d\s]{2,40}?)(?:19|20)\d{2}\s*年", title or "")
    return normalise_district(m[1]) if m else ""


def _source_from_text(folded: str) -> str:
    m = re.search(r"来源\s*[:：]\s*([^\s:：]{2,40}?)(?=\s|发布|时间|$)", folded[:_TITLE_SCAN_CHARS])
    return normalise_district(m[1]) if m else ""


def _signer(cleaned: str) -> str:
    """The signing body: a short organisation-name line among the last few lines."""
    for line in reversed(cleaned.split("\n")[-6:]):
        line = line.strip()
        if _SIGNER_RE.match(line):
            return normalise_district(line)
    return ""


def _format_date(m: re.Match) -> str:
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return ""
    out = f"{y:04d}-{mo:02d}-{d:02d}"
    if m["hh"] is not None:
        out += f" {int(m['hh']):02d}:{m['mm']}"
    return out


def normalise_date(value: str) -> str:
    """``2018-03-28 09:01:34`` → ``2018-03-28 09:01``, ``2019年03月18日`` → ``2019-03-18``."""
    m = re.fullmatch(rf"\s*{_DATE}{_TIME}\s*", fold(value or ""))
    return _format_date(m) if m else ""


def find_published(folded: str) -> str:
    """Publication time from a 发布时间/时间 label, else from a bare date line near the top."""
    for pattern in _LABELLED_DATE_RES:
        for m in pattern.finditer(folded):
            if out := _format_date(m):
                return out
    for m in _BARE_DATE_LINE_RE.finditer(folded[:_TITLE_SCAN_CHARS]):
        if out := _format_date(m):
            return out
    return ""


def find_year(title: str, cleaned: str, published: str) -> int | None:
    """The year reported on: from the title, else the reporting period in the text, else the
    year before publication when the text mentions that year; None if unknown."""
    m = re.search(r"((?:19|20)\d{2})\s*年", title or "")
    if m:
        return int(m[1])
    m = _PERIOD_RE.search(cleaned)
    if m:
        return int(next(g for g in m.groups() if g))
    if published[:4].isdigit():
        prev = int(published[:4]) - 1
        if f"{prev}年" in cleaned:
            return prev
    return None


def _cn_number(s: str) -> int:
    """二〇二三 → 2023 (digit by digit), 十二 → 12, 二十 → 20."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return int("".join(str(digits.get(c, 0)) for c in s))


def signature_date(cleaned: str) -> str:
    """The date under the signature (``2023年1月17日``, ``二○一二年二月二十日``): the last line
    that is only a date (annexes such as a statistics table may follow it), or ""."""
    for line in reversed(cleaned.split("\n")):
        m = _SIGNATURE_DATE.match(line)
        if m:
            y = int(m["y"]) if m["y"] else _cn_number(m["cy"])
            mo = int(m["m"]) if m["m"].isdigit() else _cn_number(m["m"])
            d = int(m["d"]) if m["d"].isdigit() else _cn_number(m["d"])
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""


def province_of(place: str) -> str:
    """The province of the place named in ``place``, or ""."""
    return locate(place)["province"]
