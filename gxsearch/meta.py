"""Report metadata: title, issuing district, province, year reported on, publication time, URL.

Works on one report at a time. Crawler header values (标题, 发布时间, 发布机构, 原文链接) win over
anything guessed from the text; the guesses read the cleaned text (titles, reporting period,
signing line) and the folded raw text (the 发布时间/时间 line that cleaning drops as furniture).
A field that cannot be found is empty (or None for the year); nothing is invented.

District normalisation: the district is the body that wrote the report as named in the title
(the part before the year, else between the year and 政府信息公开/政务公开), with a trailing
管委会/管理委员会 (and an 办公室 after it) dropped, so that "平潭综合实验区管委会2014年度…" and
"平潭综合实验区2015年度…" share the facet value 平潭综合实验区. 人民政府 and department names
(…市场监督管理局) are kept: they are different issuing bodies.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from gxsearch.clean import fold

GAZETTEER_PATH = Path(__file__).parent / "data" / "gazetteer.tsv"

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
_TIME = r"(?:\s*(?P<hh>\d{1,2})[:：](?P<mm>\d{2})(?::\d{2})?)?"
_DATE = r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})日?"
# A 发布时间 label is trusted before a bare 时间/日期 one, which body text also uses.
_LABELLED_DATE_RES = tuple(
    re.compile(rf"(?:{labels})\s*[:：]\s*{_DATE}{_TIME}")
    for labels in ("发布时间|发布日期|发文日期", "时间|日期")
)
_BARE_DATE_LINE_RE = re.compile(rf"^\s*{_DATE}{_TIME}\s*$", re.MULTILINE)
_PERIOD_RE = re.compile(
    r"(?:统计期限|统计时限|统计期间|统计时间)[^\d]{0,8}((?:19|20)\d{2})\s*年"
    r"|现将((?:19|20)\d{2})\s*年度?"
    r"|((?:19|20)\d{2})\s*年度?政府信息公开(?:工作)?(?:年度)?报告"
)


def extract_meta(raw: str, cleaned: str, header: dict, filename: str) -> dict:
    """Return ``{title, district, province, year, published, url}`` for one report.

    ``raw`` is the decoded text without the crawler header, ``cleaned`` is ``clean.clean(raw)``,
    ``header`` the crawler header dict (may be empty) and ``filename`` the file's name, used only
    as a last resort for the title when it reads like one.
    """
    header = {k: fold(v).strip() for k, v in (header or {}).items() if v and v.strip()}
    folded = fold(raw)
    title = header.get("标题") or find_title(cleaned) or find_title(folded)
    if not title:
        title = _title_from_filename(filename)
    district = (
        district_from_title(title)
        or normalise_district(header.get("发布机构", ""))
        or _source_from_text(folded)
        or _signer(cleaned)
    )
    published = normalise_date(header.get("发布时间", "")) or find_published(folded)
    return {
        "title": title,
        "district": district,
        "province": find_province(district, title, cleaned),
        "year": find_year(title, cleaned, published),
        "published": published,
        "url": header.get("原文链接", ""),
    }


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
    segs = _segments(text)
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


@lru_cache(maxsize=1)
def gazetteer() -> tuple[tuple[str, str], ...]:
    """(place name, province) pairs from data/gazetteer.tsv, longest names first."""
    pairs = []
    for line in GAZETTEER_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        province, _, names = line.partition("\t")
        pairs.append((province, province))
        pairs.extend((name, province) for name in names.split())
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def province_of(place: str) -> str:
    """The province of the earliest gazetteer name found in ``place``, or ""."""
    best: tuple[int, int, str] | None = None
    for name, province in gazetteer():
        pos = place.find(name)
        if pos >= 0 and (best is None or (pos, -len(name)) < best[:2]):
            best = (pos, -len(name), province)
    return best[2] if best else ""


def find_province(district: str, title: str, cleaned: str) -> str:
    """Province from the gazetteer (district, then title), else the province the text names most."""
    for place in (district, title):
        if place and (province := province_of(place)):
            return province
    names = sorted({p for _, p in gazetteer()}, key=len, reverse=True)
    counts = Counter(re.findall("|".join(names), cleaned))
    return counts.most_common(1)[0][0] if counts else ""
