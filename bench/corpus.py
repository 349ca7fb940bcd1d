"""Deterministic synthetic corpus of annual reports for the benchmark.

`python bench/corpus.py OUT_DIR [-n 10000] [--seed 1]` writes N UTF-8 `.txt` reports, sharded
into subdirectories of 1000, plus `OUT_DIR/manifest.jsonl`. The reports recombine the sentences
and sub-headings of the seed reports and the real Pingtan reports (read at run time) under the
two real layouts (pre-2019 and the 2021 national template), so that vocabulary, sentence length
and structure look like real input while the size is arbitrary.

Each manifest line: `file` (relpath), `title`, `body` (issuing body), `district`, `province`,
`year`, `chars`, `traditional`, `header`, `oneline`, `template`, and `probes`: three random
2-6 Han-character substrings of the report body, used to measure phrase recall.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

from opencc import OpenCC

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The real reports live beside the checkout (../shared/corpus), here and in CI.
PINGTAN = ROOT.parent / "shared" / "corpus" / "pingtan"
HEADER_MARK = "==================== 正文 ===================="

# Real districts / development zones with their provinces: the issuing bodies.
DISTRICTS = [tuple(x.split("/")) for x in """
大连保税区/辽宁省 沈抚新区/辽宁省 金普新区/辽宁省 瓦房店市/辽宁省
铁西区/辽宁省 亳州经济开发区/安徽省 蜀山区/安徽省 芜湖经济技术开发区/安徽省
遂宁经济技术开发区/四川省 天府新区/四川省 武侯区/四川省 绵阳高新区/四川省
洪泽区/江苏省 昆山市/江苏省 江阴市/江苏省 苏州工业园区/江苏省
平潭综合实验区/福建省 思明区/福建省 晋江市/福建省 福州高新区/福建省
西湖区/浙江省 义乌市/浙江省 北仑区/浙江省 柯桥区/浙江省
历城区/山东省 黄岛区/山东省 寿光市/山东省 龙口市/山东省
金水区/河南省 郑东新区/河南省 洛龙区/河南省 江岸区/湖北省
东湖新技术开发区/湖北省 夷陵区/湖北省 岳麓区/湖南省 浏阳市/湖南省
天河区/广东省 南山区/广东省 顺德区/广东省 前海深港合作区/广东省
青秀区/广西壮族自治区 龙华区/海南省 观山湖区/贵州省 贵安新区/贵州省
五华区/云南省 雁塔区/陕西省 西咸新区/陕西省 城关区/甘肃省
海淀区/北京市 朝阳区/北京市 滨海新区/天津市 浦东新区/上海市
闵行区/上海市 渝北区/重庆市 两江新区/重庆市 雄安新区/河北省
小店区/山西省 南关区/吉林省 道里区/黑龙江省 红谷滩区/江西省
""".split()]
DEPARTMENTS = [
    "", "人民政府", "管委会", "财政局", "教育局", "卫生健康委员会", "自然资源局", "生态环境局",
    "住房和城乡建设局", "交通运输局", "农业农村局", "商务局", "文化和旅游局", "市场监督管理局",
    "应急管理局", "人力资源和社会保障局", "民政局", "司法局", "审计局", "统计局", "医疗保障局",
    "退役军人事务局", "水利局", "发展和改革局", "科学技术局",
]
# Issuer names inside the source sentences, replaced by the generated body.
SOURCE_NAMES = [
    "平潭综合实验区", "平潭县人民政府", "平潭县", "平潭", "金普新区", "金渤海岸服务业发展区",
    "大连保税区", "沈抚新区", "亳州经济开发区", "遂宁经济技术开发区", "大连金渤海岸",
]
OLD_LAYOUT = [
    "概述", "主动公开政府信息情况", "政府信息依申请公开情况", "政府信息公开的收费及减免情况",
    "因政府信息公开申请行政复议、提起行政诉讼的情况", "政府信息公开工作存在的主要问题及改进措施",
    "其他需要报告的事项",
]
NEW_LAYOUT = [
    "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项",
]
SUB_HEADINGS = [
    "主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障", "加强组织领导",
    "完善制度建设", "政策解读", "回应社会关切", "重点领域信息公开", "政务新媒体管理",
    "政府网站建设", "公开内容", "公开形式", "申请情况", "办理情况", "存在的问题", "改进措施",
]
CN_NUM = "一二三四五六七八九十"
FURNITURE = [
    "当前位置：首页 > 政务公开 > 政府信息公开 > 政府信息公开年报",
    "字号：大 中 小 打印本页 关闭窗口",
    "来源：{body}办公室 发布时间：{pub} 浏览次数：",
    "【打印】【关闭】",
]

HEADING_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[.．、])\s*"
)
SPLIT_RE = re.compile(
    r"(?<=[。！？；])|\n|(?=[一二三四五六七八九十]{1,2}、)|(?=[（(][一二三四五六七八九十]{1,2}[)）])"
)
YEAR_RE = re.compile(r"(?:19|20)\d\d(?=年)")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Page furniture (clean.py drops lines holding it), never a body sentence of the pool.
FURNITURE_WORDS = ("当前位置", "浏览次数", "发布时间", "字号", "打印", "首页", "来源：", "附件下载",
                   "责编", "责任编辑", "点击", "阅读次数", "访问次数")


def _source_texts() -> list[str]:
    cc = OpenCC("t2s")
    texts = []
    for path in sorted(SEEDS.glob("*.txt")) + sorted(PINGTAN.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if HEADER_MARK in text:
            text = text.split(HEADER_MARK, 1)[1]
        # Seed 003 is traditional with pinyin annotations; the pool is kept simplified.
        text = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", text)
        texts.append(cc.convert(text))
    return texts


def build_pool() -> tuple[list[str], list[str]]:
    """Sentence templates (issuer as \\x01, year as \\x02) and sub-headings from the sources."""
    sentences: set[str] = set()
    headings: set[str] = set(SUB_HEADINGS)
    names = sorted(SOURCE_NAMES, key=len, reverse=True)
    for text in _source_texts():
        for frag in SPLIT_RE.split(text):
            frag = frag.strip()
            if not frag or any(w in frag for w in FURNITURE_WORDS):
                continue
            m = HEADING_RE.match(frag)
            if m:
                rest = frag[m.end():]
                head = re.split(r"[。，,：:\s]", rest, maxsplit=1)[0]
                if 2 <= len(head) <= 16 and HAN_RUN.fullmatch(head):
                    headings.add(head)
                frag = rest[len(head):].lstrip("。，,：: ") if len(head) <= 16 else rest
            if len(frag) < 10 or len(frag) > 400 or not HAN_RUN.search(frag):
                continue
            for name in names:
                frag = frag.replace(name, "\x01")
            frag = YEAR_RE.sub("\x02", frag)
            sentences.add(frag)
    return sorted(sentences), sorted(headings)


def _table(rng: random.Random) -> str:
    """A statistics table flattened the way crawlers save it."""
    rows = ["规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"]
    cells = [f"{r} {rng.randint(0, 40)} {rng.randint(0, 5)} {rng.randint(0, 300)}"
             for r in rng.sample(rows, rng.randint(2, len(rows)))]
    return "信息内容 本年制发件数 本年废止件数 现行有效件数 " + " ".join(cells)


class Generator:
    """Builds reports from the pools; `report(i)` is deterministic given the seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sentences, self.headings = build_pool()
        s2t = OpenCC("s2t")
        # Converting the pools once keeps 5% traditional reports cheap at any N.
        self.sentences_t = [s2t.convert(s) for s in self.sentences]
        self.headings_t = [s2t.convert(h) for h in self.headings]
        self.s2t = s2t
        self._t_cache: dict[str, str] = {}

    def t(self, s: str) -> str:
        if s not in self._t_cache:
            self._t_cache[s] = self.s2t.convert(s)
        return self._t_cache[s]

    def combos(self, n: int) -> list[tuple[str, str, str, int]]:
        allc = [(d + dep, d, p, y) for d, p in DISTRICTS for dep in dict.fromkeys(DEPARTMENTS)
                for y in range(2008, 2026)]
        return self.rng.sample(allc, min(n, len(allc)))

    def report(self, serial: int, body: str, year: int, trad: bool) -> dict:
        rng = self.rng
        sents = self.sentences_t if trad else self.sentences
        heads = self.headings_t if trad else self.headings
        conv = self.t if trad else (lambda s: s)
        body_w = conv(body)
        ystr = str(year)
        new = year >= 2020 or (year == 2019 and rng.random() < 0.5)
        layout = NEW_LAYOUT if new else OLD_LAYOUT[: rng.choice((5, 6, 7))]
        header = rng.random() < 0.3
        if header:
            oneline = rng.random() < 0.7
        else:
            oneline = rng.random() < 0.13
        suffix = "年度" if rng.random() < 0.8 else "年"
        suffix += "政府信息公开工作年度报告"
        title = f"{body}{year}{suffix}"
        target = int(min(15000, max(2000, rng.lognormvariate(8.6, 0.5))))

        def sentence() -> str:
            return sents[rng.randrange(len(sents))].replace("\x01", body_w).replace("\x02", ystr)

        def para(k: int) -> str:
            return "".join(sentence() for _ in range(k))

        blocks: list[tuple[str, str]] = []  # (heading or "", paragraph)
        blocks.append(("", para(rng.randint(2, 4))))
        per_section = max(300, (target - len(blocks[0][1])) // len(layout))
        for i, h1 in enumerate(layout):
            blocks.append((f"{CN_NUM[i]}、{conv(h1)}", ""))
            size = 0
            nsub = rng.choice((0, 0, 2, 3, 4))
            for j in range(max(nsub, 1)):
                if nsub:
                    blocks.append((f"（{CN_NUM[j]}）{heads[rng.randrange(len(heads))]}", ""))
                for k in range(rng.choice((0, 0, 2, 3))):
                    blocks.append((f"{k + 1}.{heads[rng.randrange(len(heads))]}", ""))
                    p = para(rng.randint(1, 3))
                    blocks.append(("", p))
                    size += len(p)
                while size < per_section / max(nsub, 1) * (j + 1):
                    p = para(rng.randint(1, 5))
                    blocks.append(("", p))
                    size += len(p)
            if new and 1 <= i <= 3:
                blocks.append(("", conv(_table(rng))))
        lines = [conv(title)]
        furniture = ""
        if not oneline and rng.random() < 0.4:
            pub = f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
            furniture = conv(rng.choice(FURNITURE).format(body=body, pub=pub))
            lines.append(furniture)
        indent = "  " if rng.random() < 0.3 else ""
        for h, p in blocks:
            lines.append(h if h else indent + p)
        if oneline:
            text = " ".join(x.strip() for x in lines)
        else:
            text = "\n".join(lines)
        content = text
        if header:
            month, day = rng.randint(1, 3), rng.randint(1, 28)
            slug = f"{serial:06d}"
            ym = f"{year + 1}{month:02d}"
            url = (f"https://www.gov{serial % 97}.gov.cn/zwgk/zfxxgk/zfxxgknb/{ym}/"
                   f"t{ym}{day:02d}_{slug}.htm")
            hdr = [
                f"标题: {conv(title)}",
                f"发布时间: {year + 1}-{month:02d}-{day:02d} {rng.randint(8, 18):02d}:"
                f"{rng.randint(0, 59):02d}",
                "文号: ",
                f"发布机构: {conv(body) + '办公室' if rng.random() < 0.5 else ''}",
                "栏目: 政府信息公开年报",
                f"原文链接: {url}",
                f"本地目录: zwgk/zfxxgk/zfxxgknb/{year + 1}{month:02d}/{slug}_{conv(title)}",
                "页面链接与图片详见 links.tsv(同目录)",
                HEADER_MARK,
            ]
            content = "\n".join(hdr) + "\n" + text
        return {
            # Probes skip page furniture: gxsearch drops it on purpose, it is not report text.
            "title": title, "text": content, "traditional": trad,
            "body_text": text.replace(furniture, "") if furniture else text,
            "header": header, "oneline": oneline, "template": "2021" if new else "pre2019",
        }

    def probes(self, body_text: str, k: int = 3) -> list[str]:
        # Skip the title line: a title phrase would only test metadata, not the body.
        first = body_text.find("\n") if "\n" in body_text else len(body_text.split(" ", 1)[0])
        runs = [r for r in HAN_RUN.findall(body_text[first:]) if len(r) >= 2]
        out = []
        for _ in range(k):
            n = self.rng.randint(2, 6)
            cands = [r for r in runs if len(r) >= n] or runs
            run = self.rng.choice(cands)
            n = min(n, len(run))
            start = self.rng.randrange(len(run) - n + 1)
            out.append(run[start:start + n])
        return out


def generate(out_dir: Path, n: int, seed: int = 1) -> dict:
    t0 = time.perf_counter()
    gen = Generator(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    combos = gen.combos(n)
    total_chars = 0
    with open(out_dir / "manifest.jsonl.tmp", "w", encoding="utf-8") as man:
        for i in range(n):
            body, district, province, year = combos[i % len(combos)]
            if i >= len(combos):  # more reports than (body, year) pairs: keep titles unique
                body = f"{body}第{i // len(combos) + 1}"
            trad = gen.rng.random() < 0.05
            rep = gen.report(i, body, year, trad)
            shard = out_dir / f"{i // 1000:03d}"
            shard.mkdir(exist_ok=True)
            rel = f"{shard.name}/{i:06d}_{rep['title']}.txt"
            (out_dir / rel).write_text(rep["text"], encoding="utf-8")
            total_chars += len(rep["text"])
            rec = {
                "file": rel, "title": rep["title"], "body": body, "district": district,
                "province": province, "year": year, "chars": len(rep["text"]),
                "traditional": trad, "header": rep["header"], "oneline": rep["oneline"],
                "template": rep["template"], "probes": gen.probes(rep["body_text"]),
            }
            man.write(json.dumps(rec, ensure_ascii=False) + "\n")
    (out_dir / "manifest.jsonl.tmp").replace(out_dir / "manifest.jsonl")
    return {"reports": n, "chars": total_chars, "seconds": round(time.perf_counter() - t0, 2),
            "pool_sentences": len(gen.sentences), "pool_headings": len(gen.headings)}


def load_manifest(out_dir: Path) -> list[dict]:
    with open(out_dir / "manifest.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("-n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    stats = generate(args.out_dir, args.n, args.seed)
    print(json.dumps(stats, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
