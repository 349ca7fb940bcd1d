"""End to end in a real headless Chromium: type a query, use a facet, follow a hit to its section.

Skipped when the Debian ``chromium`` package is not installed; Playwright never downloads a
browser here.
"""

import os
import threading
from pathlib import Path

import pytest

from gxsearch.web import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture(scope="module")
def base_url(seed_index_dir):
    from waitress.server import create_server

    app = create_app({"INDEX_DIR": str(seed_index_dir)})
    # Port 0: the OS picks a free port, so parallel runs never collide.
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def total(page) -> int:
    return int(page.locator(".summary .total-reports").inner_text())


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    vp = page.viewport_size
    return box is not None and 0 <= box["y"] < vp["height"] and box["x"] < vp["width"]


def test_search_facet_and_deep_link(browser, base_url, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(base_url + "/")
    box = page.locator("#q")
    assert box.evaluate("el => el === document.activeElement")  # autofocus
    box.fill("依申请公开")
    box.press("Enter")
    page.wait_for_url("**/search?*")
    assert page.locator(".snippet mark").first.is_visible()
    assert page.locator(".snippet mark").first.inner_text() == "依申请公开"
    before = total(page)

    year_links = page.locator('[data-facet="year"] li a:not(.selected)')
    expected = int(year_links.first.locator(".count").inner_text())
    year_links.first.click()
    page.wait_for_load_state()
    assert page.locator('[data-facet="year"] a.selected').count() == 1
    assert total(page) == expected < before
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    link = page.locator(".hit-link").first
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(f"**/report/**#{anchor}")
    target = page.locator(f"section#{anchor}")
    target.locator("mark").first.wait_for()
    page.wait_for_function("id => document.getElementById(id).classList.contains('is-target')",
                           arg=anchor)
    assert target.evaluate("el => el.matches(':target')")
    assert target.evaluate("el => getComputedStyle(el).borderLeftStyle") == "solid"
    assert in_viewport(page, target)
    page.screenshot(path=str(tmp_path / "report.png"))
    assert not errors, errors  # includes CSP violations
    page.close()


def test_phone_width_and_keyboard(browser, base_url, tmp_path: Path):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(base_url + "/search?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80")
    # Nothing wider than the phone screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    assert page.locator(".skip-link:focus").is_visible()
    page.screenshot(path=str(tmp_path / "phone.png"))
    page.close()


@pytest.fixture(scope="module")
def corpus_url(corpus_index):
    from waitress.server import create_server

    app = create_app({"INDEX_DIR": str(corpus_index.root)})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


def test_stats_page_filter_chart_and_csv(browser, corpus_url, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(corpus_url + "/")
    page.get_by_role("link", name="统计数据").click()
    page.wait_for_url("**/stats")
    everything = total(page)
    page.locator('[data-facet="year"] a', has_text="2022").click()
    page.wait_for_url("**/stats?year=2022")
    assert total(page) < everything
    rows = page.locator("table.stats-table:not(.compare) tbody tr")
    assert rows.count() == total(page) >= 1
    assert "平潭综合实验区2022年度政府信息公开工作年度报告" in rows.first.inner_text()
    # The chart is drawn (SVG bars of a visible size), under the CSP, with no script errors.
    bar = page.locator("figure.chart svg rect.bar").first
    assert bar.is_visible() and bar.bounding_box()["height"] > 10
    assert page.locator("figure.chart figcaption").first.inner_text() == "平潭综合实验区"
    page.screenshot(path=str(tmp_path / "stats.png"), full_page=True)
    with page.expect_download() as info:
        page.locator("a.csv-link").click()
    download = info.value
    assert download.suggested_filename.startswith("gxsearch-stats-")
    data = Path(download.path()).read_bytes().decode("utf-8-sig")
    assert data.splitlines()[0].startswith("报告编号,标题,发布机关,省份,年度,发布日期")
    assert "平潭综合实验区2022年度政府信息公开工作年度报告" in data
    # From the table to the report's figures, the failed check shown.
    page.get_by_role("link", name="平潭综合实验区2022年度政府信息公开工作年度报告").click()
    page.wait_for_url("**/report/**#figures")
    assert page.locator("#figures .checks li.fail").first.is_visible()
    page.screenshot(path=str(tmp_path / "report-figures.png"))
    assert errors == []


def test_stepping_through_the_matches_of_a_report(browser, corpus_url, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(corpus_url + "/search?q=行政复议&year=2025")
    page.locator(".report-title a").first.click()
    page.wait_for_load_state()
    total = int(page.locator(".in-report .match-count").inner_text())
    assert total >= 2
    page.keyboard.press("n")
    page.keyboard.press("n")
    assert page.locator("mark.current").get_attribute("id") == "m2"
    assert page.locator(".match-pos").inner_text() == f"第 2/{total} 处"
    assert in_viewport(page, page.locator("mark#m2"))
    page.keyboard.press("p")
    page.keyboard.press("p")  # from the first, back to the last
    assert page.locator("mark.current").get_attribute("id") == f"m{total}"
    # Typing n in the query box types it.
    page.locator("#q-top").fill("")
    page.locator("#q-top").press("n")
    assert page.locator("#q-top").input_value() == "n"
    page.screenshot(path=str(tmp_path / "in-report.png"))
    assert errors == []


def test_place_hierarchy_year_range_and_phone_width(browser, corpus_url, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(corpus_url + "/search?q=依申请公开")
    assert page.locator('[data-facet="prefecture"]').count() == 0
    page.locator('[data-facet="province"] a', has_text="福建省").click()
    page.wait_for_load_state()
    assert page.locator('[data-facet="prefecture"].level-2').is_visible()
    page.locator('[data-facet="prefecture"] a', has_text="福州市").click()
    page.wait_for_load_state()
    assert page.locator('[data-facet="county"].level-3').is_visible()
    page.fill('.year-range input[name="year_from"]', "2019")
    page.fill('.year-range input[name="year_to"]', "2021")
    page.locator(".year-range button").click()
    page.wait_for_load_state()
    chosen = page.locator(".chosen li").all_inner_texts()
    assert any("年份：2019-2021" in c for c in chosen) and any("地市：福州市" in c for c in chosen)
    years = {int(t) for t in page.locator(".report-group .meta span").all_inner_texts()
             if t.endswith("年度") for t in [t[:4]]}
    assert years and years <= {2019, 2020, 2021}
    # At phone width, with three filters chosen, a hit is on the first screen.
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(page.url)
    assert phone.locator(".chosen li").count() == 3
    assert in_viewport(phone, phone.locator(".hit").first)
    phone.screenshot(path=str(tmp_path / "phone-3-filters.png"))


def test_typing_a_prefix_and_picking_a_suggestion(browser, corpus_url):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(corpus_url + "/")
    page.locator("#q").press_sequentially("行政", delay=30)
    option = page.locator("#q-suggest li", has_text="行政复议")
    option.wait_for(state="visible")
    option.click()
    page.wait_for_url("**/search?q=*")
    assert page.locator("#q-top").input_value() == "行政复议"
    assert int(page.locator(".summary .total-reports").inner_text()) > 0
    # The keyboard works too: ↓ then Enter takes the first suggestion.
    box = page.locator("#q-top")
    box.fill("")
    box.press_sequentially("平潭", delay=30)
    page.locator("#q-top-suggest li").first.wait_for(state="visible")
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/search?q=%E5%B9%B3%E6%BD%AD%E7%BB%BC%E5%90%88%E5%AE%9E%E9%AA%8C%E5%8C%BA")
    assert errors == []


def test_comparing_a_report_with_last_year(browser, corpus_url, tmp_path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(corpus_url + "/search?q=平潭县人民政府2013年")
    page.get_by_role("link", name="平潭县人民政府2013年政府信息公开工作年度报告").first.click()
    page.wait_for_load_state()
    share = page.locator("#audit .reuse-share").inner_text()
    assert share.endswith("%") and float(share[:-1]) > 75
    # The repeated sentences are marked with a background a person can see.
    copied = page.locator(".copied").first
    assert copied.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.get_by_role("link", name="与上年对比").click()
    page.wait_for_url("**/compare?**")
    assert page.locator(".compare-summary .reuse-share").inner_text() == share
    removed = page.locator(".diff-removed", has_text="本报告所列数据的统计期限自2012年1月1日起至2012年12月31日")
    assert removed.count() == 1
    assert removed.evaluate("el => getComputedStyle(el).textDecorationLine") == "line-through"
    assert page.locator(".diff-added").count() >= 1
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    assert errors == []
