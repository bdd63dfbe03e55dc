"""Where a parsed query matches page text: the one highlighter, for every engine and page.

The embedded backend finds snippet marks and match counts with it (tantivy's snippet
generator gives one fragment per field, nothing for prefix, fuzzy or regex queries,
and no page boundaries), and the document page marks every hit with it, so a result
saying "12 matches" opens on a page saying "12 hits".

The rules are the index's (see search/analysis.py): text is compared lower-cased and
accent-folded; a bare word matches every word with the same English stem; phrases
match their words in order, at most ``slop`` words apart (a sloppy phrase also matches
its words out of order, as in Lucene, if the page holds them all); prefixes and fuzzy
words (transpositions cost one edit) match whole unstemmed words. Only the query's
positive words on the text fields count (not negated words, not ``title:`` words).

``query_spans(query, text)`` is the stable entry point: the hits a reader would count,
sorted, with the words of one phrase joined into one hit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from search.analysis import stem, stem_prefixes
from search.query import (
    Fuzzy,
    Node,
    ParsedQuery,
    Phrase,
    Prefix,
    QueryError,
    Term,
    fold,
    parse,
    text_leaves,
    words,
)
from search.snippets import PageMatches, merge_spans, page_score

MAX_ANALYZED_CHARS = 1_000_000  # per page, as Elasticsearch's highlighter default
_W = r"[^\W_]"  # a word character as the tokenisers see it
_START = rf"(?<!{_W})"
_END = rf"(?!{_W})"
_SEP = r"[\W_]+"
_WORD_REST = re.compile(rf"{_W}*")


class _FoldTable(dict):
    """str.translate table folding each character to one lower-case character,
    so offsets in the folded text are offsets in the original."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = fold(ch)
        if len(folded) != 1:
            lower = ch.lower()
            folded = lower if len(lower) == 1 else ch
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold_same_length(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_FOLD)


def osa_distance(a: str, b: str, limit: int) -> int:
    """Edit distance where swapping two neighbours costs one; stops above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    # Each edit removes at most one letter of ``a`` and adds at most one of ``b``, so
    # letters one word has and the other lacks each cost an edit (a cheap bound first).
    sa, sb = set(a), set(b)
    if len(sa - sb) > limit or len(sb - sa) > limit:
        return limit + 1
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
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _starts(text: str, word: str, *, whole: bool) -> Iterable[int]:
    """Offsets where ``word`` begins a word of ``text`` (and ends it, if ``whole``)."""
    n = len(word)
    i = text.find(word)
    while i != -1:
        if (i == 0 or not text[i - 1].isalnum()) and (
            not whole or i + n == len(text) or not text[i + n].isalnum()
        ):
            yield i
        i = text.find(word, i + 1)


def join_adjacent(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Spans sorted and merged, and words separated by a space or two joined, so
    "predictive analytics" is one hit, not two."""
    out: list[list[int]] = []
    for s, e in merge_spans(spans):
        if out and 0 < s - out[-1][1] <= 2 and text[out[-1][1] : s].isspace():
            out[-1][1] = e
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


class Highlighter:
    """Match spans of a query's positive text words in page text."""

    def __init__(self, node: Node):
        self.stems: set[str] = set()
        self.literals: set[str] = set()  # one-word phrases: that exact word
        # (first word, anchored pattern, per-word fallbacks for a sloppy phrase)
        self.phrases: list[tuple[str, re.Pattern, list[str]]] = []
        self.prefixes: list[str] = []
        # (word, distance, candidate pattern, memo of the words checked: one edit
        # distance per distinct word of every page this highlighter reads)
        self.fuzzy: list[tuple[str, int, re.Pattern, dict[str, bool]]] = []
        for leaf in text_leaves(node):
            self._add(leaf)
        # Every word with one of these stems starts with one of these prefixes.
        self._stem_starts = sorted({p for s in self.stems for p in stem_prefixes(s)})

    @property
    def empty(self) -> bool:
        return not (self.stems or self.literals or self.phrases or self.prefixes or self.fuzzy)

    def _add(self, leaf) -> None:
        ws = words(fold(leaf.text))
        if not ws:
            return
        if isinstance(leaf, Term) and len(ws) == 1:
            target = stem(ws[0])
            if target:
                self.stems.add(target)
        elif isinstance(leaf, Prefix) and len(ws) == 1:
            self.prefixes.append(ws[0])
        elif isinstance(leaf, Fuzzy):
            w, d = ws[0], leaf.distance
            lo, hi = max(1, len(w) - d), len(w) + d
            self.fuzzy.append((w, d, re.compile(rf"{_START}{_W}{{{lo},{hi}}}{_END}"), {}))
        elif len(ws) == 1:
            self.literals.add(ws[0])
        else:  # a phrase, a word with punctuation (e-mail) or a phrase prefix
            slop = leaf.slop if isinstance(leaf, Phrase) else 0
            loose = ws if slop else []
            self.phrases.append((ws[0], _phrase_re(ws, slop, isinstance(leaf, Prefix)), loose))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every matched word in ``text`` (unsorted; phrase words one by one)."""
        if self.empty or not text:
            return []
        folded = fold_same_length(text[:MAX_ANALYZED_CHARS])
        out: list[tuple[int, int]] = self._stemmed_spans(folded)
        for w in self.literals:
            out.extend((i, i + len(w)) for i in _starts(folded, w, whole=True))
        for p in self.prefixes:
            for i in _starts(folded, p, whole=False):
                out.append((i, _WORD_REST.match(folded, i + len(p)).end()))
        for first, pattern, loose in self.phrases:
            out.extend(_phrase_spans(folded, first, pattern, loose))
        for word, distance, candidates, memo in self.fuzzy:
            out.extend(_fuzzy_spans(folded, word, distance, candidates, memo))
        return out

    def _stemmed_spans(self, folded: str) -> list[tuple[int, int]]:
        """Words sharing a query word's stem: candidates found with str.find (C speed),
        then stemmed (cached)."""
        out: list[tuple[int, int]] = []
        stems, seen = self.stems, set()
        for p in self._stem_starts:
            for i in _starts(folded, p, whole=False):
                if i in seen:
                    continue
                seen.add(i)
                end = _WORD_REST.match(folded, i + len(p)).end()
                if stem(folded[i:end]) in stems:
                    out.append((i, end))
        return out

    def hits(self, text: str) -> list[tuple[int, int]]:
        """The hits a reader counts: sorted, merged, a phrase's words joined."""
        return join_adjacent(self.spans(text), text)

    def pages(self, pages: list[tuple[int, str]]) -> list[PageMatches]:
        """PageMatches for every page with at least one match."""
        found = []
        for number, text in pages:
            spans = self.spans(text)
            if spans:
                found.append(PageMatches(number, text, spans, page_score(text, spans)))
        return found


def _phrase_spans(folded: str, first: str, pattern, loose: list[str]) -> list[tuple[int, int]]:
    """A phrase's words where the phrase matches; for a sloppy phrase the pattern cannot
    place, every one of its words when all of them occur."""
    found = []
    for i in _starts(folded, first, whole=True):
        m = pattern.match(folded, i)
        if m:
            found.extend(m.span(g) for g in range(1, pattern.groups + 1))
    if not found and loose:
        per_word = [[(i, i + len(w)) for i in _starts(folded, w, whole=True)] for w in loose]
        if all(per_word):
            found = [span for spans in per_word for span in spans]
    return found


def _fuzzy_spans(
    folded: str, word: str, distance: int, candidates, memo: dict[str, bool]
) -> list[tuple[int, int]]:
    """Words within ``distance`` edits of ``word`` (each distinct word checked once
    for all the pages that share ``memo``)."""
    out = []
    for m in candidates.finditer(folded):
        w = m.group()
        if w not in memo:
            memo[w] = osa_distance(w, word, distance) <= distance
        if memo[w]:
            out.append(m.span())
    return out


def count_hits(pages: list[PageMatches]) -> int:
    """How many hits these pages hold, counted as ``Highlighter.hits`` counts them."""
    return sum(len(join_adjacent(p.spans, p.text)) for p in pages)


_EMPTY = Highlighter(parse("").node)


@lru_cache(maxsize=256)
def _for_text(query: str) -> Highlighter:
    try:
        return Highlighter(parse(query).node)
    except QueryError:
        return _EMPTY


def highlighter_for(query: str | ParsedQuery | Node) -> Highlighter:
    """A Highlighter for a raw query (an unusable one highlights nothing), parsed query or AST."""
    if isinstance(query, str):
        return _for_text(query.strip())
    if isinstance(query, ParsedQuery):
        return Highlighter(query.node)
    return Highlighter(query)


def query_spans(query: str | ParsedQuery | Node, text: str) -> list[tuple[int, int]]:
    """Spans of a query's hits in ``text``, by the rules the engines match with."""
    return highlighter_for(query).hits(text)


def _phrase_re(ws: list[str], slop: int, prefix_last: bool) -> re.Pattern:
    """Words in order from the match position, separated by non-word characters and
    up to ``slop`` other words."""
    gap = rf"(?:{_SEP}{_W}+){{0,{slop}}}?{_SEP}" if slop else _SEP
    parts = []
    for i, w in enumerate(ws):
        last = i == len(ws) - 1
        body = re.escape(w) + (f"{_W}*" if last and prefix_last else "")
        parts.append(f"({body}){_END}")
    return re.compile(gap.join(parts))
