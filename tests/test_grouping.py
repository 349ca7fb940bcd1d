"""grouping.group: the reports of a ranking, without sorting every section."""

import numpy as np
import pytest

from gxsearch import grouping


class _Owners:
    def __init__(self, codes, count):
        self.codes = np.asarray(codes, np.int32)
        self.count = count
        self.ids = [f"r{i}" for i in range(count)]


def _by_full_sort(ids, scores, rest, own, page, per_page):
    """The definition: sort every section (score down, document order among equals, then the
    rest), put each report where its first section is, show its first SHOWN."""
    ranked = np.concatenate([ids[np.argsort(-scores, kind="stable")], rest])
    seen, order = set(), []
    for d in ranked.tolist():
        if own.codes[d] not in seen:
            seen.add(own.codes[d])
            order.append(int(own.codes[d]))
    total = len(order)
    if per_page:
        order = order[(page - 1) * per_page:page * per_page]
    out = []
    for code in order:
        mine = [d for d in ranked.tolist() if own.codes[d] == code]
        shown = mine[:grouping.SHOWN]
        out.append((own.ids[code], shown[0], sorted(shown), len(mine) - len(shown)))
    return total, out


def test_a_report_goes_where_its_best_section_is_and_shows_its_best_three():
    # Sections 0–3 are report 0's, 4–6 report 1's, 7–8 report 2's.
    own = _Owners([0, 0, 0, 0, 1, 1, 1, 2, 2], 3)
    ids = np.array([0, 1, 2, 3, 5, 6])
    scores = np.array([1.0, 4.0, 2.0, 2.0, 4.0, 0.5])
    rest = np.array([8, 4, 7])  # unscored, in their own order (newest year first)
    # Report 0's best (4.0, section 1) ties report 1's (4.0, section 5): document order.
    assert grouping.group(ids, scores, rest, own, 1, 10) == (3, [
        ("r0", 1, [1, 2, 3], 1),
        ("r1", 5, [4, 5, 6], 0),
        ("r2", 8, [7, 8], 0),
    ])
    assert grouping.group(ids, scores, rest, own, 2, 2) == (3, [("r2", 8, [7, 8], 0)])


@pytest.mark.parametrize("seed", range(20))
def test_the_same_reports_as_sorting_every_section(seed):
    rng = np.random.default_rng(seed)
    n_docs, n_reports = 300, 40
    own = _Owners(np.sort(rng.integers(0, n_reports, n_docs)), n_reports)
    hit = np.flatnonzero(rng.random(n_docs) < 0.6)
    scored = rng.random(len(hit)) < 0.7
    ids = hit[scored]
    # Few distinct scores, so that ties are common, as with one-word queries.
    scores = rng.integers(1, 6, len(ids)).astype(float) / 2
    rest = rng.permutation(hit[~scored])
    for page, per_page in ((1, 10), (2, 10), (3, 7), (1, 0)):
        assert grouping.group(ids, scores, rest, own, page, per_page) == \
            _by_full_sort(ids, scores, rest, own, page, per_page)


def test_topic_counts_are_reports_holding_the_value_among_the_hits():
    from gxsearch.index import Facet

    # Sections 0–3 are report 0's, 4–6 report 1's, 7–8 report 2's; several topics a section.
    own = _Owners([0, 0, 0, 0, 1, 1, 1, 2, 2], 3)
    topics = Facet(["依申请公开", "主动公开", "政策解读"],
                   [np.array([0, 1, 4, 8]), np.array([1, 5, 6]), np.array([2])], 9)
    assert topics.bits is not None  # several values a section: counted through bits
    hits = np.array([1, 2, 5, 7, 8])
    # 依申请公开: sections 1 (report 0), 8 (report 2); 主动公开: 1 (0), 5 (1); 政策解读: 2 (0).
    assert grouping.facet_counts(own, topics, "topic", hits).tolist() == [2, 2, 1]
