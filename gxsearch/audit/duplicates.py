"""Reports of different issuers that share their text: exact sentence hashes.

Each report is the set of its sentences' hashes (``sentences.py``: normal forms, the
template's own text left out). The overlap of A with B is the characters of A's sentences
that B also has, over all of A's: how much of A stands in B (not symmetric: a short report
copied whole into a long one is 100% of itself). Pairs come from an inverted index over
the hashes, counted with numpy. A sentence held by more than ``MAX_HOLDERS`` reports is a
formula of the genre (the same sentence in a hundred bodies' reports is nobody's copy) and
is not counted, which keeps the pairs bounded: each hash gives at most ``MAX_HOLDERS²``.
Reports of the same issuer are not paired (their repetition is ``reuse.py``'s).

Why not MinHash/LSH (datasketch): the reports are short (a few hundred sentences), copying
is of whole sentences, and an exact count gives the overlap itself rather than an estimate
of Jaccard similarity that would still have to be verified; the bench (``bench/audit.py``)
measures the time and memory of this at 10,000 reports.
"""

from __future__ import annotations

import numpy as np

MAX_HOLDERS = 20
NEAREST = 5  # the nearest reports listed per report
FLOOR = 0.2  # an overlap below this is not listed


def nearest(reports: list[dict]) -> dict[str, list[dict]]:
    """Report id → up to ``NEAREST`` ``{"report_id", "overlap"}`` of other issuers' reports,
    the largest overlap first (at least ``FLOOR``). ``reports``: records with
    ``report_id``, ``issuer`` and ``fp`` (the fingerprint)."""
    n = len(reports)
    hashes, owner, chars = [], [], []
    for i, r in enumerate(reports):
        seen: dict[int, int] = {}
        for h, c, *_ in (r.get("fp") or {}).get("sentences", ()):
            seen.setdefault(h, c)
        hashes.append(np.fromiter(seen.keys(), np.int64, len(seen)))
        chars.append(np.fromiter(seen.values(), np.int64, len(seen)))
        owner.append(np.full(len(seen), i, np.int64))
    out: dict[str, list[dict]] = {r["report_id"]: [] for r in reports}
    if not n or not sum(map(len, hashes)):
        return out
    h, who, c = np.concatenate(hashes), np.concatenate(owner), np.concatenate(chars)
    total = np.bincount(who, weights=c, minlength=n)
    issuer_codes = {v: k for k, v in enumerate(sorted({r.get("issuer") or "" for r in reports}))}
    issuer = np.array([issuer_codes[r.get("issuer") or ""] for r in reports], np.int64)
    order = np.argsort(h, kind="stable")
    h, who, c = h[order], who[order], c[order]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]])
    sizes = np.diff(np.r_[starts, len(h)])
    keys, weights = [], []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= MAX_HOLDERS)]).tolist():
        first = starts[sizes == size]
        members = who[first[:, None] + np.arange(size)]  # (groups, size)
        weight = c[first]
        a = np.repeat(members, size, axis=1).ravel()
        b = np.tile(members, (1, size)).ravel()
        w = np.repeat(weight, size * size)
        keep = issuer[a] != issuer[b]
        keys.append(a[keep] * n + b[keep])
        weights.append(w[keep])
    if not keys:
        return out
    pair_keys, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    pair_w = np.bincount(inverse, weights=np.concatenate(weights))
    a, b = pair_keys // n, pair_keys % n
    overlap = pair_w / total[a]
    keep = overlap >= FLOOR
    a, b, overlap = a[keep], b[keep], overlap[keep]
    # Best first within each report: by report, then overlap descending, then the other's id.
    ids = [r["report_id"] for r in reports]
    rank = np.argsort(np.array(ids, dtype=object), kind="stable")
    pos = np.empty(n, np.int64)
    pos[rank] = np.arange(n)
    for i in np.lexsort((pos[b], -overlap, a)).tolist():
        listed = out[ids[a[i]]]
        if len(listed) < NEAREST:
            listed.append({"report_id": ids[b[i]], "overlap": round(float(overlap[i]), 4)})
    return out

