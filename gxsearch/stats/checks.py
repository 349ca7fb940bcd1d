"""The checks of the template's arithmetic (勾稽关系), each ``{"rule", "ok", "detail",
"keys"}`` (``detail``: the two numbers compared, what the rule adds up first; ``keys``: the
figures it involves, for the report page to mark).

Per column of part 三: 一 + 二 = 三(七) + 四 (the rule the template prints), (七) = the sum of
(一)…(六); per row, 总计 = the six applicant columns; per group of part 四, 维持 + 纠正 + 其他
+ 尚未审结 = 总计; each figure the text states (``sentences.py``) = the table's. Across years
(``across_years``), the same issuer's: what last year carried forward is what this year
carried over; last year's 现行有效 + this year's 制发 − 废止 = this year's 现行有效. A check
whose figures are not all there is not made.
"""

from __future__ import annotations

import functools

from gxsearch.stats import template

_NOT_RESULTS = ("apply.new", "apply.carried_over", "apply.result_total",
                "apply.carried_forward")


def results(figures: dict) -> tuple[str, ...]:
    """The result rows (（一）…（六）) of the template the figures are from."""
    return _results("2019" if "apply.other" in figures else "2021")


@functools.cache
def _results(form: str) -> tuple[str, ...]:
    return tuple(r.key for r in template.part("三", form) if r.key not in _NOT_RESULTS)


def _col(key: str, col: str) -> str:
    return f"{key}.{col}" if col else key


def _known(figures: dict, keys: list[str]) -> bool:
    return all(figures.get(k) is not None for k in keys)


def _table(figures: dict, key: str):
    """A figure of the table, or the sum a sentence counts (``suit.total``)."""
    if key == "suit.total":
        parts = [figures.get("suit_direct.total"), figures.get("suit_after_review.total")]
        return None if None in parts else sum(parts)
    return figures.get(key)


def checks(figures: dict, stated: dict | None = None) -> list[dict]:
    out = []
    for col in template.COLUMNS + ("",):
        name = col or "total"
        a = [_col("apply.new", col), _col("apply.carried_over", col)]
        b = [_col("apply.result_total", col), _col("apply.carried_forward", col)]
        if _known(figures, a + b):
            left, right = sum(figures[k] for k in a), sum(figures[k] for k in b)
            out.append({"rule": f"new + carried_over = result_total + carried_forward ({name})",
                        "ok": left == right, "detail": f"{left} vs {right}", "keys": a + b})
        parts = [_col(k, col) for k in results(figures)]
        total = _col("apply.result_total", col)
        if _known(figures, [*parts, total]):
            got = sum(figures[k] for k in parts)
            out.append({"rule": f"result_total = sum of results ({name})",
                        "ok": got == figures[total], "detail": f"{got} vs {figures[total]}",
                        "keys": [*parts, total]})
    for row in template.rows():
        if row.part != "三":
            continue
        keys = row.keys()
        if _known(figures, keys):
            got = sum(figures[k] for k in keys[:6])
            if got != figures[keys[6]]:
                out.append({"rule": f"{row.key} = sum of the six applicant columns",
                            "ok": False, "detail": f"{got} vs {figures[keys[6]]}", "keys": keys})
    for row in template.part("四"):
        keys = row.keys()
        if _known(figures, keys):
            got = sum(figures[k] for k in keys[:4])
            out.append({"rule": f"{row.key}: upheld + corrected + other + pending = total",
                        "ok": got == figures[keys[4]], "detail": f"{got} vs {figures[keys[4]]}",
                        "keys": keys})
    for key, said in (stated or {}).items():
        table = _table(figures, key)
        if table is not None:
            keys = ([key] if key != "suit.total"
                    else ["suit_direct.total", "suit_after_review.total"])
            out.append({"rule": f"text: {key} = table", "ok": said["value"] == table,
                        "detail": f"{said['value']} vs {table} ({said['sentence']})",
                        "keys": keys})
    return out


def status(figures: dict, results: list[dict]) -> str:
    """一致 (all checks hold), 不一致 (some fail) or 无表格 (no template table found)."""
    if not any(k.startswith(("apply.", "review.", "suit_")) for k in figures):
        return "无表格"
    return "不一致" if any(not c["ok"] for c in results) else "一致"


def across_years(reports: list[dict]) -> None:
    """Add to each report (``{"report_id", "issuer", "year", "figures", "checks"}``) the
    checks against the same issuer's report of the year before, and ``across``: 一致, 不一致,
    or None (no report of the year before, or none of its figures to compare). They are kept
    out of ``status``, which is the report's own arithmetic: it is stored at index time and
    faceted, while these depend on which other reports the index holds."""
    by = {(r["issuer"], r["year"]): r for r in reports if r["issuer"] and r["year"]}
    for r in reports:
        last = by.get((r["issuer"], (r["year"] or 0) - 1))
        if last is None:
            continue
        before, now = last["figures"], r["figures"]
        found = []
        if _known(before, ["apply.carried_forward"]) and _known(now, ["apply.carried_over"]):
            a, b = now["apply.carried_over"], before["apply.carried_forward"]
            found.append({"rule": "carried_over = last year's carried_forward", "ok": a == b,
                          "detail": f"{a} vs {b} ({last['report_id']})",
                          "keys": ["apply.carried_over"], "other": last["report_id"]})
        keys = ["active.normative.issued", "active.normative.repealed",
                "active.normative.in_force"]
        if _known(now, keys) and _known(before, ["active.normative.in_force"]):
            was = before["active.normative.in_force"]
            got = was + now[keys[0]] - now[keys[1]]
            found.append({"rule": "in_force = last year's in_force + issued - repealed",
                          "ok": got == now[keys[2]],
                          "detail": f"{got} vs {now[keys[2]]} ({was}, {last['report_id']})",
                          "keys": keys, "other": last["report_id"]})
        r["checks"] = r["checks"] + found
        if found:
            r["across"] = "不一致" if any(not c["ok"] for c in found) else "一致"


_COLUMN_NAMES = dict(zip(template.COLUMNS + ("total",),
                         ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
                          "其他组织", "总计"), strict=True))
_GROUP_NAMES = {"review": "行政复议", "suit_direct": "行政诉讼（未经复议直接起诉）",
                "suit_after_review": "行政诉讼（复议后起诉）"}


def describe(rule: str) -> str:
    """A check's rule in the template's words, for the pages (the rule itself stays the
    stable identifier in JSON and CSV)."""
    head, _, col = rule.rpartition(" (")
    name = _COLUMN_NAMES.get(col.rstrip(")"), "")
    if head == "new + carried_over = result_total + carried_forward":
        return f"一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度（{name}）"
    if head == "result_total = sum of results":
        return f"（七）总计 = （一）至（六）之和（{name}）"
    if rule.endswith(" = sum of the six applicant columns"):
        key = rule.split(" = ")[0]
        return f"{template.labels().get(key, key)}：总计 = 六类申请人之和"
    if rule.endswith(": upheld + corrected + other + pending = total"):
        group = rule.split(":")[0]
        return f"{_GROUP_NAMES.get(group, group)}：维持 + 纠正 + 其他 + 尚未审结 = 总计"
    if rule.startswith("text: "):
        key = rule[6:].split(" = ")[0]
        label = "行政诉讼（总计）" if key == "suit.total" else template.labels().get(key, key)
        return f"正文所述 = 表中 {label}"
    if rule == "carried_over = last year's carried_forward":
        return "二、上年结转 = 上年报告的 四、结转下年度继续办理"
    if rule == "in_force = last year's in_force + issued - repealed":
        return "行政规范性文件 现行有效 = 上年现行有效 + 本年制发 − 本年废止"
    return rule
