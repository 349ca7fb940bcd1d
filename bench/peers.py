"""The engines under benchmark, behind one interface.

Every engine has `build(corpus_dir, records, index_dir, procs=1) -> stats`, `open(index_dir)`,
`query(q) -> {"total", "hits": [(id, snippet)], "facets"}` (top 10, highlighted, with facet
counts), `contains(q, rid, narrow) -> bool` (is report `rid` among *all* matches: phrase
recall; `narrow` is the report's year and body, a hint only gxsearch uses) and
`size(index_dir) -> bytes`.

A query `q` is a dict: `op` ("and" | "or" | "not"), `terms` (strings; a phrase is given with its
double quotes, as a user types it), optional `year`, `district`, `topic`. Each engine renders it
in its own syntax. Report ids are the manifest's `file` relpaths. The `district` filter and
facet are on the issuing body (`晋江市应急管理局`), which is what gxsearch's district facet holds.

Peers:
- `WhooshJieba`: the common recipe, Whoosh + jieba's stock `ChineseAnalyzer`, one document per
  report, whoosh's QueryParser, `hit.highlights`, `groupedby` facets.
- `Fts5Trigram`: SQLite FTS5 with the trigram tokenizer, one row per report, `snippet()`,
  GROUP BY facets. Terms under 3 characters cannot match with trigram; left as is on purpose.
- `Gxsearch`: the project itself, through its public API only.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bench.corpus import HEADER_MARK


def dir_size(path: str | Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def read_body(path: Path) -> str:
    # Peers get the body without the crawler header, as a careful integrator would give them.
    text = path.read_text(encoding="utf-8")
    if HEADER_MARK in text:
        text = text.split(HEADER_MARK, 1)[1].lstrip("\n")
    return text


class WhooshJieba:
    name = "whoosh+jieba"
    topics = False

    def build(self, corpus_dir, records, index_dir, procs=1):
        from jieba.analyse import ChineseAnalyzer
        from whoosh import fields, index

        schema = fields.Schema(
            id=fields.ID(stored=True, unique=True),
            title=fields.TEXT(stored=True, analyzer=ChineseAnalyzer()),
            content=fields.TEXT(stored=True, analyzer=ChineseAnalyzer()),
            year=fields.ID(stored=True, sortable=True),
            district=fields.ID(stored=True, sortable=True),
        )
        os.makedirs(index_dir, exist_ok=True)
        ix = index.create_in(index_dir, schema)
        writer = ix.writer(limitmb=256)
        for rec in records:
            writer.add_document(
                id=rec["file"], title=rec["title"],
                content=read_body(Path(corpus_dir) / rec["file"]),
                year=str(rec["year"]), district=rec["body"],
            )
        writer.commit()
        return {"reports": len(records)}

    def open(self, index_dir):
        from whoosh import index
        from whoosh.qparser import QueryParser

        self.ix = index.open_dir(index_dir)
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("content", self.ix.schema)

    def render(self, q):
        sep = {"and": " AND ", "or": " OR ", "not": " NOT "}[q["op"]]
        return sep.join(q["terms"])

    def _filter(self, q):
        from whoosh.query import And, Term

        parts = []
        if q.get("year"):
            parts.append(Term("year", str(q["year"])))
        if q.get("district"):
            parts.append(Term("district", q["district"]))
        return And(parts) if parts else None

    def query(self, q):
        from whoosh import sorting

        wq = self.parser.parse(self.render(q))
        facets = sorting.Facets()
        facets.add_field("year")
        facets.add_field("district")
        res = self.searcher.search(wq, limit=10, filter=self._filter(q), groupedby=facets)
        # Slice: with groupedby, iterating the results would walk every match.
        hits = [(h["id"], h.highlights("content")) for h in res[:10]]
        fc = {name: {k: len(v) for k, v in res.groups(name).items()}
              for name in ("year", "district")}
        return {"total": len(res), "hits": hits, "facets": fc}

    def contains(self, q, rid, narrow=None):
        docnum = self.searcher.document_number(id=rid)
        wq = self.parser.parse(self.render(q))
        return docnum in set(wq.docs(self.searcher))

    def size(self, index_dir):
        return dir_size(index_dir)


class Fts5Trigram:
    name = "sqlite-fts5-trigram"
    topics = False

    def _db(self, index_dir):
        return str(Path(index_dir) / "fts.db")

    def build(self, corpus_dir, records, index_dir, procs=1):
        os.makedirs(index_dir, exist_ok=True)
        path = self._db(index_dir)
        if os.path.exists(path):
            os.remove(path)
        con = sqlite3.connect(path)
        con.execute(
            "CREATE VIRTUAL TABLE reports USING fts5(title, content, rid UNINDEXED, "
            "year UNINDEXED, district UNINDEXED, tokenize='trigram')"
        )
        with con:
            con.executemany(
                "INSERT INTO reports(title, content, rid, year, district) VALUES (?,?,?,?,?)",
                ((r["title"], read_body(Path(corpus_dir) / r["file"]), r["file"], r["year"],
                  r["body"]) for r in records),
            )
            con.execute("INSERT INTO reports(reports) VALUES('optimize')")
        con.close()
        return {"reports": len(records)}

    def open(self, index_dir):
        self.con = sqlite3.connect(self._db(index_dir))

    @staticmethod
    def render(q):
        # Bare Han words are legal FTS5 barewords, but quoting keeps punctuation from biting.
        terms = [t if t.startswith('"') else f'"{t}"' for t in q["terms"]]
        sep = {"and": " AND ", "or": " OR ", "not": " NOT "}[q["op"]]
        return sep.join(terms)

    def _where(self, q):
        where, args = "reports MATCH ?", [self.render(q)]
        if q.get("year"):
            where += " AND year = ?"
            args.append(q["year"])
        if q.get("district"):
            where += " AND district = ?"
            args.append(q["district"])
        return where, args

    def query(self, q):
        where, args = self._where(q)
        hits = self.con.execute(
            f"SELECT rid, snippet(reports, 1, '<mark>', '</mark>', '…', 24) FROM reports "
            f"WHERE {where} ORDER BY rank LIMIT 10", args).fetchall()
        # Facets over the matching rowids, as an application on FTS5 would compute them.
        self.con.execute("DROP TABLE IF EXISTS temp.m")
        self.con.execute(f"CREATE TEMP TABLE m AS SELECT year, district FROM reports WHERE {where}",
                         args)
        total = self.con.execute("SELECT count(*) FROM temp.m").fetchone()[0]
        fc = {name: dict(self.con.execute(
            f"SELECT {name}, count(*) FROM temp.m GROUP BY {name}").fetchall())
            for name in ("year", "district")}
        return {"total": total, "hits": hits, "facets": fc}

    def contains(self, q, rid, narrow=None):
        where, args = self._where(q)
        row = self.con.execute(f"SELECT 1 FROM reports WHERE {where} AND rid = ? LIMIT 1",
                               [*args, rid]).fetchone()
        return row is not None

    def size(self, index_dir):
        return dir_size(index_dir)


class Gxsearch:
    name = "gxsearch"
    topics = True

    def build(self, corpus_dir, records, index_dir, procs=1):
        from gxsearch.indexer import index_paths

        stats = index_paths([str(corpus_dir)], str(index_dir), rebuild=True, procs=procs)
        return {k: v for k, v in dict(stats).items() if isinstance(v, (int, float, str))}

    def open(self, index_dir):
        from gxsearch.search import open_index

        self.ix = open_index(str(index_dir))

    def forget(self):
        """Drop what gxsearch remembers per query, so the next one is timed as a new query."""
        self.ix.clear_caches()

    @staticmethod
    def render(q):
        if q["op"] == "or":
            return " OR ".join(q["terms"])
        if q["op"] == "not":
            return f"{q['terms'][0]} " + " ".join(f"-{t}" for t in q["terms"][1:])
        return " ".join(q["terms"])

    def _search(self, q, page=1, per_page=10, filters=True):
        from gxsearch.search import search

        kw = {}
        if filters:
            if q.get("year"):
                kw["years"] = (q["year"],)
            if q.get("district"):
                kw["districts"] = (q["district"],)
            if q.get("topic"):
                kw["topics"] = (q["topic"],)
        return search(self.ix, self.render(q), page=page, per_page=per_page, **kw)

    def query(self, q):
        res = self._search(q)
        hits = [(self.hit_id(h), h.get("snippet", "")) for h in res["hits"]]
        fc = {name: {f["value"]: f["count"] for f in vals}
              for name, vals in res.get("facets", {}).items()}
        return {"total": res["total"], "hits": hits, "facets": fc}

    def hit_id(self, h):
        # The manifest's id: the path below the corpus directory ("000/x.txt"); gxsearch
        # keeps the file's resolved path.
        return "/".join(h.get("source", "").split("/")[-2:]) or h.get("report_id")

    def contains(self, q, rid, narrow=None):
        """Is report ``rid`` among all matches? Public API only. Every hit of a common phrase
        (with snippets) is slow, so first narrow to the report's own year and issuing body
        (unique in the corpus); only if that misses (metadata not recognised), page all hits."""
        # gxsearch keeps a report's resolved path ("/…/corpus-300/000/x.txt"); manifest ids
        # are relative to the corpus directory.
        def mine(h):
            src = h.get("source", "")
            return src == rid or src.endswith("/" + rid)

        if narrow:
            res = self._search({**q, **narrow}, per_page=0)
            if any(mine(h) for h in res["hits"]):
                return True
        return any(mine(h) for h in self._search(q, per_page=0)["hits"])

    def size(self, index_dir):
        return dir_size(index_dir)


ENGINES = {"gxsearch": Gxsearch, "whoosh": WhooshJieba, "fts5": Fts5Trigram}
