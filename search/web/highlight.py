"""Safe highlighting: backend snippets checked tag by tag, and page text marked by us.

The rule on every public page: text from documents is escaped first, and the only
markup we add is ``<mark>``. Snippets from a backend are supposed to arrive that
way already; ``safe_snippet`` does not trust that and rebuilds them.

The document page marks every hit on every page, which the engines' snippets do not
give us, so ``HitMatcher`` finds them with the engines' rules (see its docstring).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import tantivy
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from search.query import Fuzzy, Phrase, Prefix, QueryError, Term, fold, parse, text_leaves, words

_MARK_TAG = re.compile(r"(<mark>|</mark>)", re.IGNORECASE)


def safe_snippet(snippet_html: str) -> SafeString:
    """Rebuild a snippet so that it holds escaped text and balanced <mark> tags only.

    Every stretch between mark tags is unescaped and escaped again: properly escaped
    text comes out the same, and anything else (a raw ``<script>``, a stray quote) comes
    out inert.
    """
    out: list[str] = []
    open_ = False
    for part in _MARK_TAG.split(snippet_html or ""):
        low = part.lower()
        if low == "<mark>":
            if not open_:
                out.append("<mark>")
                open_ = True
        elif low == "</mark>":
            if open_:
                out.append("</mark>")
                open_ = False
        elif part:
            out.append(escape(html.unescape(part)))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - built above from escaped parts and <mark>


def plain_snippet(snippet_html: str) -> str:
    """A snippet as plain text (for CSV and JSON consumers that want no markup)."""
    return " ".join(html.unescape(_MARK_TAG.sub("", snippet_html or "")).split())


# --- marking hits in page text ------------------------------------------------------------

_W = r"[^\W_]"  # a word character, as the engines' tokenisers see it
_START = rf"(?<!{_W})"
_END = rf"(?!{_W})"
_SEP = r"[\W_]+"
_STEMMER = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.ascii_fold())
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """The English stem the index gives a (folded) word."""
    tokens = _STEMMER.analyze(word)
    return tokens[0] if tokens else word


class _Fold(dict):
    """str.translate table folding each character to one lower-case character, so
    offsets in the folded text are offsets in the original."""

    def __missing__(self, code: int) -> str:
        folded = fold(chr(code))
        if len(folded) != 1:
            folded = chr(code).lower()
            folded = folded if len(folded) == 1 else chr(code)
        self[code] = folded
        return folded


_FOLD = _Fold()


def _fold_same_length(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_FOLD)


def _within(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein (optimal string alignment) distance of a and b is <= limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


def _stem_base(stem: str) -> str:
    # English stems differ from their words at most in the last letter
    # (famili/family, use/using), so every form of a stem starts with this.
    return stem[:-1] if len(stem) > 3 else stem[:2]


@dataclass(frozen=True)
class HitMatcher:
    """Where a query's words are in page text, by the rules the engines match them.

    Reads the query's positive text leaves (the AST both backends compile): a bare word
    matches every word with the same English stem (tantivy's stemmer); phrases (with
    their slop), prefixes and fuzzy words match the unstemmed, accent-folded words.
    Regular expressions find candidates in C; Python only checks candidate words.
    """

    stems: frozenset[str]
    patterns: tuple[re.Pattern, ...]  # phrases and prefixes
    fuzzy: tuple[tuple[str, int, re.Pattern], ...]
    stem_re: re.Pattern | None = None

    @classmethod
    def for_query(cls, q: str) -> HitMatcher:
        """A matcher for a raw query; an unparseable query highlights nothing."""
        try:
            node = parse(q).node
        except QueryError:
            return cls(frozenset(), (), ())
        stems: set[str] = set()
        patterns: list[re.Pattern] = []
        fuzzy: list[tuple[str, int, re.Pattern]] = []
        for leaf in text_leaves(node):
            ws = [fold(w) for w in words(leaf.text)]
            if not ws:
                continue
            if isinstance(leaf, Term) and len(ws) == 1:
                stems.add(_stem(ws[0]))
            elif isinstance(leaf, Fuzzy):
                w, d = ws[0], leaf.distance
                lo, hi = max(1, len(w) - d), len(w) + d
                fuzzy.append((w, d, re.compile(rf"{_START}{_W}{{{lo},{hi}}}{_END}")))
            else:  # phrase, multi-word term (e-mail), prefix or phrase prefix
                slop = leaf.slop if isinstance(leaf, Phrase) else 0
                patterns.append(_phrase_re(ws, slop, prefix_last=isinstance(leaf, Prefix)))
        stem_re = None
        if stems:
            bases = sorted({_stem_base(s) for s in stems}, key=len, reverse=True)
            stem_re = re.compile(rf"{_START}(?:{'|'.join(map(re.escape, bases))}){_W}*")
        return cls(frozenset(stems), tuple(patterns), tuple(fuzzy), stem_re)

    @property
    def empty(self) -> bool:
        return not (self.stems or self.patterns or self.fuzzy)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of every hit in ``text``, sorted and merged."""
        if self.empty or not text:
            return []
        folded = _fold_same_length(text)
        found: list[tuple[int, int]] = []
        if self.stem_re is not None:
            for m in self.stem_re.finditer(folded):
                if _stem(m.group()) in self.stems:
                    found.append(m.span())
        for pattern in self.patterns:
            for m in pattern.finditer(folded):
                found.append((m.start(1), m.end(pattern.groups)))
        for word, distance, candidates in self.fuzzy:
            for m in candidates.finditer(folded):
                if _within(m.group(), word, distance):
                    found.append(m.span())
        return merge_spans(found, text)


def _phrase_re(ws: list[str], slop: int, *, prefix_last: bool) -> re.Pattern:
    """Words in order, separated by non-word characters and up to ``slop`` other words."""
    gap = rf"(?:{_SEP}{_W}+){{0,{slop}}}?{_SEP}" if slop else _SEP
    parts = []
    for i, w in enumerate(ws):
        last = i == len(ws) - 1
        body = re.escape(w) + (f"{_W}*" if last and prefix_last else "")
        parts.append(f"({body}){_END}")
    return re.compile(_START + gap.join(parts))


def merge_spans(spans: list[tuple[int, int]], text: str = "") -> list[tuple[int, int]]:
    """Sorted spans with overlaps joined; words separated by a space or two also join,
    so "predictive analytics" counts as one hit, not two."""
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and (s <= out[-1][1] or _only_space(text, out[-1][1], s)):
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _only_space(text: str, start: int, end: int) -> bool:
    return bool(text) and 0 < end - start <= 2 and text[start:end].isspace()


def mark_spans(
    text: str, spans: list[tuple[int, int]], first_hit: int = 1, current: int = 0
) -> SafeString:
    """Escape the text, then wrap each span in <mark id="hit-N">, numbering from first_hit."""
    out: list[str] = []
    pos = 0
    n = first_hit
    for s, e in spans:
        out.append(escape(text[pos:s]))
        cls = ' class="current"' if n == current else ""
        out.append(f'<mark id="hit-{n}"{cls}>{escape(text[s:e])}</mark>')
        pos = e
        n += 1
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of document text is escaped
