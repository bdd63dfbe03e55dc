"""The embedded index's schema, analysers, and the AST -> tantivy query compiler.

Queries are built programmatically; tantivy's own query parser is never used (it
mis-reads ``a AND NOT b`` and single-term ``abc*``). Building a query needs the schema
and, for stemmed words, an :class:`Expander`; never a live index, so the compiler is
tested without one.

English stemming happens at query time. The text is indexed once, unstemmed, with
positions; a bare word is expanded to every indexed word with the same English stem
(``family`` -> ``families``, ``family``) found in the term dictionary. Matching is the
same as with a second, stemmed copy of the text, which cost 2.7x the indexing CPU
per document on the benchmark corpus (benchmarks/search.py) and missed the rebuild
target; phrases, prefixes and fuzzy words use the unstemmed words directly. The
analysers and the stemmer live in search/analysis.py, shared with the highlighter.

Two indexes make one generation (see embedded.py). ``SCHEMA`` is the searchable one:
  ``title`` ``text``             words, lower-cased and accent-folded, with positions
  ``about``                      the same, over IndexDoc.about(): names, aliases,
                                 references, file names (default fields, not shown)
  ``council`` ``company`` ``system`` ``source_type`` ``foi_status`` ``file_type``
  ``availability``
                                 whole values, fast: facets and filters
  ``*_text``                     the names split into words, for ``council:bristol``
  ``year`` ``date``              ranges; ``sort_new``/``sort_old`` date sort keys,
                                 unique (the id breaks ties), fast
  ``meta``                       JSON of what a hit shows (title, display fields), stored

``PAGES_SCHEMA`` holds each document's page texts (``id``, stored ``pages`` JSON), read
only for the hits that need snippets. Stored fields are read a whole document at a
time, so keeping page texts out of the searchable index lets a scan read every hit's
display fields at about ten times the rate.
"""

from __future__ import annotations

import datetime as dt
import re

import tantivy
from tantivy import Occur, Query

from search.analysis import EXACT_ANALYZER, stem, stem_prefixes
from search.backends.budget import MAX_EXPANDED_TERMS
from search.query import (
    And,
    AtLeast,
    Boost,
    Fuzzy,
    MatchAll,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryError,
    Range,
    Term,
    leaves,
)

ANALYZERS = {"ds_words": EXACT_ANALYZER}

# Facet name -> fast field holding whole values.
FACET_FIELDS = {
    "council": "council",
    "company": "company",
    "system": "system",
    "source_type": "source_type",
    "foi_status": "foi_status",
    "file_type": "file_type",
    "year": "year",
    "availability": "availability",
}
# Query field -> full-text fields, with boosts.
TEXT_TARGETS = {
    # Title, then what the document is about (bodies, aliases, references, file names),
    # then the body text.
    None: (("title", 2.0), ("about", 1.5), ("text", 1.0)),
    "title": (("title", 1.0),),
    "text": (("text", 1.0),),
}
NAME_TARGETS = {"council": "council_text", "company": "company_text", "system": "system_text"}
KEYWORD_TARGETS = {"status": "foi_status", "type": "file_type", "availability": "availability"}
# Facets whose one value per document is a short code (a raw, fast field each).
KEYWORD_FACETS = ("source_type", "foi_status", "file_type", "availability")
MISSING_SORT_KEY = -(2**62)  # documents without a date sort last either way
_LOW = 0xFFFFFFFF


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for name in ("title", "text", "about"):
        sb.add_text_field(name, tokenizer_name="ds_words", index_option="position")
    for name in ("council", "company", "system", *KEYWORD_FACETS):
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for name in (*NAME_TARGETS.values(), "sources_text"):
        sb.add_text_field(name, tokenizer_name="ds_words", index_option="position")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_date_field("date", indexed=True, fast=True)
    sb.add_integer_field("sort_new", fast=True)
    sb.add_integer_field("sort_old", fast=True)
    sb.add_bytes_field("meta", stored=True)
    return sb.build()


def build_pages_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", indexed=True, fast=True)
    sb.add_bytes_field("pages", stored=True)
    return sb.build()


SCHEMA = build_schema()
PAGES_SCHEMA = build_pages_schema()


def sort_keys(date: dt.date | None, doc_id: int) -> tuple[int, int]:
    """Keys for newest-first and oldest-first, both read in descending order.

    Every key is unique, so "the hits after this key" is exact. Dated documents come
    first either way, ties broken by id as Elasticsearch's sorts break them (newest:
    id descending; oldest: id ascending); undated ones follow, newest: id descending,
    oldest: id ascending.
    """
    low = doc_id & _LOW
    if date is None:
        return MISSING_SORT_KEY + low, MISSING_SORT_KEY - low
    base = date.toordinal() << 32
    return base + low, -(base + low)


SHORT_PREFIX_LIMIT = 5000
MAX_MEMO = 20_000  # stem families an Expander remembers
MIN_PREFIX_SHARE = 20  # a prefix always searches at least its most frequent words
MATCHED_WEIGHT = 10_000.0  # per matched word of a relaxed query (see search.query.relax)


class Expander:
    """Indexed words sharing a word's English stem, from a term dictionary.

    ``terms_with_prefix(field, prefix)`` is tantivy's Searcher method or, in tests,
    anything that answers like it.
    """

    def __init__(self, terms_with_prefix):
        self._terms = terms_with_prefix
        self._memo: dict[tuple[str, str], tuple[str, ...]] = {}

    @classmethod
    def from_searcher(cls, searcher: tantivy.Searcher) -> Expander:
        def terms(field: str, prefix: str):
            # A one- to three-letter prefix can cover a large share of the dictionary;
            # its most frequent words are enough there (the cost stays bounded).
            limit = SHORT_PREFIX_LIMIT if len(prefix) <= 3 else None
            return searcher.terms_with_prefix(field, prefix, limit=limit)

        return cls(terms)

    @classmethod
    def from_words(cls, words) -> Expander:
        """An expander over a fixed vocabulary (the same for every field)."""
        vocabulary = sorted({w for t in words for w in EXACT_ANALYZER.analyze(t)})
        return cls(lambda field, prefix: [(w, 1) for w in vocabulary if w.startswith(prefix)])

    def prefix_terms(self, field: str, prefix: str) -> list[tuple[str, int]]:
        """Indexed words starting with ``prefix``, most frequent first."""
        return sorted(self._terms(field, prefix), key=lambda tc: (-tc[1], tc[0]))

    def forms(self, field: str, word: str) -> tuple[str, ...]:
        """Indexed forms of ``word`` in ``field`` (its stem's family), sorted."""
        key = (field, word)
        if key not in self._memo:
            if len(self._memo) >= MAX_MEMO:  # shared between searches: stay bounded
                self._memo.clear()
            tokens = EXACT_ANALYZER.analyze(word)
            target = stem(tokens[0]) if len(tokens) == 1 else None
            found = set(tokens[:1])
            if target:
                for prefix in stem_prefixes(target):
                    for term, _ in self._terms(field, prefix):
                        if stem(term) == target:
                            found.add(term)
            self._memo[key] = tuple(sorted(found))
        return self._memo[key]


# --- compiler -------------------------------------------------------------------------


def compile_query(
    node: Node,
    expander: Expander | None = None,
    schema: tantivy.Schema = SCHEMA,
    notes: list[str] | None = None,
) -> Query:
    """AST -> tantivy Query. Without an expander, words match only themselves and
    prefixes are matched by the engine; with one, prefixes expand to at most
    MAX_EXPANDED_TERMS indexed words over the whole query (the most frequent first),
    and ``notes`` gets a sentence when a prefix was cut."""
    compiler = _Compiler(schema, expander)
    prefixes = sum(1 for leaf in leaves(node) if isinstance(leaf, Prefix))
    # Each prefix, on each field it searches, gets an equal share of the budget.
    compiler.share = max(MIN_PREFIX_SHARE, MAX_EXPANDED_TERMS // max(1, 3 * prefixes))
    query = compiler.compile(node)
    if notes is not None and compiler.cut:
        notes.append(
            f"{', '.join(sorted(compiler.cut))} matched more words than one search may "
            f"expand to ({MAX_EXPANDED_TERMS:,} in all, shared between its prefixes); "
            "the most frequent were searched."
        )
    return query


def conjunction(queries: list[Query]) -> Query:
    """All of ``queries`` (match-all when empty)."""
    if not queries:
        return Query.all_query()
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Must, q) for q in queries])


def filter_query(facet: str, values: list[str], schema: tantivy.Schema = SCHEMA) -> Query:
    """Documents having any of ``values`` for ``facet`` (scoring nothing)."""
    field = FACET_FIELDS[facet]
    typed = [int(v) for v in values] if facet == "year" else list(values)
    return Query.const_score_query(Query.term_set_query(schema, field, typed), 0.0)


def date_filter(
    date_from: dt.date | None, date_to: dt.date | None, schema: tantivy.Schema = SCHEMA
) -> Query | None:
    if date_from is None and date_to is None:
        return None
    return Query.const_score_query(_date_range(schema, date_from, date_to), 0.0)


def _date_range(schema, low: dt.date | None, high: dt.date | None) -> Query:
    lo = dt.datetime(low.year, low.month, low.day) if low else None
    hi = dt.datetime(high.year, high.month, high.day) if high else None
    return Query.range_query(schema, "date", tantivy.FieldType.Date, lo, hi)


_REGEX_META = re.compile(r"([\\.+*?()|\[\]{}^$#&\-~])")


def _regex_prefix(prefix: str) -> str:
    return _REGEX_META.sub(r"\\\1", prefix) + ".*"


class _Compiler:
    def __init__(self, schema: tantivy.Schema, expander: Expander | None):
        self.schema = schema
        self.expanding = expander is not None
        self.expander = expander or Expander(lambda field, prefix: [])
        self.expanded = 0  # words all prefixes have expanded to so far
        self.share = MAX_EXPANDED_TERMS  # words one prefix may expand to on one field
        self.cut: set[str] = set()  # prefixes that had more words than the budget left

    def compile(self, node: Node) -> Query:
        if isinstance(node, MatchAll):
            return Query.all_query()
        if isinstance(node, And):
            must = [self.compile(i) for i in node.items if not isinstance(i, Not)]
            must_not = [self.compile(i.item) for i in node.items if isinstance(i, Not)]
            should = [self.compile(i) for i in node.should]
            if not must:
                must = [Query.all_query()]
            clauses = [(Occur.Must, q) for q in must]
            clauses += [(Occur.MustNot, q) for q in must_not]
            clauses += [(Occur.Should, q) for q in should]
            return Query.boolean_query(clauses)
        if isinstance(node, Or):
            return Query.boolean_query([(Occur.Should, self.compile(i)) for i in node.items])
        if isinstance(node, AtLeast):
            # Each matching item adds MATCHED_WEIGHT, far above a relevance score: the
            # count of matched items ranks first, relevance within the same count.
            items = []
            for item in node.items:
                q = self.compile(item)
                bonus = Query.const_score_query(q, MATCHED_WEIGHT)
                items.append(
                    (Occur.Should, Query.boolean_query([(Occur.Should, bonus), (Occur.Should, q)]))
                )
            return Query.boolean_query(items, minimum_number_should_match=node.minimum)
        if isinstance(node, Not):
            return Query.boolean_query(
                [(Occur.Must, Query.all_query()), (Occur.MustNot, self.compile(node.item))]
            )
        if isinstance(node, Boost):
            return Query.boost_query(self.compile(node.item), node.factor)
        if isinstance(node, Range):
            return self.range(node)
        if isinstance(node, Term | Phrase | Prefix | Fuzzy):
            return self.leaf(node)
        raise QueryError(f"Cannot compile {node!r}.")

    def range(self, node: Range) -> Query:
        if node.low is None and node.high is None:
            return Query.exists_query(node.field)
        if node.field == "year":
            return Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer, node.low, node.high
            )
        return _date_range(self.schema, node.low, node.high)

    def leaf(self, node) -> Query:
        f = node.field
        if f in TEXT_TARGETS:
            targets = TEXT_TARGETS[f]
            if isinstance(node, Term) and len(EXACT_ANALYZER.analyze(node.text)) == 1:
                return _any([(self.stemmed(fld, node.text), b) for fld, b in targets])
            return _any([(self.exact(fld, node), b) for fld, b in targets])
        if f in NAME_TARGETS:
            return self.exact(NAME_TARGETS[f], node)
        if f in KEYWORD_TARGETS:
            return self.keyword(KEYWORD_TARGETS[f], node)
        if f == "source":
            alternatives = [self.exact("sources_text", node)]
            if not isinstance(node, Fuzzy):
                alternatives.append(self.keyword("source_type", node))
            return _any([(q, 1.0) for q in alternatives])
        raise QueryError(f"Cannot search the field {f}.")

    def term(self, field: str, token: str) -> Query:
        return Query.term_query(self.schema, field, token)

    def stemmed(self, field: str, word: str) -> Query:
        """Any indexed form of the word's stem; each form scores on its own."""
        forms = self.expander.forms(field, word)
        if len(forms) == 1:
            return self.term(field, forms[0])
        return Query.boolean_query([(Occur.Should, self.term(field, t)) for t in forms])

    def exact(self, field: str, node) -> Query:
        """A leaf on an unstemmed, positional field."""
        tokens = EXACT_ANALYZER.analyze(node.text)
        if not tokens:
            return Query.empty_query()
        if isinstance(node, Prefix):
            if len(tokens) == 1:
                return self.prefix(field, tokens[0])
            return Query.phrase_prefix_query(self.schema, field, tokens)
        if isinstance(node, Fuzzy):
            if node.distance == 0:
                return self.term(field, tokens[0])
            return Query.fuzzy_term_query(self.schema, field, tokens[0], node.distance, True)
        if len(tokens) == 1:
            return self.term(field, tokens[0])
        slop = node.slop if isinstance(node, Phrase) else 0
        return Query.phrase_query(self.schema, field, tokens, slop)

    def prefix(self, field: str, token: str) -> Query:
        """Words starting with ``token``: the most frequent, within the query's budget."""
        if not self.expanding:
            return Query.regex_query(self.schema, field, _regex_prefix(token))
        left = min(self.share, max(MAX_EXPANDED_TERMS - self.expanded, MIN_PREFIX_SHARE))
        found = [t for t, _ in self.expander.prefix_terms(field, token)]
        if len(found) > left:
            self.cut.add(f"{token}*")
            found = found[: max(left, 0)]
        self.expanded += len(found)
        if not found:
            return Query.empty_query()
        return Query.term_set_query(self.schema, field, found)

    def keyword(self, field: str, node) -> Query:
        value = node.text.strip().lower()
        if isinstance(node, Prefix):
            return Query.regex_query(self.schema, field, _regex_prefix(value))
        if isinstance(node, Fuzzy):
            raise QueryError("Fuzzy search (~) does not apply to status: or type:.")
        return self.term(field, value)


def _any(weighted: list[tuple[Query, float]]) -> Query:
    """Documents matching any of the queries, scores summed (so title+text ranks higher)."""
    queries = [q if b == 1.0 else Query.boost_query(q, b) for q, b in weighted]
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Should, q) for q in queries])
