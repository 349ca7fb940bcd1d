from pathlib import Path

import pytest

from gxsearch.clean import clean
from gxsearch.read import read_file
from gxsearch.sections import split_sections
from gxsearch.topics import TOPICS, topics_for

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPUS = ROOT.parent / "shared" / "corpus" / "pingtan"


def sections_of(path: Path):
    return split_sections(clean(read_file(str(path), path.name).raw))


def test_taxonomy_is_fixed_and_described():
    assert list(TOPICS) == [
        "总体情况",
        "主动公开",
        "依申请公开",
        "政策解读",
        "回应关切",
        "平台建设",
        "制度建设",
        "收费减免",
        "复议诉讼",
        "问题改进",
        "工作计划",
        "建议提案办理",
        "其他",
    ]
    assert all(desc for desc in TOPICS.values())


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            ("一、2017年工作完成情况", "(二)信息公开工作", "2.依申请公开情况"),
            ["总体情况", "依申请公开"],
        ),
        (
            ("一、2017年工作完成情况", "(三)政策解读和回应关切情况"),
            ["总体情况", "政策解读", "回应关切"],
        ),
        (
            ("一、总体情况", "(四)因政府信息公开申请行政复议、提起行政诉讼的情况"),
            ["总体情况", "复议诉讼"],
        ),
        (("一、总体情况", "(三)政府信息公开收费及减免情况"), ["总体情况", "收费减免"]),
        (("二、存在的问题与建议",), ["问题改进"]),
        (("二、存在的问题与建议", "(二)对我市政务公开工作的意见和建议。"), ["问题改进"]),
        (("三、2018年政务公开工作要点",), ["工作计划"]),
        (("二、人大代表建议和政协委员提案办理结果公开情况",), ["建议提案办理"]),
        (("五、依申请公开工作",), ["依申请公开"]),
        (("三、收到和处理政府信息公开申请情况",), ["依申请公开"]),
        (("四、政府信息公开行政复议、行政诉讼情况",), ["复议诉讼"]),
        (("六、其他需要报告的事项",), ["其他"]),
        (
            ("二、主动公开政府信息情况", "(三)主动公开政府信息的主要形式", "1.门户网站"),
            ["主动公开", "平台建设"],
        ),
        (("一、概述", "(一)加强组织领导,精心部署安排", "1.高度重视。"), ["总体情况", "制度建设"]),
    ],
)
def test_topics_from_real_headings(path, expected):
    assert topics_for(path, "") == expected


def test_text_decides_under_generic_headings():
    text = "全年共接收依申请公开32件,受理依申请公开27件,纸质依申请公开18件,主要涉及土地动迁问题。"
    assert topics_for(("一、总体情况", "(二)主要做法"), text) == ["总体情况", "依申请公开"]
    # The same words under a decisive heading do not add a topic.
    assert topics_for(("二、主动公开政府信息情况",), text) == ["主动公开"]


def test_never_empty():
    assert topics_for((), "") == ["其他"]
    assert topics_for(("四、创新举措情况",), "园区积极探索。") == ["其他"]


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("001_5df7620ebf30b927.txt", "2.依申请公开情况"),
        ("002_70c4dbb90776e1af.txt", "五、依申请公开工作"),
        ("004_e98049079f303380.txt", "(二)政府信息依申请公开情况"),
    ],
)
def test_seed_sections_about_requests_get_the_topic(name, heading):
    tagged = [
        s.heading for s in sections_of(SEEDS / name) if "依申请公开" in topics_for(s.path, s.text)
    ]
    assert heading in tagged


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_pingtan_2023_part_topics():
    sections = sections_of(next(CORPUS.glob("87885_*.txt")))
    assert [(s.id, topics_for(s.path, s.text)) for s in sections if s.level == 1] == [
        ("s1", ["总体情况"]),
        ("s2", ["主动公开"]),
        ("s3", ["依申请公开"]),
        ("s4", ["复议诉讼"]),
        ("s5", ["问题改进"]),
        ("s6", ["其他"]),
    ]
