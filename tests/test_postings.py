"""Tests of the columns' postings and of BM25 against Whoosh's own matchers and scoring."""

import re

import numpy as np
import pytest
from conftest import CORPUS, SEEDS, corpus_files
from whoosh.query import Or, Term

from gxsearch.analysis import bigrams
from gxsearch.clean import match_form
from gxsearch.columns import content
from gxsearch.index import check
from gxsearch.indexer import index_paths
from gxsearch.postings import bm25, to_mask, top
from gxsearch.search import open_index


def _generic(searcher, field, term):
    ids, ws = [], []
    m = searcher.reader().postings(field, term)
    while m.is_active():
        ids.append(m.id())
        ws.append(m.weight())
        m.next()
    return ids, ws


@pytest.fixture(scope="module")
def two_segments(tmp_path_factory):
    """The seeds, then the Pingtan reports added by an update: an index of two segments."""
    corpus_files()
    index_dir = tmp_path_factory.mktemp("two-segments")
    index_paths([str(SEEDS)], index_dir, rebuild=True)
    index_paths([str(SEEDS), str(CORPUS)], index_dir)
    ix = open_index(index_dir)
    assert len(ix.current().postings.parts) == 2
    yield ix
    ix.close()


@pytest.fixture(params=["seeds", "two segments"])
def gen(request, seed_index, two_segments):
    return (seed_index if request.param == "seeds" else two_segments).current()


@pytest.mark.parametrize("term", ["依申请公开", "公开", "公安局"])
def test_word_postings_of_the_columns_are_those_of_whoosh(gen, term):
    ids, ws = _generic(gen.searcher, "words", term)
    assert ids
    assert gen.postings.ids("words", term).tolist() == ids
    assert gen.postings.df("words", term) == len(ids) == gen.searcher.doc_frequency("words",
                                                                                     term)
    got_ids, got_ws = gen.postings.weights("words", term)
    assert (got_ids.tolist(), got_ws.tolist()) == (ids, ws)


def _indexed(fields: dict) -> str:
    """A section's indexed text from its stored fields, folded and lowercased."""
    return match_form(content(fields)).lower()


#: Bigram → where a section's indexed text holds it (Whoosh has no bigrams to compare with).
GRAM_ORACLES = {
    "复议": r"复议",
    "公开": r"公开",
    "2018年": r"(?<![a-z0-9])2018年",  # the whole digit run: "20180年" is "20180" + "年"
    "。\u2403": r"。[^\S\n]*(?:\n|$)",  # a full stop that ends its line
}


@pytest.mark.parametrize("term", list(GRAM_ORACLES))
def test_gram_postings_are_the_sections_whose_text_holds_the_bigram(gen, term):
    reader = gen.searcher.reader()
    want = [d for d in range(reader.doc_count_all())
            if re.search(GRAM_ORACLES[term], _indexed(reader.stored_fields(d)))]
    assert want
    assert gen.postings.ids("grams", term).tolist() == want
    assert gen.postings.df("grams", term) == len(want)


def test_every_term_of_a_segment_is_in_its_columns(two_segments):
    gen = two_segments.current()
    for sub, _ in gen.searcher.leaf_searchers():
        reader = sub.reader()
        cols = next(c for c, off in gen.postings.parts if c.docs == reader.doc_count_all())
        theirs = [t.decode("utf-8") for t in reader.lexicon("words")]
        assert cols.terms("words") == theirs and theirs
        grams = {g for d in range(reader.doc_count_all())
                 for g in bigrams(match_form(content(reader.stored_fields(d))))}
        assert cols.terms("grams") == sorted(grams) and grams


def test_columns_written_from_the_analysis_are_those_derived_from_the_segment(two_segments):
    # The indexer builds each new segment's columns as it writes the segment; check()
    # derives them again from Whoosh's postings and stored fields, array by array.
    report = check(two_segments.current().path.parent)
    assert (report["segments"], report["problems"]) == (2, [])


def test_unknown_term_has_no_postings(seed_index):
    post = seed_index.current().postings
    assert post.ids("words", "不存在的词语").tolist() == []
    assert [a.tolist() for a in post.weights("words", "不存在的词语")] == [[], []]


def test_a_section_text_is_its_heading_separator_and_text_lowercased(seed_index):
    gen = seed_index.current()
    docs = [int(d) for d in np.flatnonzero(gen.sections())]
    with_text = [d for d in docs if gen.searcher.stored_fields(d)["text"]
                 and not gen.searcher.stored_fields(d).get("lead")]
    d = with_text[3]
    f = gen.searcher.stored_fields(d)
    # Matched in the folded form of the text as published (full-width punctuation folded).
    assert gen.postings.text(d) == match_form(
        f"{f['heading']}{f.get('sep', '')}{f['text']}").lower()
    # A part whose text is all in its subsections is not indexed: its columns text is empty.
    hollow = next(d for d in docs if gen.searcher.stored_fields(d).get("hollow"))
    assert gen.postings.text(hollow) == ""
    # Its heading leads its first subsection's text, so it is still found.
    heading = gen.searcher.stored_fields(hollow)["heading"]
    first = next(d for d in docs if gen.searcher.stored_fields(d).get("lead"))
    f = gen.searcher.stored_fields(first)
    assert gen.postings.text(first) == match_form(
        f"{f['lead']}\n{f['heading']}{f.get('sep', '')}{f['text']}").lower()
    assert heading in f["lead"].split("\n")


def _whoosh_top(searcher, words, allowed, k):
    hits = searcher.search(Or([Term("words", w) for w in words]),
                           filter=set(np.flatnonzero(allowed).tolist()), limit=k)
    return [(h.docnum, h.score) for h in hits]


@pytest.mark.parametrize("words", [["依申请公开"], ["依申请公开", "行政复议", "公开"],
                                   ["公开", "平潭", "市场监督管理局"]])
def test_bm25_top_k_equals_whoosh_scoring_for_any_filter(gen, words):
    searcher = gen.searcher
    ids, scores = bm25(gen.postings, words, [gen.idf(w) for w in words], gen.norms())
    live = gen.sections()
    first = np.flatnonzero(live)
    for allowed in (live, to_mask(first[::3], gen.size), to_mask(first[:5], gen.size)):
        for k in (1, 10, 1000):
            ours = top(ids, scores, allowed, k)
            assert ours == _whoosh_top(searcher, words, allowed, k) != []
            assert {d for d, _ in ours} <= set(np.flatnonzero(allowed).tolist())
    assert top(ids, scores, np.zeros(gen.size, bool), 10) == []


def test_equal_scores_come_in_document_order():
    ids = np.array([2, 5, 7, 9, 11], np.int32)
    scores = np.array([1.0, 3.0, 1.0, 3.0, 1.0])
    allowed = np.ones(12, bool)
    assert top(ids, scores, allowed, 3) == [(5, 3.0), (9, 3.0), (2, 1.0)]
    assert top(ids, scores, allowed, 9) == [(5, 3.0), (9, 3.0), (2, 1.0), (7, 1.0), (11, 1.0)]
