"""The query language: parse what a person types into a plain structure, or raise BadQuery.

* words are ANDed: ``依申请公开 复议``; a word that jieba splits (``申请公开`` → 申请 公开)
  requires each of its words, anywhere in the section;
* ``"quoted phrases"`` match exactly (modulo spaces and letter case);
* ``OR`` between two terms: ``行政复议 OR 行政诉讼``, binding closer than AND (``A OR B C`` is
  ``(A OR B) C``); ``AND`` is allowed and changes nothing;
* ``-word`` or ``NOT word`` excludes;
* brackets group, and nest: ``(行政复议 OR 行政诉讼) 依申请公开``, ``NOT (收费 OR 减免)``;
* ``district:X``, ``province:X``, ``topic:X``, ``check:X``, ``year:2017``, ``year:2016-2018``
  filter (a value may be quoted); any other ``name:`` is a BadQuery that lists the fields;
* traditional characters and full-width forms are folded like the documents; a traditional
  literal whose characters have several simplified forms is looked for in each spelling
  (``覆內容`` as 覆内容 or 复内容, since a document's 答覆內容 became 答复内容);
* punctuation is not indexed, so an unquoted word is cut at it (``依申请公开。`` is
  依申请公开, ``公开,复议`` two words) and a phrase loses it at its ends; invisible characters
  (zero-width space, joiners, word joiner, BOM, soft hyphen) are dropped, as the cleaner drops
  them from documents.

The grammar is lark's (``_GRAMMAR``); the tree is brought to the form ``match.py`` computes,
groups of literals ORed and ANDed together plus literals excluded (negations pushed down to
the literals, OR distributed over AND). What that form cannot say (an exclusion inside an
OR, ``NOT (A B)``) is a BadQuery that says how to write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from gxsearch.clean import fold, fold_width, spellings
from gxsearch.errors import BadQuery

MAX_QUERY_CHARS = 1000
FILTER_FIELDS = ("district", "province", "prefecture", "county", "topic", "year", "check",
                 "reuse", "timeliness", "completeness")
MAX_GROUPS = 64  # clauses after OR is distributed over AND: (A B C) OR (D E F) makes 9
_YEAR_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{4}))?$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_PUNCT_RE = re.compile(r"[^\w]+")  # what separates the searchable runs of a word

_GRAMMAR = r"""
start: [and_expr]
?and_expr: or_expr (_AND? or_expr)*
?or_expr: unary (_OR unary)*
?unary: _NOT unary -> negate
      | _MINUS atom -> negate
      | atom
?atom: "(" and_expr ")"
     | FIELD (PHRASE | WORD) -> filter
     | PHRASE -> phrase
     | WORD -> word
FIELD.3: /[A-Za-z]+:/
PHRASE: /"[^"]*"/
_OR.2: /OR(?=[\s()"]|$)/
_AND.2: /AND(?=[\s()"]|$)/
_NOT.2: /NOT(?=[\s()"]|$)/
_MINUS.2: /-(?=[^\s\-)])/
WORD: /[^\s()"\-][^\s()"]*/
%ignore /\s+/
"""
_PARSER = Lark(_GRAMMAR, parser="lalr", lexer="basic", maybe_placeholders=False)


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
    """Validate ``2017`` or ``2016-2018`` (ASCII or full-width digits); return it normalised."""
    m = _YEAR_RE.match(fold_width(value).strip())
    if not m or (m.group(2) and int(m.group(2)) < int(m.group(1))):
        raise BadQuery(f"年份“{value}”无法识别：请写成 2017 或 2016-2018")
    return m.group(0)


def _literal(text: str, phrase: bool) -> Literal | None:
    forms = spellings(text.strip())
    lit = Literal(forms[0], phrase, tuple(forms[1:]))
    return lit if lit.text and re.search(r"\w", lit.text) else None


class _Tree(Transformer):
    """lark's tree → ``("and", [...])``, ``("or", [...])``, ``("not", x)``, ``("lit", L)``,
    ``("filter", name, value)``, ``("none",)`` (a word of punctuation only)."""

    def start(self, items):
        return items[0] if items else ("and", [])

    def and_expr(self, items):
        return ("and", list(items))

    def or_expr(self, items):
        return ("or", list(items))

    def negate(self, items):
        return ("not", items[0])

    def phrase(self, items):
        text = _PUNCT_RE.sub(" ", items[0][1:-1]).strip() and items[0][1:-1]
        lit = _literal(re.sub(r"^\W+|\W+$", "", text or ""), True)
        if lit is None:
            raise BadQuery("引号里没有可检索的文字")
        return ("lit", lit)

    def word(self, items):
        lits = [lit for part in _PUNCT_RE.split(str(items[0])) if (lit := _literal(part, False))]
        if not lits:
            return ("none",)  # a lone punctuation mark finds nothing worth finding
        return ("lit", lits[0]) if len(lits) == 1 else ("and", [("lit", x) for x in lits])

    def filter(self, items):
        name, value = str(items[0])[:-1], str(items[1])
        if name not in FILTER_FIELDS:
            known = "、".join(f"{f}:" for f in FILTER_FIELDS)
            raise BadQuery(f"没有“{name}”这个字段：可用 {known}")
        if value.startswith('"'):
            value = value[1:-1]
        value = fold(value).strip()
        if not value:
            raise BadQuery(f"{name}: 后面缺少取值，例如 year:2018")
        return ("filter", name, check_year(value) if name == "year" else value)


def _explain(exc: LarkError, text: str) -> BadQuery:
    if isinstance(exc, UnexpectedCharacters):
        if text[exc.pos_in_stream] == "-":
            return BadQuery("“-”后面要紧跟要排除的词，例如：公开 -收费")
        return BadQuery(f"无法解析检索式：“{text[exc.pos_in_stream:exc.pos_in_stream + 20]}”")
    token = getattr(exc, "token", None)
    kind = token.type if isinstance(token, Token) else ""
    if isinstance(exc, UnexpectedEOF) or kind == "$END":
        before = text.rstrip()
        if before.endswith("OR"):
            return BadQuery("OR 两边都要有检索词，例如：行政复议 OR 行政诉讼")
        if before.endswith("NOT"):
            return BadQuery("NOT 后面要跟一个检索词，例如：公开 NOT 收费")
        if before.endswith("AND"):
            return BadQuery("AND 两边都要有检索词，例如：公开 AND 复议")
        return BadQuery("括号不成对：每个“(”都要有对应的“)”")
    if kind == "_OR":
        return BadQuery("OR 两边都要有检索词，例如：行政复议 OR 行政诉讼")
    if kind == "_AND":
        return BadQuery("AND 两边都要有检索词，例如：公开 AND 复议")
    if kind == "RPAR":
        return BadQuery("括号不成对，或括号里没有检索词")
    if isinstance(exc, UnexpectedToken):
        return BadQuery(f"无法解析检索式：“{text[exc.token.start_pos:exc.token.start_pos + 20]}”")
    return BadQuery("无法解析检索式")


def _filters(node, out: dict, top: bool) -> object:
    """Take the filters out of the tree (only where they AND with the rest)."""
    kind = node[0]
    if kind == "filter":
        if not top:
            raise BadQuery(f"{node[1]}: 筛选条件不能与 OR、NOT 或 - 连用")
        out.setdefault(node[1], []).append(node[2])
        return ("and", [])
    if kind == "and":
        return ("and", [_filters(n, out, top) for n in node[1]])
    if kind == "or":
        return ("or", [_filters(n, out, False) for n in node[1]])
    if kind == "not":
        return ("not", _filters(node[1], out, False))
    return node


def _cnf(node, negated: bool = False) -> list[list[tuple[bool, Literal]]] | None:
    """Clauses (ANDed) of signed literals (ORed); None for "anything" (an empty AND, a
    punctuation-only word). Negations are pushed down to the literals."""
    kind = node[0]
    if kind == "none":
        return None
    if kind == "lit":
        return [[(not negated, node[1])]]
    if kind == "not":
        return _cnf(node[1], not negated)
    conj = (kind == "and") != negated  # NOT (A OR B) = NOT A AND NOT B
    parts = [c for c in (_cnf(n, negated) for n in node[1]) if c is not None]
    if not parts:
        return None
    if conj:
        return [clause for p in parts for clause in p]
    out = parts[0]
    for p in parts[1:]:
        out = [a + b for a in out for b in p]
        if len(out) > MAX_GROUPS:
            raise BadQuery("检索式太复杂：OR 连接的括号组合过多，请拆成几次检索")
    return out


def parse(query: str) -> ParsedQuery:
    """Parse ``query``; raise BadQuery with a message a person understands."""
    if len(query) > MAX_QUERY_CHARS:
        raise BadQuery(f"检索式太长（{len(query)} 个字符），请不超过 {MAX_QUERY_CHARS} 个字符")
    if _CONTROL_RE.search(query):
        raise BadQuery("检索式含有控制字符，请删除后重试")
    # Chinese quotation marks work like ASCII ones; full-width brackets like ASCII ones.
    # Literals are converted to simplified one by one, each with its spellings.
    text = fold_width(_INVISIBLE_RE.sub("", query)).replace("\u201c", '"').replace("\u201d", '"')
    if text.count('"') % 2:
        raise BadQuery("引号不成对：短语要用一对英文或中文引号括起来，例如 \"行政复议\"")
    try:
        tree = _Tree().transform(_PARSER.parse(text))
    except BadQuery:
        raise
    except LarkError as exc:
        inner = getattr(exc, "orig_exc", None)
        if isinstance(inner, BadQuery):
            raise inner from None
        raise _explain(exc, text) from None
    parsed = ParsedQuery()
    tree = _filters(tree, parsed.filters, True)
    for clause in _cnf(tree) or []:
        clause = list(dict.fromkeys(clause))
        if all(positive for positive, _ in clause):
            group = [lit for _, lit in clause]
            if group not in parsed.groups:
                parsed.groups.append(group)
        elif len(clause) == 1:
            if clause[0][1] not in parsed.negs:
                parsed.negs.append(clause[0][1])
        else:
            raise BadQuery("排除词不能放在 OR 里（如 A OR -B、NOT (A B)）：请写成 A -B，"
                           "或分开检索")
    return parsed
