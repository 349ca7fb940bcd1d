"""Tests of the block-wise posting reads and BM25 against Whoosh's own matchers and scoring."""

import pytest
from conftest import CORPUS, SEEDS, corpus_files
from whoosh.query import Or, Term

from gxsearch.indexer import index_paths
from gxsearch.postings import bm25_norms, bm25_ranking, doc_set, postings
from gxsearch.search import open_index


def _generic(searcher, field, term):
    ids, ws = [], []
    m = searcher.reader().postings(field, term)
    while m.is_active():
        ids.append(m.id())
        ws.append(m.weight())
        m.next()
    return ids, ws


@pytest.mark.parametrize("field, term", [
    ("words", "依申请公开"), ("words", "公开"), ("grams", "复议"), ("grams", "公开"),
    ("district", "沈抚新区"), ("topic", "依申请公开")])
def test_block_reads_equal_the_generic_matcher(seed_index, field, term):
    searcher = seed_index.current().searcher
    ids, ws = postings(searcher, field, term, weights=True)
    assert (ids, ws) == _generic(searcher, field, term) and ids
    assert doc_set(searcher, field, term) == frozenset(ids)


def test_unknown_term_has_no_postings(seed_index):
    assert postings(seed_index.current().searcher, "words", "不存在的词语", weights=True) == ([], [])


def test_bm25_ranking_top_equals_whoosh_scoring(seed_index):
    searcher = seed_index.current().searcher
    words = ["依申请公开", "行政复议", "公开"]
    every = seed_index.current().sections()
    ours = bm25_ranking(searcher, "words", words, bm25_norms(searcher, "words")).top(every, 10)
    theirs = [(h.docnum, h.score) for h in searcher.search(Or([Term("words", w) for w in words]),
                                                           limit=10)]
    assert [d for d, _ in ours] == [d for d, _ in theirs]
    assert [round(s, 6) for _, s in ours] == [round(s, 6) for _, s in theirs]


def test_bm25_ranking_top_keeps_to_the_allowed_set(seed_index):
    searcher = seed_index.current().searcher
    allowed = frozenset(sorted(seed_index.current().sections())[:20])
    top = bm25_ranking(searcher, "words", ["公开"], bm25_norms(searcher, "words")).top(allowed, 50)
    assert top and {d for d, _ in top} <= allowed


def test_a_ranking_gives_whoosh_top_k_for_any_filter_before_and_after_it_is_sorted(seed_index):
    searcher = seed_index.current().searcher
    words, norms = ["依申请公开", "公开"], bm25_norms(searcher, "words")
    ranking = bm25_ranking(searcher, "words", words, norms)
    assert len(set(ranking.ids)) == len(ranking.ids)
    sections = sorted(seed_index.current().sections())
    for allowed in (frozenset(sections[::3]), frozenset(sections), frozenset(sections[:5])):
        theirs = [(h.docnum, round(h.score, 6)) for h in searcher.search(
            Or([Term("words", w) for w in words]), filter=set(allowed), limit=15)]
        for _ in range(2):  # the first use selects, the second sorts and scans
            assert [(d, round(s, 6)) for d, s in ranking.top(allowed, 15)] == theirs
    assert ranking.is_sorted and list(ranking.scores) == sorted(ranking.scores, reverse=True)


@pytest.fixture(scope="module")
def two_segments(tmp_path_factory):
    """The seeds, then the Pingtan reports added by an update: an index of two segments."""
    corpus_files()
    index_dir = tmp_path_factory.mktemp("two-segments")
    index_paths([str(SEEDS)], index_dir, rebuild=True)
    index_paths([str(SEEDS), str(CORPUS)], index_dir)
    ix = open_index(index_dir)
    assert len(list(ix.current().searcher.leaf_searchers())) == 2
    yield ix
    ix.close()


def _some_sections(gen):
    sections = sorted(gen.sections())
    district = sorted(gen.facet_sets("district")["平潭综合实验区市场监督管理局"])
    return [sections[::7], district, sections[:3] + sections[-3:], [], sections]


@pytest.mark.parametrize("field, term", [
    ("words", "公开"), ("words", "依申请公开"), ("grams", "复议"), ("district", "沈抚新区")])
def test_postings_within_some_sections_are_those_of_all_postings(two_segments, field, term):
    searcher = two_segments.current().searcher
    ids, ws = postings(searcher, field, term, weights=True)
    for within in _some_sections(two_segments.current()):
        kept = set(within)
        expected = [(d, w) for d, w in zip(ids, ws, strict=True) if d in kept]
        got = postings(searcher, field, term, weights=True, within=within)
        assert list(zip(*got, strict=True)) == expected
        assert postings(searcher, field, term, within=within)[0] == [d for d, _ in expected]


def test_a_ranking_within_some_sections_has_their_scores_and_top_k(two_segments):
    gen = two_segments.current()
    searcher, norms = gen.searcher, gen.norms()
    words = ["依申请公开", "公开", "市场监督管理局"]
    whole = bm25_ranking(searcher, "words", words, norms)
    for within in _some_sections(gen):
        allowed = frozenset(within)
        part = bm25_ranking(searcher, "words", words, norms, within=within)
        assert set(part.ids) <= allowed
        assert part.top(allowed, 15) == whole.top(allowed, 15)
        assert sorted(zip(part.ids, part.scores, strict=True)) == sorted(
            (d, s) for d, s in zip(whole.ids, whole.scores, strict=True) if d in allowed)
