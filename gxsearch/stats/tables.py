"""The template's tables rebuilt from a report's figures, as records the report page prints:
a blank, ``/`` or unreadable cell shown blank, each cell linked to the section its row
stands in, and the cells of a failed check marked with the check. A table is left out when
the report has none of its figures."""

from __future__ import annotations

from gxsearch.stats import template

_APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他组织", "总计")
_GROUPS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_ACTIVE = ("本年制发件数", "本年废止件数", "现行有效件数")


def _text(v) -> str:
    if v is None:
        return ""
    return f"{v:g}" if isinstance(v, float) else str(v)


def tables(stats: dict, checks: list[dict]) -> list[dict]:
    """``[{"caption", "head": [str], "rows": [{"label", "cells": [{"text", "href", "failed",
    "title"}]}]}]`` for parts 三, 四 and 二 of ``stats`` (the stored record of
    ``report_stats``); ``checks``: the report's checks, those across years included."""
    figures, where = stats.get("figures") or {}, stats.get("rows") or {}
    failed: dict[str, list[str]] = {}
    for c in checks:
        if not c["ok"]:
            for key in c.get("keys", ()):
                failed.setdefault(key, []).append(f"{c['rule']}: {c['detail']}")
    names = template.labels()

    def cell(key: str, row_key: str) -> dict:
        source = where.get(row_key) or {}
        printed = f"（原文：{source['cells']}）" if source.get("cells") else ""
        bad = failed.get(key, [])
        return {"text": _text(figures.get(key)),
                "href": f"#{source['section']}" if source.get("section") else "",
                "failed": "; ".join(bad),
                "title": f"{names.get(key, key)}{printed}" + ("；未通过：" + "; ".join(bad)
                                                              if bad else "")}

    def rows_of(rows) -> list[dict]:
        return [{"label": row.label, "cells": [cell(k, row.key) for k in row.keys()]}
                for row in rows if any(k in figures for k in row.keys())]

    out = []
    form = "2019" if "apply.other" in figures else "2021"
    part3 = rows_of(template.part("三", form))
    if part3:
        out.append({"caption": "三、收到和处理政府信息公开申请情况", "head": list(_APPLICANTS),
                    "rows": part3})
    part4 = rows_of(template.part("四"))
    if part4:
        out.append({"caption": "四、政府信息公开行政复议、行政诉讼情况", "head": list(_GROUPS),
                    "rows": part4})
    three = rows_of(r for r in template.part("二") if r.cells == 3)
    if three:
        out.append({"caption": "二、主动公开政府信息情况（第二十条第（一）项）",
                    "head": list(_ACTIVE), "rows": three})
    one = rows_of(r for r in template.part("二") if r.cells == 1)
    if one:
        out.append({"caption": "二、主动公开政府信息情况（第二十条第（五）（六）（八）项）",
                    "head": ["本年处理决定数量 / 本年收费金额（万元）"], "rows": one})
    return out
