"""The command line: ``gxsearch index``, ``gxsearch search``, ``gxsearch info``, ``gxsearch serve``.

Thin by design: each command parses its options, calls one library function and prints.
Exit status: 0 on success (with or without hits), 1 when indexing read nothing, 2 for a bad
query, a missing index or a locked one.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from gxsearch.errors import GxError, IndexMissing

DEFAULT_SEEDS = "seeds"


def default_index_dir() -> str:
    """``$GXSEARCH_INDEX`` or ``index/``."""
    return os.environ.get("GXSEARCH_INDEX") or "index"


def _fail(message: str, code: int = 2):
    click.echo(f"gxsearch: {message}", err=True)
    sys.exit(code)


index_dir_option = click.option(
    "--index-dir", type=click.Path(file_okay=False), default=default_index_dir,
    show_default="$GXSEARCH_INDEX or index/", help="Where the index lives.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gxsearch")
def main():
    """Full-text search over Chinese government information-disclosure annual reports."""


def _progress_printer():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, path: str) -> None:
        width = 30
        filled = width * done // max(total, 1)
        name = Path(path).name[:40]
        click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}",
                   err=True, nl=done == total)

    return show


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Build a fresh index beside the live one.")
@click.option("--procs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes for analysis.")
def index_cmd(paths, index_dir, rebuild, procs):
    """Index report files under PATHS (default: seeds/): .txt, .html/.htm, .pdf, .docx, .doc,
    .md. Every other file is named and skipped with its reason."""
    from gxsearch.indexer import index_paths

    try:
        summary = index_paths(paths or [DEFAULT_SEEDS], index_dir, rebuild=rebuild,
                              procs=procs, progress=_progress_printer())
    except GxError as exc:
        _fail(str(exc))
    for path, reason in summary["skipped"]:
        click.echo(f"skipped {path}: {reason}", err=True)
    if len(summary.get("formats") or {}) > 1 or set(summary.get("formats") or {}) - {"text"}:
        # Which readers read what, when more than plain text was read.
        read_as = ", ".join(f"{n} {fmt}" + (f" ({pages} pages)" if pages else "")
                            for fmt, (n, pages) in summary["formats"].items())
        click.echo(f"read: {read_as}", err=True)
    if summary["stale_lock"]:
        click.echo(f"cleared a stale lock left by pid {summary['stale_lock']}", err=True)
    click.echo(
        f"{summary['files']} files: {summary['analysed']} indexed, {summary['unchanged']} "
        f"unchanged, {summary['moved']} moved, {summary['removed']} removed, "
        f"{len(summary['skipped'])} skipped; "
        f"index holds {summary['reports']} reports, {summary['sections']} sections; "
        f"{summary['seconds']:.1f} s ({'rebuilt' if summary['rebuilt'] else 'updated'} "
        f"{summary['generation']})"
    )
    if not summary["analysed"] and not summary["unchanged"] and not summary["reports"]:
        why = (f"all {len(summary['skipped'])} files were skipped (reasons above)"
               if summary["skipped"] else "no report files found")
        click.echo(f"error: nothing readable to index: {why}", err=True)
        sys.exit(1)
    if summary["files"] and not summary["analysed"] and not summary["unchanged"]:
        sys.exit(1)


def audit_options(f):
    """The audit's filters (``gxsearch/audit``), shared by search, stats and audit."""
    from gxsearch.audit import FIELDS

    for name, helptext in reversed((
            ("reuse", "Only reports whose share repeated from the previous year is in this "
                      "band (与上年重复)."),
            ("timeliness", "Only reports published so against the legal deadline (及时性)."),
            ("completeness", "Only reports whose template parts and tables are so (完整性).")
    )):
        f = click.option(f"--{name}", name, multiple=True, type=click.Choice(FIELDS[name]),
                         help=helptext)(f)
    return f


def report_selection(f):
    """The options of the commands that list reports (stats, audit): the index, the filters
    of ``figures.select`` (named as its arguments) and the output."""
    for option in reversed((
            index_dir_option,
            click.option("--district", "districts", multiple=True,
                         help="Only this district (repeatable)."),
            click.option("--province", "provinces", multiple=True, help="Only this province."),
            click.option("--year", "years", multiple=True,
                         help="A year or a range: 2017, 2016-2018."),
            click.option("--check", "checks", multiple=True,
                         type=click.Choice(["一致", "不一致", "无表格"]),
                         help="Only reports whose own checks come out so (核验)."),
            audit_options,
            click.option("--q", "query", default="", help="Only reports with hits for this query."),
            click.option("--json", "as_json", is_flag=True, help="Print the JSON record."),
            click.option("--csv", "as_csv", is_flag=True,
                         help="Print CSV (UTF-8 with BOM, Chinese headers)."))):
        f = option(f)
    return f

@main.command("search")
@click.argument("query")
@index_dir_option
@click.option("--district", "districts", multiple=True, help="Only this district (repeatable).")
@click.option("--year", "years", multiple=True, help="A year or a range: 2017, 2016-2018.")
@click.option("--topic", "topics", multiple=True, help="Only this topic (repeatable).")
@click.option("--province", "provinces", multiple=True, help="Only this province.")
@click.option("--prefecture", "prefectures", multiple=True,
              help="Only this prefecture (地市, e.g. 福州市).")
@click.option("--county", "counties", multiple=True, help="Only this county (区县).")
@click.option("--check", "checks", multiple=True, type=click.Choice(["一致", "不一致", "无表格"]),
              help="Only reports whose statistics check so (核验).")
@audit_options
@click.option("--sort", type=click.Choice(["relevance", "year"]), default="relevance")
@click.option("--limit", type=click.IntRange(0), default=10, show_default=True,
              help="How many reports (and, in --json, hits); 0 for all.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON record.")
def search_cmd(query, index_dir, districts, years, topics, provinces, prefectures, counties,
               checks, reuse, timeliness, completeness, sort, limit, as_json):
    """Search the index for QUERY."""
    from gxsearch.facets import json_record
    from gxsearch.search import open_index, search

    try:
        with open_index(index_dir) as ix:
            result = search(ix, query, districts=districts, years=years, topics=topics,
                            provinces=provinces, prefectures=prefectures, counties=counties,
                            checks=checks, reuse=reuse, timeliness=timeliness,
                            completeness=completeness, sort=sort, per_page=limit)
    except GxError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps(json_record(result), ensure_ascii=False, indent=2))
        return
    n, m = result["total"], result["total_reports"]
    click.echo(f"{n} section{'s' * (n != 1)} in {m} report{'s' * (m != 1)} "
               f"({result['elapsed_ms']:.0f} ms)")
    for rep in result["reports"]:
        click.echo(f"\n{rep['title']} [{rep['district'] or '?'} {rep['year'] or '?'}] "
                   f"{rep['url']}")
        for hit in rep["sections"]:
            click.echo(f"  {hit['heading'] or '（正文开头）'}  #{hit['section_id']}")
            click.echo(f"    {hit['snippet_text']}")
        if rep["more"]:
            click.echo(f"  另有 {rep['more']} 处")


@main.command("stats")
@report_selection
def stats_cmd(index_dir, as_json, as_csv, **selection):
    """The template's figures of each report and their checks (勾稽关系)."""
    from gxsearch import figures
    from gxsearch.search import open_index

    try:
        with open_index(index_dir) as ix:
            reports = figures.select(ix, **selection)
    except GxError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps({"reports": reports}, ensure_ascii=False, indent=2))
        return
    if as_csv:
        click.echo(figures.csv_bytes(reports), nl=False)  # bytes: as they are
        return
    for r in reports:
        failed = [c for c in r["checks"] if not c["ok"]]
        f = r["figures"]
        click.echo(f"{r['year'] or '?'} {r['title']} [{r['status']}] 新收 {f.get('apply.new', '-')}"
                   f" 办结 {f.get('apply.result_total', '-')} 复议 {f.get('review.total', '-')}"
                   + (f"; {len(failed)} checks fail" if failed else ""))


@main.command("audit")
@report_selection
def audit_cmd(index_dir, as_json, as_csv, **selection):
    """What evaluators score, per report: text repeated from the previous year, similar
    reports of other issuers, publication by the deadline, template parts and tables, and
    the statistics' checks."""
    from gxsearch import figures
    from gxsearch.audit import export
    from gxsearch.search import open_index

    try:
        with open_index(index_dir) as ix:
            chosen = figures.select(ix, **selection)
            rows = export.records(ix, [r["report_id"] for r in chosen])
    except GxError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps({"reports": rows}, ensure_ascii=False, indent=2))
        return
    if as_csv:
        click.echo(export.csv_bytes(rows), nl=False)
        return
    for r in rows:
        share = r["reuse"]["previous_year"]
        t, c = r["timeliness"], r["completeness"]
        timely = {"on_time": "按时", "late": f"逾期 {t['days_late']} 天",
                  "unknown": "日期不明"}[t["status"]]
        complete = {"complete": "齐全", "not_applicable": "非模板"}.get(
            c["status"], "缺 " + "、".join(c["missing"]))
        click.echo(f"{r['year'] or '?'} {r['title']}: 与上年重复 "
                   f"{'-' if share is None else f'{share * 100:.1f}%'}; "
                   f"相似年报 {len(r['duplicates'])}; {timely}; {complete}; "
                   f"核验 {r['checks_status']}")


@main.command("info")
@index_dir_option
@click.option("--check", is_flag=True,
              help="Verify the whole index (exit 2 when any file of it is damaged).")
def info_cmd(index_dir, check):
    """Show what the index holds."""
    from gxsearch.index import check as check_index
    from gxsearch.search import index_info, open_index

    if check:
        try:
            report = check_index(index_dir)
        except GxError as exc:
            _fail(str(exc))
        for problem in report["problems"]:
            click.echo(f"gxsearch: {problem}", err=True)
        status = "damaged" if report["problems"] else "ok"
        click.echo(f"check: {status} ({report['generation']}: {report['segments']} segments, "
                   f"{report['documents']} documents verified)")
        if report["problems"]:
            sys.exit(2)
        return
    try:
        with open_index(index_dir) as ix:
            info = index_info(ix)
    except GxError as exc:
        _fail(str(exc))
    click.echo(f"index: {info['path']} ({info['generation']})")
    click.echo(f"reports: {info['reports']}")
    click.echo(f"sections: {info['sections']}")
    click.echo(f"last build: {info['built']}")
    click.echo("years: " + ", ".join(f"{y} ({n})" for y, n in info["years"]))


@main.command("serve")
@index_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processes answering requests (queries use one CPU core each).")
@click.option("--warm-seconds", type=click.FloatRange(0, 3600), default=300, show_default=True,
              help="After a reindex, keep answering from the previous index while the new one "
                   "runs the recent queries again, for up to this long (0: switch at once).")
@click.option("--base-url", help="Where absolute links point, e.g. https://gx.example.org "
                                 "(default: the bound address; never the Host header).")
@click.option("--header-timeout", type=click.FloatRange(0.1, 3600), default=10,
              show_default=True, help="Seconds a client has to send a request's headers.")
@click.option("--shutdown-timeout", type=click.FloatRange(0, 3600), default=20,
              show_default=True,
              help="On SIGTERM or Ctrl-C, seconds given to the requests in flight.")
def serve_cmd(index_dir, host, port, workers, warm_seconds, base_url, header_timeout,
              shutdown_timeout):
    """Serve the search page (builds the index from seeds/ first if there is none)."""
    from gxsearch.indexer import current_generation, index_paths

    if base_url and not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", base_url):
        _fail(f"--base-url must be an http(s) URL such as https://gx.example.org, not {base_url!r}")
    try:
        current_generation(index_dir)
    except IndexMissing:
        if not Path(DEFAULT_SEEDS).is_dir():
            _fail(f"no index at {index_dir} and no {DEFAULT_SEEDS}/ directory here to build one "
                  f"from; build it with: gxsearch index PATH… --index-dir {index_dir}")
        click.echo(f"no index at {index_dir}: building one from {DEFAULT_SEEDS}/ first", err=True)
        try:
            summary = index_paths([DEFAULT_SEEDS], index_dir)
        except GxError as exc:
            _fail(str(exc))
        click.echo(f"indexed {summary['reports']} reports, {summary['sections']} sections",
                   err=True)
    from gxsearch.server import serve

    try:
        serve(index_dir, host=host, port=port, workers=workers, warm_seconds=warm_seconds,
              base_url=base_url, header_timeout=header_timeout,
              shutdown_timeout=shutdown_timeout)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
