"""The checks of the template's arithmetic (勾稽关系), each ``{"rule", "ok", "detail"}``.

Per column of part 三: 一 + 二 = 三(七) + 四 (the rule the template prints), (七) = the sum of
(一)…(六); per row, 总计 = the six applicant columns; per group of part 四, 维持 + 纠正 + 其他
+ 尚未审结 = 总计. A check whose figures are not all there is not made.
"""

from __future__ import annotations

from gxsearch.stats import template

_RESULTS = [r.key for r in template.part("三")
            if r.key not in ("apply.new", "apply.carried_over", "apply.result_total",
                             "apply.carried_forward")]


def _col(key: str, col: str) -> str:
    return f"{key}.{col}" if col else key


def _known(figures: dict, keys: list[str]) -> bool:
    return all(figures.get(k) is not None for k in keys)


def checks(figures: dict) -> list[dict]:
    out = []
    for col in template.COLUMNS + ("",):
        name = col or "total"
        a = [_col("apply.new", col), _col("apply.carried_over", col)]
        b = [_col("apply.result_total", col), _col("apply.carried_forward", col)]
        if _known(figures, a + b):
            left, right = sum(figures[k] for k in a), sum(figures[k] for k in b)
            out.append({"rule": f"new + carried_over = result_total + carried_forward ({name})",
                        "ok": left == right, "detail": f"{left} vs {right}"})
        parts = [_col(k, col) for k in _RESULTS]
        total = _col("apply.result_total", col)
        if _known(figures, parts + [total]):
            got = sum(figures[k] for k in parts)
            out.append({"rule": f"result_total = sum of results ({name})",
                        "ok": got == figures[total], "detail": f"{got} vs {figures[total]}"})
    for row in template.part("三"):
        keys = row.keys()
        if _known(figures, keys):
            got = sum(figures[k] for k in keys[:6])
            if got != figures[keys[6]]:
                out.append({"rule": f"{row.key} = sum of the six applicant columns",
                            "ok": False, "detail": f"{got} vs {figures[keys[6]]}"})
    for row in template.part("四"):
        keys = row.keys()
        if _known(figures, keys):
            got = sum(figures[k] for k in keys[:4])
            out.append({"rule": f"{row.key}: upheld + corrected + other + pending = total",
                        "ok": got == figures[keys[4]], "detail": f"{got} vs {figures[keys[4]]}"})
    return out


def status(figures: dict, results: list[dict]) -> str:
    """一致 (all checks hold), 不一致 (some fail) or 无表格 (no template table found)."""
    if not any(k.startswith(("apply.", "review.", "suit_")) for k in figures):
        return "无表格"
    return "不一致" if any(not c["ok"] for c in results) else "一致"
