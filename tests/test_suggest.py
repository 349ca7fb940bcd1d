"""Suggestions as one types and "did you mean", on the seeds and the Pingtan reports."""

from gxsearch.suggest import did_you_mean, suggest


def test_issuers_first_then_words_by_how_many_sections_hold_them(corpus_index):
    got = suggest(corpus_index, "平潭")
    # 15 reports of 平潭综合实验区 and 3 of 平潭县人民政府 (the corpus's file names).
    assert got[:2] == [{"text": "平潭综合实验区", "kind": "issuer", "count": 15},
                       {"text": "平潭县人民政府", "kind": "issuer", "count": 3}]
    words = [s["text"] for s in suggest(corpus_index, "行政") if s["kind"] == "word"]
    assert words[:3] == ["行政", "行政复议", "行政诉讼"]
    assert suggest(corpus_index, "") == [] and suggest(corpus_index, "　") == []
    assert suggest(corpus_index, "依申") == [{"text": "依申请公开", "kind": "word",
                                              "count": suggest(corpus_index, "依申")[0]["count"]}]


def test_did_you_mean_a_word_one_character_away(corpus_index):
    assert did_you_mean(corpus_index, "依申情公开") == "依申请公开"  # 情 for 请
    assert did_you_mean(corpus_index, "行政付议 year:2020") == "行政复议 year:2020"
    assert did_you_mean(corpus_index, "依申请公开") == ""
    assert did_you_mean(corpus_index, '"依申请') == ""  # a bad query gets no suggestion
