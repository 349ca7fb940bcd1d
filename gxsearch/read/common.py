"""What every reader returns: the text, the tables as rows of cells, metadata from the file.

A reader is a function from the file's bytes to a `Parsed`. The text holds every table too,
one line a row (each merged cell once), so tables stay searchable; `Parsed.tables` keeps
their structure for the report page and the statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Metadata a file may carry itself (document properties, a CMS page's label table).
META_KEYS = ("title", "issuer", "published", "url")


@dataclass(frozen=True)
class Table:
    """A table as a grid: ``rows[r][c]`` is the text of the cell covering that position, so
    a merged cell's text stands in each position it covers; ``spans`` lists the merged cells
    as ``(row, col, rowspan, colspan)``."""

    rows: tuple[tuple[str, ...], ...]
    spans: tuple[tuple[int, int, int, int], ...] = ()

    @classmethod
    def from_cells(cls, cells: list[tuple[int, int, int, int, str]]) -> Table:
        """A table from ``(row, col, rowspan, colspan, text)`` cells (positions no cell
        covers are empty strings)."""
        if not cells:
            return cls(())
        n_rows = max(r + rs for r, _, rs, _, _ in cells)
        n_cols = max(c + cs for _, c, _, cs, _ in cells)
        grid = [[""] * n_cols for _ in range(n_rows)]
        spans = []
        for r, c, rs, cs, text in cells:
            for i in range(r, r + rs):
                for j in range(c, c + cs):
                    grid[i][j] = text
            if rs > 1 or cs > 1:
                spans.append((r, c, rs, cs))
        return cls(tuple(map(tuple, grid)), tuple(sorted(spans)))

    def covered(self) -> set[tuple[int, int]]:
        """Grid positions a merged cell covers other than its own (top-left) one."""
        out = set()
        for r, c, rs, cs in self.spans:
            out.update((i, j) for i in range(r, r + rs) for j in range(c, c + cs))
            out.discard((r, c))
        return out

    def lines(self) -> list[str]:
        """One line a row, its cells' texts (each merged cell once) joined by a space."""
        covered = self.covered()
        out = []
        for r, row in enumerate(self.rows):
            cells = [t for c, t in enumerate(row) if (r, c) not in covered and t]
            if cells:
                out.append(" ".join(cells))
        return out

    def as_dict(self) -> dict:
        return {"rows": [list(r) for r in self.rows], "spans": [list(s) for s in self.spans]}

    @classmethod
    def from_dict(cls, data: dict) -> Table:
        return cls(tuple(map(tuple, data.get("rows", ()))),
                   tuple(map(tuple, data.get("spans", ()))))


@dataclass
class Parsed:
    """One file as a reader gives it.

    ``wrapped`` says whether lines may still be hard-wrapped (plain text, HTML with ``<br>``):
    the cleaner then re-joins them; readers that know the layout (PDF, Word, Markdown) join
    wraps themselves and give one paragraph a line.
    """

    text: str
    tables: list[Table] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)
    encoding: str = ""
    wrapped: bool = True
    pages: int = 0


def cell_text(parts: list[str]) -> str:
    """The lines of one table cell or paragraph as one string: Chinese joins without a space,
    Latin words and numbers keep one."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() \
                and part[0].isalnum():
            out += " "
        out += part
    return out


def wrap_join(a: str, b: str) -> str:
    """Two pieces of a line broken by a wrap: a space only between two Latin letters (a
    number broken at the margin, ``20``/``22年``, is one number)."""
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return f"{a} {b}"
    return a + b
