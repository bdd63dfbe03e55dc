"""The search query language: Lucene syntax read with luqum into one small AST.

``parse(text)`` returns a :class:`ParsedQuery` whose ``node`` is built only from the
node classes below. Each backend compiles that AST (``search/backends/compile_*.py``);
nothing downstream sees luqum. Rules, in the order a reader meets them:

* Default operator AND; explicit ``AND``/``OR``/``NOT`` (and ``&&``/``||``/``!``),
  ``+``/``-`` prefixes and parentheses. AND binds tighter than OR, and juxtaposition
  binds loosest: ``experian OR equifax mosaic`` is ``(experian OR equifax) AND mosaic``.
* ``NOT``/``-`` are logical complements wherever they appear.
* A bare word is matched stemmed (``family`` finds ``families``); a quoted phrase,
  a prefix ``scor*`` and a fuzzy ``experain~`` are matched on the unstemmed words.
* A word that holds punctuation (``e-mail``, ``o'neill``) is read as the phrase of
  its parts, so ``e-mail`` never turns into ``e AND NOT mail``.
* Fields: see ``FIELD_ALIASES``. An unknown ``name:value`` is read as plain words,
  with a note, so ``Re: FOI`` and ``10:30`` still work.
* Input that is not valid syntax (an unbalanced quote or bracket, a dangling
  ``AND``) is read leniently as plain words, with a note; constructs that cannot be
  honoured (leading or inner wildcards, regular expressions, ranges on text) raise
  :class:`QueryError` with a sentence saying why.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from luqum import tree as lq
from luqum.exceptions import IllegalCharacterError, ParseError
from luqum.parser import parser as _luqum_parser

from search.foi import foi_state

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 64
MAX_FUZZY_DISTANCE = 2
MAX_BOOST = 100.0
# Highlighting a sloppy phrase costs about (slop+1)^(words-1) steps per first word; a
# wider window would let one query tie up a CPU on a long page.
MAX_SLOP = 10


class QueryError(ValueError):
    """A query the engine cannot honour; ``str(error)`` is a sentence for the user."""


# Canonical field names, by what a user may type (lower-cased).
FIELD_ALIASES: dict[str, str] = {
    "title": "title",
    "text": "text",
    "body": "text",
    "content": "text",
    "council": "council",
    "councils": "council",
    "authority": "council",
    "company": "company",
    "companies": "company",
    "supplier": "company",
    "system": "system",
    "systems": "system",
    "source": "source",
    "status": "status",
    "type": "type",
    "filetype": "type",
    "year": "year",
    "date": "date",
    "availability": "availability",
}
TEXT_FIELDS = frozenset({"title", "text"})  # full text: stemmed and exact variants
NAME_FIELDS = frozenset({"council", "company", "system"})  # names, matched word by word
KEYWORD_FIELDS = frozenset({"status", "type", "availability"})  # short codes, matched whole
RANGE_FIELDS = frozenset({"year", "date"})
FIELD_HELP = "title, text, council, company, system, source, status, type, year, date, availability"

# One word as both engines tokenise it: a run of letters and digits.
WORD_RE = re.compile(r"[^\W_]+")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


# --- the AST -----------------------------------------------------------------------------
# ``field`` is None for the default fields (title and text) or a canonical field name.


@dataclass(frozen=True)
class MatchAll:
    """Every document (an empty query or ``*``)."""


@dataclass(frozen=True)
class Term:
    """One word; stemmed on full-text fields."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """Words in order on the unstemmed field, at most ``slop`` extra positions apart."""

    text: str
    field: str | None = None
    slop: int = 0


@dataclass(frozen=True)
class Prefix:
    """Words starting with ``text`` (unstemmed); a multi-word prefix is a phrase prefix."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class Fuzzy:
    """Words within ``distance`` edits (transpositions count once) of ``text``."""

    text: str
    field: str | None = None
    distance: int = 2


@dataclass(frozen=True)
class Range:
    """Inclusive range on ``year`` (ints) or ``date`` (dates); None is open."""

    field: str
    low: int | dt.date | None = None
    high: int | dt.date | None = None


@dataclass(frozen=True)
class And:
    """Every item matches (``Not`` items must not); ``should`` only adds score."""

    items: tuple
    should: tuple = ()


@dataclass(frozen=True)
class Or:
    """At least one item matches."""

    items: tuple


@dataclass(frozen=True)
class AtLeast:
    """At least ``minimum`` of ``items`` match (a relaxed all-words query); a document
    matching more of them ranks above one matching fewer, relevance orders the rest."""

    items: tuple
    minimum: int


@dataclass(frozen=True)
class Not:
    """Every document the item does not match."""

    item: object


@dataclass(frozen=True)
class Boost:
    """The item, its score multiplied by ``factor``."""

    item: object
    factor: float


Node = MatchAll | Term | Phrase | Prefix | Fuzzy | Range | And | Or | Not | Boost | AtLeast
LEAVES = (Term, Phrase, Prefix, Fuzzy, Range)


@dataclass(frozen=True)
class ParsedQuery:
    """The user's text, its AST, and notes to show when it was read leniently."""

    text: str
    node: Node
    lenient: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def is_match_all(self) -> bool:
        return isinstance(self.node, MatchAll)


# --- helpers shared by the compilers ----------------------------------------------------


def fold(text: str) -> str:
    """Lower-case and strip accents the way both engines' ``asciifolding`` does."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The words of ``text`` as the engines tokenise it (letters and digits)."""
    return WORD_RE.findall(text)


def is_single_word(text: str) -> bool:
    return WORD_RE.fullmatch(text) is not None


def leaves(node: Node, *, positive_only: bool = False):
    """Yield the leaves of ``node``; with ``positive_only``, skip anything under Not."""
    if isinstance(node, LEAVES):
        yield node
    elif isinstance(node, And):
        for item in (*node.items, *node.should):
            yield from leaves(item, positive_only=positive_only)
    elif isinstance(node, Or | AtLeast):
        for item in node.items:
            yield from leaves(item, positive_only=positive_only)
    elif isinstance(node, Not):
        if not positive_only:
            yield from leaves(node.item, positive_only=positive_only)
    elif isinstance(node, Boost):
        yield from leaves(node.item, positive_only=positive_only)


def text_leaves(node: Node) -> list:
    """Positive leaves that match document text: what snippets should highlight."""
    return [
        leaf
        for leaf in leaves(node, positive_only=True)
        if not isinstance(leaf, Range) and leaf.field in (None, "text")
    ]


# --- relaxing an all-words query --------------------------------------------------------

# Explicit operators say "all of these": a query using one is never relaxed.
_EXPLICIT = re.compile(r'"|(^|\s)\+|\bAND\b|&&')


def relax(parsed: ParsedQuery, found: int = 0) -> ParsedQuery | None:
    """The query matching most rather than all of its words, or None when it cannot be
    relaxed: fewer than two plain words, or an explicit AND, quotes or ``+``.

    Only the plain words (on the default fields) become optional; exclusions and field
    terms stay as they were. "Most" is all but a third of them (at least one): 2 words
    need 1, 3 need 2, 6 need 4. ``found`` is how many documents have every word (the
    note says so).
    """
    node = parsed.node
    if not isinstance(node, And) or node.should or _EXPLICIT.search(parsed.text):
        return None
    plain = [
        i for i in node.items if isinstance(i, Term | Phrase | Prefix | Fuzzy) and i.field is None
    ]
    if len(plain) < 2:
        return None
    rest = tuple(i for i in node.items if i not in plain)
    minimum = max(1, len(plain) - max(1, len(plain) // 3))
    relaxed = AtLeast(tuple(plain), minimum)
    if found:
        have = f"Only {found} document{'s have' if found > 1 else ' has'} all {len(plain)}"
    else:
        have = f"No document has all {len(plain)}"
    note = (
        f"{have} of your words, so these results have at least {minimum} of them; "
        "documents with more of your words come first."
    )
    return ParsedQuery(
        parsed.text,
        And((relaxed, *rest)) if rest else relaxed,
        parsed.lenient,
        (*parsed.notes, note),
    )


# --- parsing ---------------------------------------------------------------------------


def parse(text: str | None) -> ParsedQuery:
    """Parse a user's query; raises QueryError only for what cannot be honoured.

    Parsed queries are immutable, so the most recent ones are remembered: reading a
    query with luqum costs more than a search for a rare word."""
    return _parse_cached((text or "").strip())


@functools.lru_cache(maxsize=2048)
def _parse_cached(text: str) -> ParsedQuery:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is too long ({len(text)} characters); the limit is {MAX_QUERY_CHARS}."
        )
    if not text:
        return ParsedQuery(text, MatchAll())
    notes: list[str] = []
    try:
        return _parse(text, notes)
    except QueryError:
        raise
    except (ValueError, OverflowError, RecursionError) as exc:
        # luqum and the date arithmetic raise these for values out of any sane range
        # ("a b"~1.5, ~99999999999, date:>9999-12-31): say so instead of failing.
        raise QueryError(f"This query cannot be read: {exc}.") from None


def _parse(text: str, notes: list[str]) -> ParsedQuery:
    try:
        tree = _luqum_parser.parse(_symbolic_operators(text))
    except (ParseError, IllegalCharacterError) as exc:
        node = _lenient(text)
        notes.append(
            f"Read as plain words because the query syntax is incomplete ({_why(text, exc)})."
        )
        return ParsedQuery(text, _check_size(node), lenient=True, notes=tuple(notes))
    node = _Normaliser(notes).convert(tree, None)
    if node is None:
        raise QueryError("There are no words to search for in this query.")
    return ParsedQuery(text, _check_size(node), lenient=bool(notes), notes=tuple(notes))


def _check_size(node: Node) -> Node:
    n = sum(1 for _ in leaves(node))
    if n > MAX_CLAUSES:
        raise QueryError(f"The query has {n} terms; the limit is {MAX_CLAUSES}.")
    return node


_QUOTED = re.compile(r'"(?:\\.|[^"\\])*"')


def _symbolic_operators(text: str) -> str:
    """Rewrite ``&&``/``||`` (which luqum reads as words) to AND/OR outside quotes."""
    out, last = [], 0
    for m in _QUOTED.finditer(text):
        out.append(_swap_ops(text[last : m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(_swap_ops(text[last:]))
    return "".join(out)


def _swap_ops(chunk: str) -> str:
    return re.sub(r"(?<=\s)\|\|(?=\s)", "OR", re.sub(r"(?<=\s)&&(?=\s)", "AND", chunk))


def _why(text: str, exc: Exception) -> str:
    if text.count('"') % 2:
        return "a quote is not closed"
    if text.count("(") != text.count(")"):
        return "brackets do not pair up"
    if text.count("[") + text.count("{") != text.count("]") + text.count("}"):
        return "range brackets do not pair up"
    if re.search(r"(^|\s)(AND|OR|NOT)(\s*$|\s+(AND|OR)\b)", text) or re.match(
        r"^\s*(AND|OR)\b", text
    ):
        return "AND, OR or NOT needs a word on each side"
    if re.search(r"\w:\s*$", text):
        return "a field name has no value"
    return "unexpected character"


_OPERATOR_WORDS = {"AND", "OR", "NOT", "&&", "||", "!"}


def _lenient(text: str) -> Node:
    """Every whitespace-separated chunk as a plain word (or word phrase), ANDed."""
    chunks = [c.strip('"()[]{}^~:!+-*\\/') for c in text.split()]
    chunks = [c for c in chunks if c]
    content = [c for c in chunks if c not in _OPERATOR_WORDS] or chunks
    items = [n for n in (_plain(c, None) for c in content) if n is not None]
    if not items:
        raise QueryError("There are no words to search for in this query.")
    return items[0] if len(items) == 1 else And(tuple(items))


def _plain(value: str, field_name: str | None) -> Node | None:
    """A literal word: a Term when it is one word, else the phrase of its words."""
    parts = words(value)
    if not parts:
        return None
    if len(parts) == 1 and field_name not in KEYWORD_FIELDS:
        return Term(parts[0], field_name)
    if field_name in KEYWORD_FIELDS:
        return Term(keyword_value(field_name, value), field_name)
    return Phrase(value, field_name)


def keyword_value(field_name: str, value: str) -> str:
    """A code as the index holds it: an FOI state's name for its label or a synonym
    (``status:refused`` finds ``rejected``), other codes stripped."""
    if field_name == "status":
        return foi_state(value)
    return value.strip()


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


class _Normaliser:
    """luqum tree -> our AST, checking fields and values on the way."""

    def __init__(self, notes: list[str]):
        self.notes = notes

    def convert(self, n, fld: str | None) -> Node | None:
        for types, method in _CONVERSIONS:  # in order: some luqum classes share bases
            if isinstance(n, types):
                return method(self, n, fld)
        raise QueryError(f"This query uses syntax that is not supported: {n}.")

    def group(self, n, fld: str | None) -> Node | None:
        return self.convert(n.expr, fld)

    def conjunction(self, n, fld: str | None) -> Node | None:
        return self.boolean(n.children, fld, conj=True)

    def disjunction(self, n, fld: str | None) -> Node | None:
        return self.boolean(n.children, fld, conj=False)

    def negation(self, n, fld: str | None) -> Node | None:
        inner = self.convert(n.a, fld)
        return None if inner is None else _negate(inner)

    def required(self, n, fld: str | None) -> Node | None:
        return self.convert(n.a, fld)

    def boost(self, n, fld: str | None) -> Node | None:
        inner = self.convert(n.expr, fld)
        if inner is None:
            return None
        factor = float(n.force)
        if not 0 < factor <= MAX_BOOST:
            raise QueryError(f"A boost (^) must be above 0 and at most {MAX_BOOST:g}.")
        return Boost(inner, factor)

    def proximity(self, n, fld: str | None) -> Node | None:
        return self.phrase(n.term, fld, slop=int(n.degree))

    def exact_phrase(self, n, fld: str | None) -> Node | None:
        return self.phrase(n, fld, slop=0)

    def bare_word(self, n, fld: str | None) -> Node | None:
        return self.word(n.value, fld)

    def regex(self, n, fld: str | None) -> Node | None:
        raise QueryError("Regular expressions (/…/) are not supported; use a prefix such as scor*.")

    def boolean(self, children, fld: str | None, *, conj: bool) -> Node | None:
        if not conj and any(isinstance(c, lq.Plus) for c in children):
            # Lucene: in an OR group, +x is required and the others only add score.
            must = [self.convert(c, fld) for c in children if isinstance(c, lq.Plus)]
            rest = [self.convert(c, fld) for c in children if not isinstance(c, lq.Plus)]
            must = [m for m in must if m is not None]
            rest = [r for r in rest if r is not None]
            return And(tuple(must), should=tuple(rest)) if must else None
        items = [c for c in (self.convert(ch, fld) for ch in children) if c is not None]
        if not items:
            return None
        if len(items) == 1:
            return items[0]
        kind = And if conj else Or
        flat: list = []
        for item in items:
            if isinstance(item, kind) and not getattr(item, "should", ()):
                flat.extend(item.items)
            else:
                flat.append(item)
        return kind(tuple(flat))

    def search_field(self, n: lq.SearchField, outer: str | None) -> Node | None:
        name = FIELD_ALIASES.get(n.name.lower())
        if name is None:
            self.notes.append(
                f"“{n.name}:” is not a field, so it was read as plain words "
                f"(fields are {FIELD_HELP})."
            )
            inner = n.expr
            if isinstance(inner, lq.Word | lq.Phrase):
                value = inner.value.strip('"')
                return _plain(f"{n.name} {_unescape(value)}", outer)
            rest = self.convert(inner, outer)
            head = _plain(n.name, outer)
            items = [x for x in (head, rest) if x is not None]
            return items[0] if len(items) == 1 else (And(tuple(items)) if items else None)
        if outer is not None:
            raise QueryError(f"Fields cannot be nested ({outer}: contains {n.name}:).")
        return self.convert(n.expr, name)

    def word(self, raw: str, fld: str | None) -> Node | None:
        value = raw
        if value.startswith("!") and len(value) > 1:
            inner = self.word(value[1:], fld)
            return None if inner is None else _negate(inner)
        if fld in RANGE_FIELDS:
            return self.range_value(fld, _unescape(value))
        unescaped_wild = re.sub(r"\\.", "", value)
        if value.endswith("?") and "?" not in unescaped_wild.rstrip("?") and words(value):
            # "what is mosaic?": a closing question mark is punctuation, not a wildcard.
            value = value.rstrip("?")
            unescaped_wild = unescaped_wild.rstrip("?")
        if value == "*":
            return MatchAll() if fld is None else _exists(fld)
        if "*" in unescaped_wild or "?" in unescaped_wild:
            body = value[:-1]
            if (
                value.endswith("*")
                and "*" not in re.sub(r"\\.", "", body)
                and "?" not in re.sub(r"\\.", "", body)
            ):
                prefix = _unescape(body)
                if not words(prefix):
                    raise QueryError(f"“{raw}”: a prefix search needs letters before the *.")
                if fld in KEYWORD_FIELDS:
                    return Prefix(prefix.strip().lower(), fld)
                return Prefix(prefix, fld)
            raise QueryError(
                f"“{raw}”: wildcards can only end a word, as in scor*; "
                "? and a * at the start or inside a word are not supported."
            )
        return _plain(_unescape(value), fld)

    def phrase(self, n, fld: str | None, *, slop: int) -> Node | None:
        if not isinstance(n, lq.Phrase):
            raise QueryError('Proximity (~N) applies to a quoted phrase, as in "a b"~3.')
        value = _unescape(n.value[1:-1] if n.value.startswith('"') else n.value)
        if fld in RANGE_FIELDS:
            return self.range_value(fld, value.strip())
        if not words(value):
            return None
        if fld in KEYWORD_FIELDS:
            return Term(keyword_value(fld, value), fld)
        if slop > MAX_SLOP:
            raise QueryError(
                f"Proximity ~{slop} is wider than this search allows (at most ~{MAX_SLOP})."
            )
        return Phrase(value, fld, max(0, slop))

    def fuzzy(self, n: lq.Fuzzy, fld: str | None) -> Node | None:
        if not isinstance(n.term, lq.Word):
            raise QueryError("Fuzzy search (~) applies to a single word, as in experian~.")
        if fld in RANGE_FIELDS | KEYWORD_FIELDS:
            raise QueryError(f"Fuzzy search (~) does not apply to {fld}:.")
        value = _unescape(n.term.value)
        parts = words(value)
        if len(parts) != 1:
            raise QueryError(f"Fuzzy search (~) applies to one word; “{value}” is several.")
        word = parts[0]
        degree = n.degree
        if getattr(n, "_implicit_degree", False) or Decimal(degree) < 1:
            distance = 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2  # Lucene's AUTO
        else:
            distance = min(int(degree), MAX_FUZZY_DISTANCE)
        return Fuzzy(word, fld, distance)

    def range(self, n, fld: str | None) -> Node:
        if fld not in RANGE_FIELDS:
            raise QueryError(
                "Ranges work on year: and date:, as in year:[2017 TO 2019] or date:>=2020-01-01."
            )
        if isinstance(n, lq.Range):
            low = self.bound(fld, n.low, low=True, inclusive=n.include_low)
            high = self.bound(fld, n.high, low=False, inclusive=n.include_high)
        elif isinstance(n, lq.From):
            low, high = self.bound(fld, n.a, low=True, inclusive=n.include), None
        else:
            low, high = None, self.bound(fld, n.a, low=False, inclusive=n.include)
        if low is not None and high is not None and low > high:
            raise QueryError(f"In this {fld} range the start comes after the end.")
        return Range(fld, low, high)

    def bound(self, fld: str, term, *, low: bool, inclusive: bool):
        value = _unescape(term.value.strip('"'))
        if value == "*":
            return None
        first, last = _span(fld, value)
        if low:
            return first if inclusive else _after(fld, last)
        return last if inclusive else _before(fld, first)

    def range_value(self, fld: str, value: str) -> Node:
        if value == "*":
            return _exists(fld)
        first, last = _span(fld, value)
        return Range(fld, first, last)


# luqum node class(es) -> how _Normaliser reads them, tried in this order.
_CONVERSIONS = (
    ((lq.Group, lq.FieldGroup), _Normaliser.group),
    (lq.SearchField, _Normaliser.search_field),
    ((lq.AndOperation, lq.UnknownOperation), _Normaliser.conjunction),
    (lq.OrOperation, _Normaliser.disjunction),
    ((lq.Not, lq.Prohibit), _Normaliser.negation),
    (lq.Plus, _Normaliser.required),
    (lq.Boost, _Normaliser.boost),
    (lq.Proximity, _Normaliser.proximity),
    (lq.Fuzzy, _Normaliser.fuzzy),
    (lq.Phrase, _Normaliser.exact_phrase),
    (lq.Word, _Normaliser.bare_word),
    ((lq.Range, lq.From, lq.To), _Normaliser.range),
    (lq.Regex, _Normaliser.regex),
)


def _negate(node: Node) -> Node:
    return node.item if isinstance(node, Not) else Not(node)


def _exists(fld: str) -> Node:
    if fld in RANGE_FIELDS:
        return Range(fld, None, None)
    raise QueryError(f"{fld}:* is not supported; search for a value instead.")


def _span(fld: str, value: str):
    """The first and last value a year or (partial) date covers."""
    if fld == "year":
        if not re.fullmatch(r"\d{4}", value):
            raise QueryError(f"year: expects a four-digit year such as 2019, not “{value}”.")
        return int(value), int(value)
    m = _DATE_RE.match(value)
    if not m:
        raise QueryError(
            f"date: expects a date such as 2020-01-31, 2020-01 or 2020, not “{value}”."
        )
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if mo is None:
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if d is None:
            mo_i = int(mo)
            return dt.date(y, mo_i, 1), dt.date(y, mo_i, calendar.monthrange(y, mo_i)[1])
        day = dt.date(y, int(mo), int(d))
    except ValueError:
        raise QueryError(f"date: “{value}” is not a real date.") from None
    return day, day


def _after(fld: str, value):
    return value + 1 if fld == "year" else value + dt.timedelta(days=1)


def _before(fld: str, value):
    return value - 1 if fld == "year" else value - dt.timedelta(days=1)
