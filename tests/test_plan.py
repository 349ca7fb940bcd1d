"""Tests of report identity (plan.py): ids, and what a run does with new, changed, moved,
copied and vanished files."""

from gxsearch.plan import Known, make_report_id, plan

SHA_A = "a" * 40
SHA_B = "b" * 40
SHA_C = "c" * 40


def test_report_id_is_the_ascii_part_of_the_name_and_the_content_digest():
    assert make_report_id("000_d4f0ce14d1955d20.txt", "d51b497196" + "0" * 30) == (
        "000_d4f0ce14d1955d20-d51b497196")
    # A Chinese name keeps its ASCII runs, joined by "-".
    assert make_report_id("80485_平潭综合实验区2016年度政府信息公开工作年度报告.txt", SHA_A) == (
        "80485_-2016-aaaaaaaaaa")
    assert make_report_id("平潭县报告.txt", SHA_B) == "bbbbbbbbbb"
    # Two names that slug alike still differ by their content.
    assert make_report_id("b-c.txt", SHA_A) != make_report_id("b-c.txt", SHA_B)


def test_a_clashing_id_gets_a_longer_digest():
    taken = {"x-aaaaaaaaaa"}
    assert make_report_id("x.txt", SHA_A, taken.__contains__) == "x-aaaaaaaaaaaaaaaa"


def test_new_files_get_ids_unchanged_ones_are_left_alone():
    known = {"/r/a.txt": Known("a-aaaaaaaaaa", SHA_A)}
    p = plan([("/r/a.txt", SHA_A), ("/r/b.txt", SHA_B)], known, exists=lambda _: True)
    assert (p.analyse, p.drop, p.gone, p.moved, p.copies, p.unchanged) == (
        [("/r/b.txt", "b-bbbbbbbbbb")], [], [], [], [], 1)


def test_an_edited_file_keeps_its_id():
    known = {"/r/a.txt": Known("a-aaaaaaaaaa", SHA_A)}
    p = plan([("/r/a.txt", SHA_C)], known, exists=lambda _: True)
    assert (p.analyse, p.drop, p.gone) == ([("/r/a.txt", "a-aaaaaaaaaa")], ["/r/a.txt"], [])


def test_a_moved_file_keeps_its_id_and_is_not_counted_removed():
    known = {"/r/pingtan/a.txt": Known("a-aaaaaaaaaa", SHA_A)}
    p = plan([("/r/pingtan2/a.txt", SHA_A)], known, exists=lambda path: "pingtan2" in path)
    assert (p.analyse, p.drop, p.gone, p.moved) == (
        [("/r/pingtan2/a.txt", "a-aaaaaaaaaa")], ["/r/pingtan/a.txt"], [],
        [("/r/pingtan/a.txt", "/r/pingtan2/a.txt")])


def test_a_vanished_file_is_gone_whatever_the_run_names():
    known = {"/r/a/x.txt": Known("x-aaaaaaaaaa", SHA_A), "/r/b/y.txt": Known("y-bbbbbbbbbb", SHA_B)}
    p = plan([("/r/b/y.txt", SHA_B)], known, exists=lambda path: path != "/r/a/x.txt")
    assert (p.analyse, p.drop, p.gone, p.unchanged) == ([], ["/r/a/x.txt"], ["/r/a/x.txt"], 1)


def test_a_file_not_named_by_the_run_stays_while_it_exists():
    known = {"/r/a/x.txt": Known("x-aaaaaaaaaa", SHA_A)}
    p = plan([("/r/b/y.txt", SHA_B)], known, exists=lambda _: True, covered=["/r/b"])
    assert (p.analyse, p.drop, p.gone) == ([("/r/b/y.txt", "y-bbbbbbbbbb")], [], [])


def test_a_file_under_a_named_folder_that_was_not_listed_is_gone():
    known = {"/r/b/x.txt": Known("x-aaaaaaaaaa", SHA_A)}  # now x.bak: exists, not a report
    p = plan([], known, exists=lambda _: True, covered=["/r/b"])
    assert (p.drop, p.gone) == (["/r/b/x.txt"], ["/r/b/x.txt"])


def test_a_copy_of_an_indexed_file_is_skipped_and_named():
    known = {"/r/a.txt": Known("a-aaaaaaaaaa", SHA_A)}
    p = plan([("/r/a.txt", SHA_A), ("/r/copy/a.txt", SHA_A)], known, exists=lambda _: True)
    assert (p.analyse, p.copies, p.unchanged) == (
        [], [("/r/copy/a.txt", "same content as /r/a.txt")], 1)


def test_two_identical_new_files_make_one_report():
    p = plan([("/r/1/a.txt", SHA_A), ("/r/2/a.txt", SHA_A)], {}, exists=lambda _: True)
    assert (p.analyse, p.copies) == (
        [("/r/1/a.txt", "a-aaaaaaaaaa")], [("/r/2/a.txt", "same content as /r/1/a.txt")])


def test_an_indexed_file_edited_into_a_copy_of_another_is_dropped():
    known = {"/r/a.txt": Known("a-aaaaaaaaaa", SHA_A), "/r/b.txt": Known("b-bbbbbbbbbb", SHA_B)}
    p = plan([("/r/a.txt", SHA_A), ("/r/b.txt", SHA_A)], known, exists=lambda _: True)
    assert (p.analyse, p.drop, p.gone, p.copies) == (
        [], ["/r/b.txt"], ["/r/b.txt"], [("/r/b.txt", "same content as /r/a.txt")])


def test_a_rebuild_analyses_everything_and_keeps_the_ids():
    known = {"/r/a.txt": Known("old-name-aaaaaaaaaa", SHA_A)}
    p = plan([("/r/a.txt", SHA_A), ("/r/b.txt", SHA_B)], known, exists=lambda _: True,
             rebuild=True)
    assert p.analyse == [("/r/a.txt", "old-name-aaaaaaaaaa"), ("/r/b.txt", "b-bbbbbbbbbb")]
