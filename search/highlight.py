"""Find where a parsed query matches page text, for engines that do not say.

tantivy's SnippetGenerator gives one fragment per field, nothing for prefix, fuzzy
or regex queries, and no page boundaries; so the embedded backend finds the match
spans itself with this module, and snippets.py cuts fragments from them.

Matching follows the index: text is compared lower-cased and accent-folded; a bare
word matches the indexed forms sharing its English stem (the caller says which, from
the term dictionary); phrases match their words in order, at most ``slop`` words
apart (or, for a sloppy phrase, all its words on the page); prefixes and fuzzy words
match whole words. Literal words are found with ``str.find`` (C speed); regular
expressions only confirm a candidate at a known position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from search.query import Fuzzy, Phrase, Prefix, Term, fold, text_leaves, words
from search.snippets import PageMatches, page_score

MAX_ANALYZED_CHARS = 1_000_000  # per page, as Elasticsearch's highlighter default
_W = r"[^\W_]"  # a word character as the tokenisers see it
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


class Highlighter:
    """Match spans of a query's positive text leaves in page text.

    ``forms(word)`` gives the folded word forms a bare word should mark (its stem's
    family in the index); by default a word marks only itself.
    """

    def __init__(self, node, forms: Callable[[str], Iterable[str]] | None = None):
        self._forms = forms or (lambda w: [fold(w)])
        self.literals: set[str] = set()
        # (first word, anchored pattern, per-word fallbacks for a sloppy phrase)
        self.phrases: list[tuple[str, re.Pattern, list[str]]] = []
        self.prefixes: list[str] = []
        self.fuzzy: list[tuple[str, int, re.Pattern]] = []
        for leaf in text_leaves(node):
            self._add(leaf)

    @property
    def empty(self) -> bool:
        return not (self.literals or self.phrases or self.prefixes or self.fuzzy)

    def _add(self, leaf) -> None:
        ws = words(fold(leaf.text))
        if not ws:
            return
        if isinstance(leaf, Term) and len(ws) == 1:
            self.literals.update(self._forms(leaf.text))
        elif isinstance(leaf, Prefix) and len(ws) == 1:
            self.prefixes.append(ws[0])
        elif isinstance(leaf, Fuzzy):
            w, d = ws[0], leaf.distance
            lo, hi = max(1, len(w) - d), len(w) + d
            self.fuzzy.append((w, d, re.compile(rf"(?<!{_W}){_W}{{{lo},{hi}}}{_END}")))
        elif len(ws) == 1:  # a one-word phrase: that exact word
            self.literals.add(ws[0])
        else:
            slop = leaf.slop if isinstance(leaf, Phrase) else 0
            loose = ws if slop else []
            self.phrases.append((ws[0], _phrase_re(ws, slop, isinstance(leaf, Prefix)), loose))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans in ``text`` that the query matched."""
        if self.empty or not text:
            return []
        folded = fold_same_length(text[:MAX_ANALYZED_CHARS])
        out: list[tuple[int, int]] = []
        for w in self.literals:
            out.extend((i, i + len(w)) for i in _starts(folded, w, whole=True))
        for p in self.prefixes:
            for i in _starts(folded, p, whole=False):
                out.append((i, _WORD_REST.match(folded, i + len(p)).end()))
        for first, pattern, loose in self.phrases:
            found = []
            for i in _starts(folded, first, whole=True):
                m = pattern.match(folded, i)
                if m:
                    found.extend(m.span(g) for g in range(1, pattern.groups + 1))
            if not found and loose:
                # A sloppy phrase also matches its words out of order (as in Lucene);
                # then mark the words, if the page has them all.
                per_word = [
                    [(i, i + len(w)) for i in _starts(folded, w, whole=True)] for w in loose
                ]
                if all(per_word):
                    found = [span for spans in per_word for span in spans]
            out.extend(found)
        for word, distance, candidates in self.fuzzy:
            memo: dict[str, bool] = {}
            for m in candidates.finditer(folded):
                w = m.group()
                if w not in memo:
                    memo[w] = osa_distance(w, word, distance) <= distance
                if memo[w]:
                    out.append(m.span())
        return out

    def pages(self, pages: list[tuple[int, str]]) -> list[PageMatches]:
        """PageMatches for every page with at least one match."""
        found = []
        for number, text in pages:
            spans = self.spans(text)
            if spans:
                found.append(PageMatches(number, text, spans, page_score(text, spans)))
        return found


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
