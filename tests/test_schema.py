"""Tests of the Whoosh schema and of its version check."""

import json

from conftest import SEEDS
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Term

from gxsearch.indexer import current_generation, index_paths
from gxsearch.schema import DERIVED_FACETS, FACET_FIELDS, make_schema


def test_fields():
    schema = make_schema()
    assert set(schema.names()) == {
        "kind", "key", "report_id", "section_id", "source", "words", "district", "prefecture", "county", "check", "published", "source_url",
        "province", "year", "topic", "year_num", "order", "title", "heading", "heading_path",
        "level", "text", "sep", "hollow", "lead", "span", "meta", "original", "sha1"}
    # The audit's facets are derived per generation (gxsearch/audit), not stored.
    assert set(FACET_FIELDS) - set(DERIVED_FACETS) <= set(schema.names())


def test_whoosh_holds_the_words_without_positions_and_no_bigrams():
    schema = make_schema()
    # The unit bigrams live only in the columns (colbuild.py); phrases need no positions.
    assert "grams" not in schema.names()
    assert not schema["words"].format.supports("positions")
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        w.add_document(kind="section", key="a", words="深入落实《中华人民共和国政府信息公开条例》")
    with ix.searcher() as s:
        # jieba makes 中华人民共和国 one word: 共和国政府 is matched on the columns' bigrams.
        assert len(s.search(Term("words", "中华人民共和国"))) == 1
        assert len(s.search(Term("words", "共和国政府"))) == 0


def test_an_index_of_another_schema_version_is_rebuilt(tmp_path):
    index_paths([str(SEEDS)], tmp_path)
    gen = current_generation(tmp_path)
    info = json.loads((gen / "gxsearch.json").read_text())
    (gen / "gxsearch.json").write_text(json.dumps({**info, "schema": 0}))
    summary = index_paths([str(SEEDS)], tmp_path)
    assert summary["rebuilt"] and summary["analysed"] == 5
    assert current_generation(tmp_path) != gen
