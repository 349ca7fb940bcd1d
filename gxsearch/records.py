"""Records: one read report → its Whoosh documents (the report's, then one per section).

Cleaning, metadata, sections, topics, the template's figures and the audit's fingerprints
come together here; the indexer adds jieba's words and writes them. Pure but for reading the
file (``read_and_analyse``).
"""

from __future__ import annotations

import os
from pathlib import PurePosixPath

from gxsearch import columns, read
from gxsearch.audit import fingerprint
from gxsearch.audit.completeness import present_parts, present_tables
from gxsearch.clean import clean_both, match_form, row_key
from gxsearch.errors import ReadError
from gxsearch.meta import extract_meta
from gxsearch.sections import split_sections
from gxsearch.stats import report_stats
from gxsearch.topics import topics_for


def analyse(source: read.Source, key: str, rid: str) -> dict:
    """Turn one read report into its Whoosh documents (pure: no I/O).

    ``key`` is the report file's resolved path, ``rid`` its id (``plan.py``). Returns
    ``{"report_id", "source", "sha1", "docs"}`` where ``docs`` holds the report document
    first, then one per section.
    """
    # Matching, sections and metadata read the folded text; what is stored to be read is
    # the text as published (the report's own ，and （二）), aligned character for character.
    # Table rows are never joined as wraps nor taken for headings.
    rows = frozenset(row_key(line) for table in source.tables for line in table.lines())
    cleaned, shown = clean_both(source.raw, source.wrapped, rows)
    meta = extract_meta(source.raw, cleaned, source.header, PurePosixPath(key).name,
                        source.meta)
    year = meta.get("year")
    facets = {
        "district": meta.get("district") or "",
        "province": meta.get("province") or "",
        "prefecture": meta.get("prefecture") or "",
        "county": meta.get("county") or "",
        "year": str(year) if year else "",
    }
    facets = {k: v for k, v in facets.items() if v}
    sections = split_sections(cleaned, shown, rows)
    figures = report_stats(source.tables, cleaned,
                           [(s.id, s.start, s.end) for s in sections])
    facets["check"] = figures["status"]
    # What the audit compares across the collection (audit/): the sentences as hashes, the
    # template's parts by their headings.
    audit = {"fingerprint": fingerprint(sections, rows),
             "parts": present_parts(s.heading for s in sections if s.level == 1),
             "tables": present_tables(figures.get("rows") or {}, cleaned)}
    docs = [{
        "kind": "report", "key": rid, "report_id": rid, "source": key,
        "title": meta.get("title") or "", "sha1": source.sha1, "original": source.raw,
        "meta": {**meta, "source": key, "sections": len(sections), "format": source.format,
                 "pages": source.pages, "encoding": source.encoding,
                 "header": dict(source.header),
                 "tables": [t.as_dict() for t in source.tables], "stats": figures,
                 "audit": audit},
    }]
    leads: list[str] = []  # headings of hollow parts waiting for their first subsection
    for order, sec in enumerate(sections):
        # Index the section as published: heading, then whatever separated it from the text
        # ("" for an inline heading), so "1.其他需要报告的事项无" or a heading cut inside a
        # number ("10.第9" + "999项") stays one phrase. match.content() rebuilds the same.
        rest = shown[sec.start:sec.end][len(sec.heading):]
        sep = rest[:len(rest) - len(rest.lstrip())] if sec.heading else ""
        # A hollow part (no text of its own, all of it in its subsections) is kept for the
        # contents but not indexed: it would be a hit that shows only a heading. Its heading
        # leads the indexed text of its first subsection ("lead"), so it is still found; a
        # heading with no subsections is all its section says and is indexed as it is.
        nxt = sections[order + 1].id if order + 1 < len(sections) else ""
        hollow = not sec.text and nxt.startswith(f"{sec.id}-")
        lead = ""
        if hollow:
            leads.append(sec.heading)
        elif leads:
            lead, leads = "\n".join(leads), []
        fields = {"heading": sec.heading, "sep": sep, "text": sec.text, "hollow": hollow,
                  "lead": lead}
        content = match_form(columns.content(fields))
        doc = {
            "kind": "section", "key": f"{rid}#{sec.id}", "report_id": rid,
            "section_id": sec.id, "source": key,
            "words": content,  # jieba runs in the writing process (indexer._write_segment)
            "topic": ",".join(topics_for(tuple(map(match_form, sec.path)), match_form(sec.text))),
            "year_num": int(year) if year else 0, "order": order,
            "title": meta.get("title") or "", "published": meta.get("published") or "",
            "source_url": meta.get("url") or "",
            "heading": sec.heading,
            "heading_path": list(sec.path), "level": sec.level, "text": sec.text, "sep": sep,
            "hollow": hollow, "lead": lead, "span": (sec.start, sec.end),
            **facets,
        }
        docs.append(doc)
    return {"report_id": rid, "source": key, "sha1": source.sha1, "docs": docs}


def read_and_analyse(job: tuple[str, str]) -> dict:
    """``analyse`` of the file ``job = (path, report id)``, or ``{"skipped": (path, why)}``
    for a file that cannot be read."""
    path, rid = job
    try:
        source = read.read_file(path, os.path.basename(path))
    except ReadError as exc:
        return {"skipped": (path, str(exc))}
    return analyse(source, path, rid)
