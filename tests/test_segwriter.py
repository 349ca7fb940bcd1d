"""segwriter.WordsWriter writes the segment files Whoosh's own SegmentWriter writes."""

from pathlib import Path

from conftest import SEEDS
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from gxsearch import indexer, segwriter
from gxsearch.store import current_generation


class WhooshWriter(SegmentWriter):
    """Whoosh's writer as it is: analyses the words lists itself and sorts every posting."""

    def finish(self, arrays):
        return self._finalize_segment()


def _segment_files(root: Path) -> list[dict[str, bytes]]:
    """Per segment, in the index's order: its files by extension, with their bytes."""
    gen = current_generation(root)
    out = []
    for seg in whoosh_index.open_dir(gen)._segments():
        prefix = f"{seg.segment_id()}."
        out.append({p.name[len(prefix):]: p.read_bytes()
                    for p in sorted(gen.iterdir()) if p.name.startswith(prefix)})
    return out


def test_the_segment_files_are_whooshs_byte_for_byte(tmp_path, monkeypatch):
    indexer.index_paths([str(SEEDS)], tmp_path / "ours", procs=1)
    monkeypatch.setattr(indexer, "WordsWriter", WhooshWriter)
    indexer.index_paths([str(SEEDS)], tmp_path / "whoosh", procs=1)
    ours, theirs = _segment_files(tmp_path / "ours"), _segment_files(tmp_path / "whoosh")
    assert [sorted(s) for s in ours] == [sorted(s) for s in theirs]
    assert sorted(ours[0]) == ["_stored.col", "_words_len.col", "gxcol", "order.col", "pst",
                               "trm", "year_num.col"]
    assert ours == theirs


def test_the_pool_is_split_where_the_words_field_sorts():
    pool = [("topic", b"a", 0, 1.0, b""), ("year", b"2019", 0, 1.0, b""),
            ("year_num", b"x", 1, 1.0, b"")]
    before, after = segwriter._split(iter(pool))
    assert (list(before), list(after)) == (pool[:1], pool[1:])
    before, after = segwriter._split(iter(pool[:1]))
    assert (list(before), list(after)) == (pool[:1], [])


def test_a_report_of_one_heading_is_written_as_whoosh_writes_it(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    # The smallest report: a title and one heading, nine words.
    (src / "a.txt").write_text("某区2019年政府信息公开工作年度报告\n一、总体情况\n", encoding="utf-8")
    indexer.index_paths([str(src)], tmp_path / "ours", procs=1)
    monkeypatch.setattr(indexer, "WordsWriter", WhooshWriter)
    indexer.index_paths([str(src)], tmp_path / "whoosh", procs=1)
    assert _segment_files(tmp_path / "ours") == _segment_files(tmp_path / "whoosh")
