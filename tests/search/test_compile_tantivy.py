"""AST -> tantivy queries: structure (compared with hand-built queries) and meaning
(run against an in-memory index, no files and no server)."""

from __future__ import annotations

import datetime as dt

import pytest
import tantivy
from tantivy import Occur, Query

from search.backends import compile_tantivy as ct
from search.backends.base import IndexDoc
from search.backends.compile_tantivy import Expander
from search.backends.embedded import to_tantivy
from search.query import parse

S = ct.SCHEMA


VOCABULARY = Expander.from_words(
    ["family families familiar", "xantura covid", "scoring scores scored score scorecard"]
)


def compiled(text: str) -> str:
    return repr(ct.compile_query(parse(text).node, VOCABULARY))


def any_of(field: str, forms: list[str]) -> Query:
    if len(forms) == 1:
        return Query.term_query(S, field, forms[0])
    return Query.boolean_query([(Occur.Should, Query.term_query(S, field, f)) for f in forms])


def default_term(*forms: str) -> Query:
    return Query.boolean_query(
        [
            (Occur.Should, Query.boost_query(any_of("title", list(forms)), 2.0)),
            (Occur.Should, Query.boost_query(any_of("about", list(forms)), 1.5)),
            (Occur.Should, any_of("text", list(forms))),
        ]
    )


def test_a_word_matches_every_indexed_form_of_its_stem():
    # "familiar" has another stem; forms come sorted from the term dictionary
    assert compiled("Families") == repr(default_term("families", "family"))
    assert compiled("scored") == repr(default_term("score", "scored", "scores", "scoring"))


def test_without_an_expander_a_word_matches_itself():
    assert repr(ct.compile_query(parse("Families").node)) == repr(default_term("families"))


def test_stem_prefixes_cover_changed_endings():
    assert ct.stem_prefixes("famili") == ("famil",)  # family
    assert ct.stem_prefixes("use") == ("us",)  # using
    assert ct.stem_prefixes("capabl") == ("capab",)  # capability
    assert ct.stem_prefixes("risk") == ("risk",)
    assert ct.stem_prefixes("die") == ("di", "dy")  # dying
    for word in ("family", "using", "capabilities", "dying", "scoring", "analytics"):
        stem = ct.stem(word)
        assert any(word.startswith(p) for p in ct.stem_prefixes(stem)), word


def test_and_not_is_must_not():
    expected = Query.boolean_query(
        [(Occur.Must, default_term("xantura")), (Occur.MustNot, default_term("covid"))]
    )
    assert compiled("xantura -covid") == repr(expected)


def test_pure_negation_starts_from_everything():
    expected = Query.boolean_query(
        [(Occur.Must, Query.all_query()), (Occur.MustNot, default_term("covid"))]
    )
    assert compiled("NOT covid") == repr(expected)


def test_phrase_uses_unstemmed_words_with_slop():
    words = ["troubled", "families"]
    expected = Query.boolean_query(
        [
            (Occur.Should, Query.boost_query(Query.phrase_query(S, "title", words, 3), 2.0)),
            (Occur.Should, Query.boost_query(Query.phrase_query(S, "about", words, 3), 1.5)),
            (Occur.Should, Query.phrase_query(S, "text", words, 3)),
        ]
    )
    assert compiled('"Troubled families"~3') == repr(expected)


def test_fields_ranges_and_fuzzy():
    assert compiled("council:kent") == repr(Query.term_query(S, "council_text", "kent"))
    assert compiled("type:PDF") == repr(Query.term_query(S, "file_type", "pdf"))
    assert compiled("year:[2017 TO 2019]") == repr(
        Query.range_query(S, "year", tantivy.FieldType.Integer, 2017, 2019)
    )
    assert compiled("date:2020") == repr(
        Query.range_query(
            S, "date", tantivy.FieldType.Date, dt.datetime(2020, 1, 1), dt.datetime(2020, 12, 31)
        )
    )
    assert compiled("text:experain~1") == repr(
        Query.fuzzy_term_query(S, "text", "experain", 1, True)
    )


def test_prefix_expands_to_the_indexed_words_it_starts():
    found = compiled("scor*")
    assert "TermSetQuery" in found
    assert all(f'"{w}"' in found for w in ("score", "scored", "scorecard", "scores", "scoring"))
    assert "PhrasePrefixQuery" in compiled("risk-scor*")
    # Without a term dictionary the engine matches the prefix itself.
    bare = repr(ct.compile_query(parse("scor*").node))
    assert "RegexQuery" in bare and 'Regex("scor.*")' in bare


def test_prefixes_share_one_expansion_budget_and_a_cut_is_noted(monkeypatch):
    monkeypatch.setattr(ct, "MAX_EXPANDED_TERMS", 6)  # 5 "scor" words x 3 default fields
    monkeypatch.setattr(ct, "MIN_PREFIX_SHARE", 1)
    notes: list[str] = []
    found = repr(ct.compile_query(parse("scor*").node, VOCABULARY, notes=notes))
    # a share of 6 // 3 = 2 words per field: the two most frequent on each
    assert found.count("Term(field=") == 6
    assert notes and "scor*" in notes[0] and "most frequent" in notes[0]
    notes.clear()
    ct.compile_query(parse("xant*").node, VOCABULARY, notes=notes)
    assert notes == []
    # Many prefixes: each still searches some words, so none turns into "nothing".
    monkeypatch.setattr(ct, "MIN_PREFIX_SHARE", 1)
    found = repr(ct.compile_query(parse("scor* fam* xant*").node, VOCABULARY))
    assert found.count("TermSetQuery") == 9 and "EmptyQuery" not in found  # 3 x 3 fields
    assert '"xantura"' in found and '"fami' in found and '"scor' in found


def test_sort_keys_order_dates_then_ids_and_put_undated_last():
    a = ct.sort_keys(dt.date(2020, 1, 1), 5)
    b = ct.sort_keys(dt.date(2020, 1, 1), 6)
    c = ct.sort_keys(dt.date(2021, 1, 1), 1)
    none = ct.sort_keys(None, 9)
    newest = sorted([a, b, c, none], key=lambda k: k[0], reverse=True)
    oldest = sorted([a, b, c, none], key=lambda k: k[1], reverse=True)
    assert newest == [c, b, a, none]
    assert oldest == [a, b, c, none]


# --- meaning, on an in-memory index -----------------------------------------------------


@pytest.fixture(scope="module")
def searcher():
    index = tantivy.Index(S)
    for name, analyzer in ct.ANALYZERS.items():
        index.register_tokenizer(name, analyzer)
    writer = index.writer(15_000_000, 1)
    docs = [
        IndexDoc(1, "abc", [(1, "alpha beta")]),
        IndexDoc(2, "", [(1, "alpha gamma")]),
        IndexDoc(3, "", [(1, "abcdef scoring")]),
        IndexDoc(4, "", [(1, "scored the gamma")], date=dt.date(2019, 5, 1)),
    ]
    for d in docs:
        writer.add_document(to_tantivy(d))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index.searcher()


def ids(searcher, text: str) -> set[int]:
    q = ct.compile_query(parse(text).node, Expander.from_searcher(searcher))
    return {searcher.doc(addr).get_first("id") for _, addr in searcher.search(q, 100).hits}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alpha AND NOT beta", {2}),  # tantivy's own parser gets this one wrong
        ("abc*", {1, 3}),  # ... and this single-term prefix
        ("alpha -gamma", {1}),
        ("NOT alpha", {3, 4}),
        ("alpha OR scoring", {1, 2, 3, 4}),  # scoring and scored share a stem
        ("score", {3, 4}),  # stemmed: scoring, scored
        ('"scoring"', {3}),  # exact
        ("year:2019", {4}),
        ("title:abc", {1}),
        ('"scored gamma"~1', {4}),
        ('"scored gamma"', set()),
    ],
)
def test_meaning(searcher, text, expected):
    assert ids(searcher, text) == expected
