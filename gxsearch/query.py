"""The query language: parse what a person types into a plain structure, or raise BadQuery.

* words are ANDed: ``依申请公开 复议``; a word that jieba splits (``申请公开`` → 申请 公开)
  requires each of its words, anywhere in the section;
* ``"quoted phrases"`` match exactly (modulo spaces and letter case);
* ``OR`` between two terms: ``行政复议 OR 行政诉讼``; ``AND`` is allowed and changes nothing;
* ``-word`` or ``NOT word`` excludes;
* ``district:X``, ``province:X``, ``topic:X``, ``year:2017``, ``year:2016-2018`` filter
  (a value may be quoted);
* traditional characters and full-width forms are folded like the documents; a traditional
  literal whose characters have several simplified forms is looked for in each spelling
  (``覆內容`` as 覆内容 or 复内容, since a document's 答覆內容 became 答复内容).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gxsearch.clean import fold, fold_width, spellings
from gxsearch.errors import BadQuery

MAX_QUERY_CHARS = 1000
FILTER_FIELDS = ("district", "province", "topic", "year", "check")
_TOKEN_RE = re.compile(
    r'\s*(?:(?P<neg>-)?(?:(?P<field>[a-z]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))'
    r'|(?P<quote>"))'
)
_YEAR_RE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Literal:
    """One thing to find: ``text`` (folded); ``phrase`` when it was quoted; ``variants``:
    other simplified spellings of a traditional literal (``clean.spellings``), any of which
    is found as well."""

    text: str
    phrase: bool = False
    variants: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        """``text`` and its variants."""
        return (self.text, *self.variants)


@dataclass
class ParsedQuery:
    """``groups`` are ANDed, the literals inside a group ORed; ``negs`` are excluded."""

    groups: list[list[Literal]] = field(default_factory=list)
    negs: list[Literal] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def literals(self) -> list[Literal]:
        """Every positive literal, for highlighting."""
        return [lit for group in self.groups for lit in group]


def check_year(value: str) -> str:
    """Validate ``2017`` or ``2016-2018``; return it normalised."""
    m = _YEAR_RE.match(value.strip())
    if not m or (m.group(2) and int(m.group(2)) < int(m.group(1))):
        raise BadQuery(f"年份“{value}”无法识别：请写成 2017 或 2016-2018")
    return m.group(0)


def parse(query: str) -> ParsedQuery:
    """Parse ``query``; raise BadQuery with a message a person understands."""
    if len(query) > MAX_QUERY_CHARS:
        raise BadQuery(f"检索式太长（{len(query)} 个字符），请不超过 {MAX_QUERY_CHARS} 个字符")
    if _CONTROL_RE.search(query):
        raise BadQuery("检索式含有控制字符，请删除后重试")
    # Chinese quotation marks work like ASCII ones. Literals are converted to simplified one
    # by one below, each with its spellings.
    text = fold_width(query).replace("\u201c", '"').replace("\u201d", '"')
    parsed = ParsedQuery()
    pending_or = False
    pending_not = False
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip():
                raise BadQuery(f"无法解析检索式：“{text[pos:pos + 20]}”")
            break
        pos = m.end()
        if m.group("quote"):
            raise BadQuery("引号不成对：短语要用一对英文或中文引号括起来，例如 \"行政复议\"")
        word, phrase, fname = m.group("word"), m.group("phrase"), m.group("field")
        neg = bool(m.group("neg"))
        if fname is None and phrase is None and word in ("OR", "AND", "NOT"):
            if word == "OR":
                if not parsed.groups or pending_or or pending_not:
                    raise BadQuery("OR 两边都要有检索词，例如：行政复议 OR 行政诉讼")
                pending_or = True
            elif word == "NOT":
                if pending_not:
                    raise BadQuery("NOT 后面要跟一个检索词，例如：公开 NOT 收费")
                pending_not = True
            elif pending_or or pending_not:
                raise BadQuery("AND 前面的运算符缺少检索词")
            continue
        value = phrase if phrase is not None else word
        if fname is not None:
            if fname not in FILTER_FIELDS:
                # Not one of ours (e.g. ``http://``): search the whole thing as text.
                value, fname = f"{fname}:{value}", None
            elif neg or pending_not or pending_or:
                raise BadQuery(f"{fname}: 筛选条件不能与 OR、NOT 或 - 连用")
            else:
                value = fold(value).strip()
                if not value:
                    raise BadQuery(f"{fname}: 后面缺少取值，例如 year:2018")
                if fname == "year":
                    value = check_year(value)
                parsed.filters.setdefault(fname, []).append(value)
                continue
        if phrase is None and word == "-":
            raise BadQuery("“-”后面要紧跟要排除的词，例如：公开 -收费")
        forms = spellings(value.strip())
        lit = Literal(forms[0], phrase is not None, tuple(forms[1:]))
        if not lit.text or not re.search(r"\w", lit.text):
            if phrase is not None:
                raise BadQuery("引号里没有可检索的文字")
            continue  # a lone punctuation mark finds nothing worth finding; ignore it
        if neg or pending_not:
            if pending_or:
                raise BadQuery("OR 后面不能直接跟排除词")
            parsed.negs.append(lit)
            pending_not = False
        elif pending_or:
            parsed.groups[-1].append(lit)
            pending_or = False
        else:
            parsed.groups.append([lit])
    if pending_or:
        raise BadQuery("OR 两边都要有检索词，例如：行政复议 OR 行政诉讼")
    if pending_not:
        raise BadQuery("NOT 后面要跟一个检索词，例如：公开 NOT 收费")
    return parsed
