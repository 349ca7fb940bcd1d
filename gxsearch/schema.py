"""The Whoosh schema: one document per section, plus one stored-only document per report.

Section documents carry the jieba words of ``heading + text`` (see ``analysis``), the
facet fields and what a hit needs to render without reading the source file. Report documents
(``kind=report``) carry the report's metadata, its original text and the file fingerprint the
indexer uses to skip unchanged files; their only indexed fields are ``kind``, ``report_id``
and ``source``, so no query on text or facets ever matches them.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from gxsearch.analysis import word_analyzer

#: Bumped whenever the schema, the analysis or the index layout changes (5: the columns of
#: each segment, ``columns.py``; 6: ``source`` is the file's resolved path and report ids come
#: from the file's content, ``plan.py``; 7: text as published, tables and places in the
#: report's metadata, sections with no text of their own not indexed; 8: the statistics'
#: provenance, the ``check`` facet, each section's ``published``; 9: the audit's sentence
#: fingerprints and template parts in the report's metadata; 10: the unit bigrams only in the
#: columns, written from the analysis, not by Whoosh); an index of another
#: version is rebuilt.
SCHEMA_VERSION = 10

#: The audit's facets (``gxsearch/audit``): not stored in the sections, derived per
#: generation from the collection (a report's share repeated from its previous year needs
#: that year's report) and given to each section of the report.
DERIVED_FACETS = ("reuse", "timeliness", "completeness")
FACET_FIELDS = ("province", "prefecture", "county", "district", "year", "topic",
                "check") + DERIVED_FACETS
#: The keyword argument of ``search.search`` (and the CLI option) for each facet field.
FILTER_ARGS = {"province": "provinces", "prefecture": "prefectures", "county": "counties",
               "district": "districts", "year": "years", "topic": "topics", "check": "checks",
               "reuse": "reuse", "timeliness": "timeliness", "completeness": "completeness"}


def make_schema() -> Schema:
    """Build the gxsearch schema."""
    return Schema(
        kind=ID,
        key=ID(unique=True, stored=True),
        report_id=ID(stored=True),
        section_id=STORED,
        source=ID(stored=True),
        # Ranking: jieba words of heading + text. No positions: phrases are matched on the
        # columns' unit bigrams (colbuild.py; Whoosh holds no copy of them) verified on the
        # text (match.py), and positions doubled the index and every posting block read.
        words=TEXT(analyzer=word_analyzer(), phrase=False),
        # Facets.
        district=ID(stored=True),
        province=ID(stored=True),
        prefecture=ID(stored=True),  # the place: province › prefecture › county (place.py)
        county=ID(stored=True),
        year=ID(stored=True),
        topic=KEYWORD(stored=True, commas=True, scorable=False),
        check=ID(stored=True),  # the report's 核验: 一致, 不一致 or 无表格 (stats.status)
        # Sorting.
        year_num=NUMERIC(sortable=True),
        order=NUMERIC(sortable=True),
        # Stored for rendering.
        title=STORED,
        published=STORED,  # the report's, so a result by report needs no report document
        source_url=STORED,  # the report's own address (the CSV's 原文链接)
        heading=STORED,
        heading_path=STORED,
        level=STORED,
        text=STORED,
        sep=STORED,
        hollow=STORED,  # a part whose text is all in its subsections: not indexed
        lead=STORED,  # the headings of the hollow parts above, indexed with this section
        span=STORED,
        meta=STORED,
        original=STORED,
        sha1=STORED,
    )
