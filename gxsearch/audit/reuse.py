"""Text repeated from the same issuer's report of the year before.

The share is by characters of normal forms (``sentences.py``): of the sentences the audit
compares in a report, the characters of those whose normal form also stands in the
issuer's report on the year before, over the characters of all of them. A passage is a run
of repeated sentences in one section, in document order; the longest come first.
"""

from __future__ import annotations

PASSAGES = 5  # the longest repeated passages kept per report


def previous_reports(reports: list[dict]) -> dict[str, dict]:
    """Report id → the same issuer's report on the year before (``reports``: records with
    ``report_id``, ``issuer``, ``year``); of two reports of one issuer and year, the first
    by id stands for it."""
    by_key: dict[tuple[str, int], dict] = {}
    for r in sorted(reports, key=lambda r: r["report_id"]):
        if r.get("issuer") and r.get("year"):
            by_key.setdefault((r["issuer"], int(r["year"])), r)
    out = {}
    for r in reports:
        if r.get("issuer") and r.get("year"):
            prev = by_key.get((r["issuer"], int(r["year"]) - 1))
            if prev is not None:
                out[r["report_id"]] = prev
    return out


def compare(fp: dict, previous: dict) -> dict:
    """``{"previous_year": share or None, "chars", "repeated_chars", "sentences": [(index of
    a repeated sentence, the previous report's section it stands in)], "passages":
    [{"section_id", "start", "end", "chars", "sentences", "previous_section_id"}]}`` of a
    fingerprint against the previous year's."""
    where: dict[int, str] = {}
    for h, _n, si, _a, _b in previous["sentences"]:
        where.setdefault(h, previous["sections"][si])
    sents = fp["sentences"]
    total = sum(s[1] for s in sents)
    repeated = [i for i, s in enumerate(sents) if s[0] in where]
    runs: list[list[int]] = []
    for i in repeated:
        if runs and runs[-1][-1] == i - 1 and sents[i - 1][2] == sents[i][2]:
            runs[-1].append(i)
        else:
            runs.append([i])
    passages = [{
        "section_id": fp["sections"][sents[run[0]][2]], "start": sents[run[0]][3],
        "end": sents[run[-1]][4], "chars": sum(sents[i][1] for i in run),
        "sentences": len(run), "previous_section_id": where[sents[run[0]][0]],
    } for run in runs]
    passages.sort(key=lambda p: (-p["chars"], p["section_id"], p["start"]))
    same = sum(sents[i][1] for i in repeated)
    return {"previous_year": round(same / total, 4) if total else None, "chars": total,
            "repeated_chars": same, "sentences": [(i, where[sents[i][0]]) for i in repeated],
            "passages": passages[:PASSAGES]}


BANDS = ((0.25, "25%以下"), (0.5, "25%–50%"), (0.75, "50%–75%"), (1.01, "75%以上"))
NO_PREVIOUS = "无上年报告"


def band(share: float | None) -> str:
    """The facet value of a share: 25%以下, 25%–50%, 50%–75%, 75%以上 (a share on a border
    goes up: 50% is 50%–75%), or 无上年报告."""
    if share is None:
        return NO_PREVIOUS
    return next(label for top, label in BANDS if share < top)
