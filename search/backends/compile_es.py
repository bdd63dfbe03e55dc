"""The Elasticsearch index definition and the AST/request -> query JSON compiler.

Pure functions of their arguments: no client, no server; tested as plain dicts.

Each page is a ``pages`` nested document (``include_in_parent`` also indexes the
text flat on the parent, so document-level queries such as ``a AND b`` match across
pages). A search asks for the best pages of each hit through ``inner_hits`` on a
score-neutral ``should`` clause, with whole-page highlights (``number_of_fragments:
0``, html encoder) that snippets.py cuts into fragments, so every snippet knows its
page. Text fields are English-stemmed with an ``.exact`` subfield (no stemming) for
phrases, prefixes and fuzzy words.
"""

from __future__ import annotations

import datetime as dt
import struct
from typing import Any

from search.backends.base import FACETS, MAX_COUNTED_PAGES, IndexDoc, SearchRequest
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
    fold,
    is_single_word,
    text_leaves,
)

MAX_ANALYZED_OFFSET = 1_000_000  # longest text the highlighter reads (> SECTION_CHARS)
SECTION_CHARS = 20_000  # longer pages are indexed in sections of this size

ANALYSIS = {
    # Porter2 (Snowball English), as tantivy and the highlighter stem: the "english"
    # stemmer is the older Porter, which finds "communication" for "community".
    "filter": {"ds_stemmer": {"type": "stemmer", "language": "porter2"}},
    # URLs and file names split at every non-alphanumeric (the standard tokenizer keeps
    # "www.whatdotheyknow.com" whole). osmem-server ignores "mapping" char filters and
    # mis-indexes "pattern"/"char_group" tokenizers; pattern_replace works on both.
    "char_filter": {
        "ds_split": {"type": "pattern_replace", "pattern": "[^\\p{L}\\p{N}]+", "replacement": " "}
    },
    "analyzer": {
        "ds_location": {
            "type": "custom",
            "char_filter": ["ds_split"],
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding"],
        },
        # No possessive_english filter: osmem-server's version of it makes every
        # token match. The standard tokenizer keeps "o'neill" whole anyway.
        "ds_english": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", "ds_stemmer"],
        },
        "ds_exact": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding"],
        },
    },
}
_TEXT = {
    "type": "text",
    "analyzer": "ds_english",
    "fields": {"exact": {"type": "text", "analyzer": "ds_exact"}},
}
_NAME = {"type": "keyword", "fields": {"text": {"type": "text", "analyzer": "ds_exact"}}}
MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "doc_id": {"type": "long"},
        "title": _TEXT,
        "about": _TEXT,  # IndexDoc.about(): names, aliases, references, file names
        "pages": {
            "type": "nested",
            "include_in_parent": True,
            "properties": {"number": {"type": "integer"}, "text": _TEXT},
        },
        "page_numbers": {"type": "integer", "index": False},  # inner hit offset -> page
        "page_count": {"type": "integer", "index": False},
        "council": _NAME,
        "company": _NAME,
        "system": _NAME,
        "issuing_authority": {"type": "keyword"},
        "source_type": {"type": "keyword"},
        "foi_status": {"type": "keyword"},
        "file_type": {"type": "keyword"},
        "availability": {"type": "keyword"},
        "request_id": {"type": "long"},
        "request_title": {"type": "keyword", "index": False},
        "request_url": {"type": "keyword", "index": False},
        "sources": {"type": "text", "analyzer": "ds_location"},
        "urls": {"type": "keyword", "index": False},
        "year": {"type": "integer"},
        "date": {"type": "date", "format": "yyyy-MM-dd"},
    },
}

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
# Query field -> (stemmed fields, exact fields) with boosts.
TEXT_TARGETS: dict[str | None, tuple] = {
    None: (
        (("title", 2.0), ("about", 1.5), ("pages.text", 1.0)),
        (("title.exact", 2.0), ("about.exact", 1.5), ("pages.text.exact", 1.0)),
    ),
    "title": ((("title", 1.0),), (("title.exact", 1.0),)),
    "text": ((("pages.text", 1.0),), (("pages.text.exact", 1.0),)),
}
# Inside the nested pages query only page text exists.
PAGE_TARGETS: dict[str | None, tuple] = {
    None: TEXT_TARGETS["text"],
    "text": TEXT_TARGETS["text"],
}
NAME_TARGETS = {"council": "council.text", "company": "company.text", "system": "system.text"}
KEYWORD_TARGETS = {"status": "foi_status", "type": "file_type", "availability": "availability"}
MATCH_ALL: dict[str, Any] = {"match_all": {}}
MATCHED_WEIGHT = 10_000.0  # per matched word of a relaxed query (see search.query.relax)


def index_body(*, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Settings and mappings for a new concrete index behind the alias."""
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "analysis": ANALYSIS,
            "highlight": {"max_analyzed_offset": MAX_ANALYZED_OFFSET},
        },
        "mappings": MAPPINGS,
    }


def _sections(text: str, size: int = SECTION_CHARS) -> list[str]:
    """A page cut into pieces of at most ``size`` characters, at whitespace if it can."""
    out = []
    while len(text) > size:
        cut = text.rfind(" ", size // 2, size)
        cut = cut if cut != -1 else size
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


def source(doc: IndexDoc) -> dict[str, Any]:
    """IndexDoc -> the JSON document stored in the index.

    A very long page (a text file read as one page) is stored as several nested
    sections with the same page number, so a whole-section highlight stays small.
    """
    pages = [(n, piece) for n, t in doc.pages if t for piece in _sections(t)]
    out: dict[str, Any] = {
        "doc_id": doc.id,
        "title": doc.title,
        "pages": [{"number": n, "text": t} for n, t in pages],
        "page_numbers": [n for n, _ in pages],
        "page_count": len(doc.pages),
        "council": doc.councils,
        "company": doc.companies,
        "system": doc.systems,
        "sources": doc.sources,
        "urls": doc.urls,
        "about": doc.about(),
    }
    for key, value in (
        ("issuing_authority", doc.issuing_authority),
        ("source_type", doc.source_type),
        ("foi_status", doc.foi_status),
        ("file_type", doc.file_type),
        ("availability", doc.availability),
        ("request_id", doc.request_id),
        ("request_title", doc.request_title),
        ("request_url", doc.request_url),
    ):
        if value:
            out[key] = value
    if doc.date:
        out["year"] = doc.date.year
        out["date"] = doc.date.isoformat()
    return out


def display_fields(src: dict[str, Any]) -> dict[str, Any]:
    """A stored document's display fields, shaped as IndexDoc.display_fields()."""
    return {
        "date": src.get("date"),
        "year": src.get("year"),
        "source_type": src.get("source_type", ""),
        "file_type": src.get("file_type", ""),
        "foi_status": src.get("foi_status", ""),
        "issuing_authority": src.get("issuing_authority", ""),
        "councils": src.get("council", []),
        "companies": src.get("company", []),
        "systems": src.get("system", []),
        "urls": src.get("urls", []),
        "page_count": src.get("page_count", 0),
        "availability": src.get("availability", "live"),
        "request_id": src.get("request_id"),
        "request_title": src.get("request_title", ""),
        "request_url": src.get("request_url", ""),
    }


# --- the query compiler ------------------------------------------------------------------


def compile_query(node: Node, targets: dict = TEXT_TARGETS) -> dict[str, Any]:
    """AST -> Elasticsearch query JSON."""
    return _Compiler(targets).compile(node)


def page_query(node: Node) -> dict[str, Any] | None:
    """What makes a page worth showing: any positive text word of the query, per page."""
    found = text_leaves(node)
    if not found:
        return None
    compiler = _Compiler(PAGE_TARGETS)
    clauses = [compiler.compile(leaf) for leaf in found]
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses}}


def facet_filter(facet: str, values: list[str]) -> dict[str, Any]:
    typed: list[Any] = [int(v) for v in values] if facet == "year" else list(values)
    return {"terms": {FACET_FIELDS[facet]: typed}}


def date_filter(date_from: dt.date | None, date_to: dt.date | None) -> dict[str, Any] | None:
    if date_from is None and date_to is None:
        return None
    return {"range": {"date": _bounds(date_from, date_to, dates=True)}}


def _bounds(low, high, *, dates: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if low is not None:
        out["gte"] = low.isoformat() if dates else low
    if high is not None:
        out["lte"] = high.isoformat() if dates else high
    if dates:
        out["format"] = "yyyy-MM-dd"
    return out


def filters(request: SearchRequest) -> tuple[list[dict], dict[str, dict]]:
    """Filters applying to everything, and facet filters keyed by facet."""
    base = []
    dates = date_filter(request.date_from, request.date_to)
    if dates is not None:
        base.append(dates)
    facets = {f: facet_filter(f, v) for f, v in request.filters.items()}
    return base, facets


def search_body(request: SearchRequest) -> dict[str, Any]:
    """The full search request: query, multi-select facets, page of hits, page snippets.

    Each hit brings the highlights of up to MAX_COUNTED_PAGES of its best pages: the
    first ``snippets`` of them give the snippets, all of them the match count. With
    ``request.after`` the page starts after that hit (``search_after``), one hit more
    is asked for in case the server repeats the cursor's own hit.
    """
    text = compile_query(request.parsed.node)
    base, facet_filters = filters(request)
    query: dict[str, Any] = {"bool": {"must": [text]}}
    if base:
        query["bool"]["filter"] = base
    if request.size > 0:
        pages = page_hits(request, MAX_COUNTED_PAGES)
        if pages is not None:
            query["bool"]["should"] = [pages]
    body: dict[str, Any] = {
        "query": query,
        "track_total_hits": True,
        "from": request.offset,
        "size": request.size,
        "sort": SORTS[request.sort],
        "_source": {"excludes": ["pages"]},
    }
    if request.after is not None:
        del body["from"]
        body["search_after"] = search_after(request.sort, request.after)
        body["size"] = request.size + 1 if request.size else 0
    if facet_filters:
        # Hits obey every facet filter; each facet's counts obey the others only.
        body["post_filter"] = {"bool": {"filter": list(facet_filters.values())}}
    if request.facets:
        body["aggs"] = {
            f: _facet_agg(f, request, [q for g, q in facet_filters.items() if g != f])
            for f in FACETS
        }
    return body


def page_hits(request: SearchRequest, size: int) -> dict[str, Any] | None:
    """A score-neutral clause bringing each hit's best matching pages, highlighted whole
    (html-encoded, marks only), or None when snippets are off or nothing is a text word."""
    pages = page_query(request.parsed.node) if request.snippets > 0 else None
    if pages is None:
        return None
    return {
        "nested": {
            "path": "pages",
            "query": pages,
            "score_mode": "max",
            "boost": 0,  # pages choose snippets; they do not change the ranking
            "inner_hits": {
                "size": max(size, request.snippets),
                "_source": False,
                "highlight": {
                    "encoder": "html",
                    "pre_tags": ["<mark>"],
                    "post_tags": ["</mark>"],
                    "fields": {f: {"number_of_fragments": 0} for f in _highlight_fields(request)},
                },
            },
        }
    }


def scan_query(request: SearchRequest) -> dict[str, Any]:
    """Every match of the request, facet filters included, as one query."""
    text = compile_query(request.parsed.node)
    base, facet_filters = filters(request)
    every = base + list(facet_filters.values())
    if not every:
        return text
    return {"bool": {"must": [text], "filter": every}}


def scan_snippet_query(request: SearchRequest) -> dict[str, Any]:
    """The scan query, also bringing the best ``request.snippets`` pages of each hit."""
    query = scan_query(request)
    pages = page_hits(request, request.snippets)
    if pages is None:
        return query
    return {"bool": {"must": [query], "should": [pages]}}


SORTS = {
    "relevance": ["_score", {"doc_id": "asc"}],
    "newest": [{"date": {"order": "desc", "missing": "_last"}}, {"doc_id": "desc"}],
    "oldest": [{"date": {"order": "asc", "missing": "_last"}}, {"doc_id": "asc"}],
}
# Per sort, +1 for each ascending sort value and -1 for each descending one.
SORT_DIRECTIONS = {"relevance": (-1, 1), "newest": (-1, -1), "oldest": (1, 1)}


def sort_position(sort: str, values: list) -> tuple:
    """A hit's sort values as a tuple that grows along the sort order."""
    return tuple(d * v for d, v in zip(SORT_DIRECTIONS[sort], values, strict=True))


def search_after(sort: str, after: list) -> list:
    """The ``search_after`` values for a cursor, a little before it on relevance.

    A score comes back as a float32 in decimal, which a server may have rounded from a
    more precise score (osmem-server does): sent as is, the documents tied with the
    cursor's own could be skipped. So the score sent is the next float32 above it, the
    server returns the whole tie group from its start, and the caller drops the hits
    at or before the cursor (``sort_position``).
    """
    values = list(after)
    if sort == "relevance":
        values[0] = float32_above(float(values[0]))
    return values


def float32_above(x: float) -> float:
    """The smallest float32 strictly above ``x``."""
    (value,) = struct.unpack("<f", struct.pack("<f", x))  # x rounded to a float32
    while value <= x:
        if value == 0:
            bits = 1  # the smallest positive float32
        else:
            (bits,) = struct.unpack("<I", struct.pack("<f", value))
            bits = bits + 1 if value > 0 else bits - 1  # sign and magnitude
        (value,) = struct.unpack("<f", struct.pack("<I", bits))
    return value


def _highlight_fields(request: SearchRequest) -> list[str]:
    """Which page fields the query's text words hit: stemmed, exact, or both."""
    fields = set()
    for leaf in text_leaves(request.parsed.node):
        stemmed = isinstance(leaf, Term) and is_single_word(leaf.text)
        fields.add("pages.text" if stemmed else "pages.text.exact")
    return sorted(fields)


def _facet_agg(facet: str, request: SearchRequest, others: list[dict]) -> dict[str, Any]:
    field = FACET_FIELDS[facet]
    if facet == "year":
        terms = {"field": field, "size": 1000, "order": {"_key": "asc"}}
    else:
        terms = {
            "field": field,
            "size": request.facet_size,
            "order": [{"_count": "desc"}, {"_key": "asc"}],
        }
    aggs: dict[str, Any] = {"values": {"terms": terms}}
    selected = request.filters.get(facet, [])
    if selected and facet != "year":
        # A selected value may fall outside the top ``size``: count it explicitly.
        aggs["selected"] = {"filters": {"filters": {v: {"term": {field: v}} for v in selected}}}
    scope = {"bool": {"filter": others}} if others else MATCH_ALL
    return {"filter": scope, "aggs": aggs}


class _Compiler:
    def __init__(self, targets: dict):
        self.targets = targets

    def compile(self, node: Node) -> dict[str, Any]:
        if isinstance(node, MatchAll):
            return MATCH_ALL
        if isinstance(node, And):
            must = [self.compile(i) for i in node.items if not isinstance(i, Not)]
            must_not = [self.compile(i.item) for i in node.items if isinstance(i, Not)]
            body: dict[str, Any] = {"must": must or [MATCH_ALL]}
            if must_not:
                body["must_not"] = must_not
            if node.should:
                body["should"] = [self.compile(i) for i in node.should]
            return {"bool": body}
        if isinstance(node, Or):
            return {
                "bool": {
                    "should": [self.compile(i) for i in node.items],
                    "minimum_should_match": 1,
                }
            }
        if isinstance(node, AtLeast):
            return self.at_least(node)
        if isinstance(node, Not):
            return {"bool": {"must": [MATCH_ALL], "must_not": [self.compile(node.item)]}}
        if isinstance(node, Boost):
            return {"bool": {"must": [self.compile(node.item)], "boost": node.factor}}
        if isinstance(node, Range):
            if node.low is None and node.high is None:
                return {"exists": {"field": node.field}}
            return {"range": {node.field: _bounds(node.low, node.high, dates=node.field == "date")}}
        if isinstance(node, Term | Phrase | Prefix | Fuzzy):
            return self.leaf(node)
        raise QueryError(f"Cannot compile {node!r}.")

    def at_least(self, node: AtLeast) -> dict[str, Any]:
        """A matched item adds MATCHED_WEIGHT: how many items match ranks first."""
        items = []
        for item in node.items:
            q = self.compile(item)
            bonus = {"constant_score": {"filter": q, "boost": MATCHED_WEIGHT}}
            items.append({"bool": {"should": [bonus, q], "minimum_should_match": 1}})
        return {"bool": {"should": items, "minimum_should_match": node.minimum}}

    def leaf(self, node) -> dict[str, Any]:
        f = node.field
        if f in self.targets:
            stemmed, exact = self.targets[f]
            if isinstance(node, Term):
                # match_phrase: one token is a term query; if the analyser splits the
                # word after all, its parts must still be adjacent.
                return _any(
                    [
                        {"match_phrase": {fld: {"query": node.text, "boost": b}}}
                        for fld, b in stemmed
                    ]
                )
            return _any([_exact(fld, node, b) for fld, b in exact])
        if f in NAME_TARGETS:
            return _exact(NAME_TARGETS[f], node, 1.0)
        if f in KEYWORD_TARGETS:
            return _keyword(KEYWORD_TARGETS[f], node)
        if f == "source":
            alternatives = [_exact("sources", node, 1.0)]
            if not isinstance(node, Fuzzy):
                alternatives.append(_keyword("source_type", node))
            return _any(alternatives)
        raise QueryError(f"Cannot search the field {f}.")


def _exact(field: str, node, boost: float) -> dict[str, Any]:
    if isinstance(node, Prefix):
        if is_single_word(node.text):
            return {"prefix": {field: {"value": fold(node.text), "boost": boost}}}
        return {"match_phrase_prefix": {field: {"query": node.text, "boost": boost}}}
    if isinstance(node, Fuzzy):
        if node.distance == 0:
            return {"term": {field: {"value": fold(node.text), "boost": boost}}}
        return {
            "fuzzy": {
                field: {
                    "value": fold(node.text),
                    "fuzziness": node.distance,
                    "transpositions": True,
                    "boost": boost,
                }
            }
        }
    slop = node.slop if isinstance(node, Phrase) else 0
    query: dict[str, Any] = {"query": node.text, "boost": boost}
    if slop:
        query["slop"] = slop
    return {"match_phrase": {field: query}}


def _keyword(field: str, node) -> dict[str, Any]:
    value = node.text.strip().lower()
    if isinstance(node, Prefix):
        return {"prefix": {field: {"value": value}}}
    if isinstance(node, Fuzzy):
        raise QueryError("Fuzzy search (~) does not apply to status: or type:.")
    return {"term": {field: {"value": value}}}


def _any(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    """Any of the clauses, scores summed (title and text together rank higher)."""
    if len(clauses) == 1:
        return clauses[0]
    return {"bool": {"should": clauses, "minimum_should_match": 1}}
