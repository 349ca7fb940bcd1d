"""Places from the administrative-division table: issuers named in real reports."""

import pytest

from gxsearch.place import _table, _trie, locate, place_label


@pytest.mark.parametrize("issuer, title, text, expected", [
    # The CMS page: a county department.
    ("沭阳县发展和改革局", "", "", "江苏省 › 宿迁市 › 沭阳县"),
    # OCR read 沭阳 as 沐阳 (an alias: there is no 沐阳县).
    ("沐阳县人民政府", "", "", "江苏省 › 宿迁市 › 沭阳县"),
    # Pingtan: a zone that is not a division, and the county it administers.
    ("平潭综合实验区", "", "", "福建省 › 福州市 › 平潭县"),
    ("平潭县人民政府", "", "", "福建省 › 福州市 › 平潭县"),
    # Seeds: prefecture-level bodies and zones.
    ("亳州经济开发区", "", "", "安徽省 › 亳州市"),
    ("遂宁经济技术开发区", "", "", "四川省 › 遂宁市"),
    ("大连保税区", "", "", "辽宁省 › 大连市"),
    ("洪泽区人民政府", "", "", "江苏省 › 淮安市 › 洪泽区"),
    # A municipality's district: no prefecture level between.
    ("上海市普陀区财政局", "", "", "上海市 › 普陀区"),
    # 朝阳区 is in 北京市 and in 长春市: settled by the place named beside it, else unknown.
    ("朝阳区人民政府", "", "", ""),
    ("朝阳区人民政府", "", "按照《吉林省人民政府办公厅关于…》和长春市的部署", "吉林省 › 长春市 › 朝阳区"),
    ("北京市朝阳区人民政府", "", "", "北京市 › 朝阳区"),
    # Only the text names a province (seed 000's 金普新区 is an alias of 大连市).
    ("某某新区", "", "按照《辽宁省人民政府办公厅关于印发2017年政务公开第三方评估指标体系的通知》",
     "辽宁省"),
    ("园区管委会", "", "", ""),
])
def test_place_of_an_issuer(issuer, title, text, expected):
    assert place_label(locate(issuer, title, text)) == expected


def test_place_fields_are_separate():
    assert locate("沭阳县发展和改革局") == {
        "province": "江苏省", "prefecture": "宿迁市", "county": "沭阳县", "code": "321322"}


def test_the_name_pattern_finds_the_longest_name_at_the_leftmost_place():
    import re

    pattern = re.compile(_trie(["宿迁", "宿迁市", "沭阳县", "江苏", "江苏省"]))
    assert pattern.findall("江苏省宿迁市沭阳县人民政府,宿迁经济技术开发区") == [
        "江苏省", "宿迁市", "沭阳县", "宿迁"]


def test_the_name_pattern_matches_as_the_flat_alternation_on_the_seeds():
    import re

    from conftest import SEEDS

    _, names, pattern = _table()
    flat = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()) if p.suffix in
             (".txt", ".md", ".html")]
    assert len(texts) >= 5
    for text in texts:
        assert pattern.findall(text) == flat.findall(text)
