"""The HTML reader on three real saved pages of the Pingtan CMS (tests/data/html/README.md
lists where they come from and the facts checked here) and on a CMS page with the
名称/索引号/发布机构/公开日期 table."""

from pathlib import Path

import pytest

from gxsearch.read.html import read_html

HTML = Path(__file__).parent / "data" / "html"

# Site chrome every Pingtan page carries around the report (README, "Site chrome").
CHROME = ["闽政通APP", "网站支持IPV6", "长者模式", "无障碍浏览", "当前位置", "热门搜索",
          "扫一扫在手机上查看当前页面", "网站标识码", "闽ICP备09032658号", "版权所有", "主办单位",
          "友情链接", "微信", "QQ空间", "附件下载"]


def page(name: str):
    return read_html((HTML / name).read_bytes())


@pytest.mark.parametrize("name, meta", [
    ("pingtan_2024.html", {
        "title": "平潭综合实验区2024年度政府信息公开工作年度报告",
        "issuer": "平潭综合实验区管委会办公室", "published": "2025-03-10 15:35",
        "url": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm"}),
    ("pingtan_dishui_2013.html", {
        # ContentSource is empty on this page: the 来源 span gives the issuer.
        "title": "平潭综合实验区地方税务局2013年信息公开年度报告",
        "issuer": "平潭县人民政府", "published": "2014-02-25 00:00",
        "url": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201402/t20140225_80774.htm"}),
])
def test_metadata_from_the_page(name, meta):
    assert page(name).meta == meta


def test_body_kept_whole_with_words_split_by_inline_tags_and_no_chrome():
    p = page("pingtan_2024.html")
    for phrase in ("本报告根据《中华人民共和国政府信息公开条例》（国务院令第711号）",
                   "全年办理政府信息公开申请218件。", "2024年，无收取信息处理费情况。",
                   "行政机关不再处理其政府信息公开申请",
                   # Real body words that look like chrome stay.
                   "优化升级智能搜索、智能问答、智能推荐模块", "同步做好全真版上传等工作"):
        assert phrase in p.text, phrase
    assert [w for w in CHROME if w in p.text] == []
    assert [w for w in CHROME if w in page("pingtan_dishui_2013.html").text] == []
    assert "并充分利用政务公开栏公开了办税服务指南" in page("pingtan_dishui_2013.html").text
    assert "有关涉税事项" in page("pingtan_dishui_2013.html").text


def test_tables_with_row_and_column_spans():
    p = page("pingtan_2024.html")
    assert len(p.tables) == 3
    part3 = p.tables[1]
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert (0, 0, 3, 3) in part3.spans and part3.rows[0][:3] == (note,) * 3
    # 法律/服务机构 in two <p>s and a <span>, read as one cell.
    assert part3.rows[2][3:] == ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                                 "其他", "总计")
    assert part3.rows[3][3:] == tuple("217 1 0 0 0 0 218".split())
    assert any(r == part3.rows[3][0] == "一、本年新收政府信息公开申请数量" for r in part3.rows[3][:3])
    assert p.tables[2].rows[-1] == tuple("2 1 3 1 7 0 0 0 0 0 13 2 4 0 19".split())
    assert "一、本年新收政府信息公开申请数量 217 1 0 0 0 0 218" in p.text.split("\n")
    assert "18651.06" in [c for row in p.tables[0].rows for c in row]


# A CMS detail page as the issue describes them (the label table above the body, a site bar,
# a crawler's 采集时间); the body is from 沭阳县发展和改革局's 2023 report as quoted there.
CMS = """<html><head><meta charset="utf-8"><title>沭阳县发展和改革局2023年政府信息公开工作年度报告</title></head>
<body><div class="top"><a href="/big5">繁體版</a> <a href="/wza">无障碍</a> <a href="/old">适老化</a>
<a href="/ai">智能问答</a> <a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/bsfw">办事服务</a></div>
<table class="xxgk-meta">
<tr><td>索 引 号</td><td>K23017225/2024-00003</td><td>分类</td><td>政府信息公开年报</td></tr>
<tr><td>发布机构</td><td>沭阳县发展和改革局</td><td>公开日期</td><td>2024-01-17</td></tr>
<tr><td>名　　称</td><td colspan="3">沭阳县发展和改革局2023年政府信息公开工作年度报告</td></tr>
</table>
<div class="crawl">采集时间：2025-12-30 10:12</div>
<div class="content"><p>一、总体情况</p><p>2023年，沭阳县发展和改革局认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外。</p>
<p>（一）主动公开</p><p>全年主动公开政府信息<span>1</span><span>56</span>条。</p></div>
<div class="foot"><a href="/a">网站地图</a> <a href="/b">联系我们</a> <a href="/c">隐私声明</a></div>
</body></html>"""


def test_cms_label_table_is_metadata_and_never_body():
    p = read_html(CMS.encode("utf-8"))
    assert p.meta == {"title": "沭阳县发展和改革局2023年政府信息公开工作年度报告",
                      "issuer": "沭阳县发展和改革局", "published": "2024-01-17"}
    for label in ("索引号", "索 引 号", "K23017225", "采集时间", "2025-12-30", "名　　称", "公开日期"):
        assert label not in p.text, label
    assert p.text.startswith("一、总体情况\n2023年，沭阳县发展和改革局认真贯彻落实")
    assert "全年主动公开政府信息156条。" in p.text
