"""The query language: luqum's parse tree normalised into our AST (no engine involved)."""

from __future__ import annotations

import datetime as dt

import pytest

from search.query import (
    MAX_CLAUSES,
    MAX_QUERY_CHARS,
    And,
    Boost,
    Fuzzy,
    MatchAll,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryError,
    Range,
    Term,
    fold,
    parse,
    text_leaves,
)


def node(text):
    return parse(text).node


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("experian mosaic", And((Term("experian"), Term("mosaic")))),
        (
            '"predictive analytics" AND council',
            And((Phrase("predictive analytics"), Term("council"))),
        ),
        ("xantura -covid", And((Term("xantura"), Not(Term("covid"))))),
        ("risk scor*", And((Term("risk"), Prefix("scor")))),
        ('"troubled families"~3', Phrase("troubled families", slop=3)),
        ("title:contract", Term("contract", "title")),
        ('council:"Bristol City Council"', Phrase("Bristol City Council", "council")),
        ("a OR b", Or((Term("a"), Term("b")))),
        ("a || b", Or((Term("a"), Term("b")))),
        ("a && b", And((Term("a"), Term("b")))),
        ("NOT a", Not(Term("a"))),
        ("!a", Not(Term("a"))),
        ("a OR NOT b", Or((Term("a"), Not(Term("b"))))),
        ("+a b", And((Term("a"), Term("b")))),
        ("a OR +b", And((Term("b"),), should=(Term("a"),))),
        ("a^2", Boost(Term("a"), 2.0)),
        ("*", MatchAll()),
        ("", MatchAll()),
        ("   ", MatchAll()),
        ("title:(a b)", And((Term("a", "title"), Term("b", "title")))),
        ("body:a", Term("a", "text")),
        ("supplier:capita", Term("capita", "company")),
        ("type:PDF", Term("PDF", "type")),
        ("status:partially_successful", Term("partially_successful", "status")),
        ("council:bristol*", Prefix("bristol", "council")),
    ],
)
def test_forms(text, expected):
    assert node(text) == expected


def test_and_binds_tighter_than_or_and_juxtaposition_loosest():
    assert node("a AND b OR c") == Or((And((Term("a"), Term("b"))), Term("c")))
    assert node("a OR b c") == And((Or((Term("a"), Term("b"))), Term("c")))
    assert node("(a OR b) AND c") == And((Or((Term("a"), Term("b"))), Term("c")))


def test_punctuated_words_become_phrases():
    assert node("e-mail") == Phrase("e-mail")
    assert node("o'neill") == Phrase("o'neill")
    assert node("u.k.") == Phrase("u.k.")
    assert node("C++") == Term("C")
    assert node("risk-scoring*") == Prefix("risk-scoring")
    assert node(r"test\:x") == Phrase("test:x")


def test_fuzzy_distances():
    assert node("experain~") == Fuzzy("experain", distance=2)  # Lucene's AUTO
    assert node("score~") == Fuzzy("score", distance=1)
    assert node("ab~") == Fuzzy("ab", distance=0)
    assert node("experain~1") == Fuzzy("experain", distance=1)
    assert node("experain~5") == Fuzzy("experain", distance=2)  # capped
    assert node("experain~0.8") == Fuzzy("experain", distance=2)  # old similarity syntax


def test_ranges_are_inclusive_and_normalised():
    assert node("year:[2017 TO 2019]") == Range("year", 2017, 2019)
    assert node("year:{2017 TO 2019}") == Range("year", 2018, 2018)
    assert node("year:>2017") == Range("year", 2018, None)
    assert node("year:<=2019") == Range("year", None, 2019)
    assert node("year:2019") == Range("year", 2019, 2019)
    assert node("year:*") == Range("year", None, None)
    assert node("date:>=2020-01-01") == Range("date", dt.date(2020, 1, 1), None)
    assert node("date:>2020-01-31") == Range("date", dt.date(2020, 2, 1), None)
    assert node("date:2020") == Range("date", dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert node("date:2024-02") == Range("date", dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert node("date:<2020-03") == Range("date", None, dt.date(2020, 2, 29))
    assert node("date:[2019-06 TO *]") == Range("date", dt.date(2019, 6, 1), None)


@pytest.mark.parametrize(
    ("text", "expected", "why"),
    [
        ('"unbalanced quote', And((Term("unbalanced"), Term("quote"))), "quote"),
        ("AND", Term("AND"), "AND, OR or NOT"),
        ("experian AND", Term("experian"), "AND, OR or NOT"),
        ("(covid", Term("covid"), "brackets"),
        ("covid)", Term("covid"), "brackets"),
        ("AND OR", And((Term("AND"), Term("OR"))), "AND, OR or NOT"),
        ("council:", Term("council"), "field name"),
    ],
)
def test_invalid_syntax_is_read_as_plain_words(text, expected, why):
    parsed = parse(text)
    assert parsed.node == expected
    assert parsed.lenient
    assert why in parsed.notes[0]


def test_unknown_field_is_read_as_words_with_a_note():
    parsed = parse("Re: FOI")
    assert parsed.node == Phrase("Re FOI")
    assert "not a field" in parsed.notes[0] and "council" in parsed.notes[0]
    assert node("10:30") == Phrase("10 30")


def test_question_mark_at_the_end_is_punctuation():
    assert node("what is mosaic?") == And((Term("what"), Term("is"), Term("mosaic")))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("*coring", "wildcards can only end a word"),
        ("sc?re", "wildcards can only end a word"),
        ("s*re", "wildcards can only end a word"),
        ("/sco.e/", "Regular expressions"),
        ("title:[a TO c]", "Ranges work on year: and date:"),
        ("[2017 TO 2019]", "Ranges work on year: and date:"),
        ("year:abc", "four-digit year"),
        ("date:2020-02-30", "not a real date"),
        ("date:last-week", "expects a date"),
        ("year:[2020 TO 2017]", "start comes after the end"),
        ("e-mail~", "applies to one word"),
        ("status:refused~", "does not apply"),
        ("title:(council:x)", "cannot be nested"),
        ("title:*", "not supported"),
        ("a^0", "boost"),
        ("&&", "no words"),
        ('""', "no words"),
        ("-", "no words"),
    ],
)
def test_what_cannot_be_honoured_says_why(text, message):
    with pytest.raises(QueryError, match=message):
        parse(text)


def test_length_and_clause_caps():
    with pytest.raises(QueryError, match=f"limit is {MAX_QUERY_CHARS}"):
        parse("a" * (MAX_QUERY_CHARS + 1))
    parse(" ".join(["w"] * MAX_CLAUSES))
    with pytest.raises(QueryError, match=f"limit is {MAX_CLAUSES}"):
        parse(" ".join(["w"] * (MAX_CLAUSES + 1)))


def test_text_leaves_skip_negations_titles_and_metadata():
    leaves = text_leaves(
        node('mosaic -covid title:contract council:kent text:"risk model" year:2019')
    )
    assert leaves == [Term("mosaic"), Phrase("risk model", "text")]


def test_fold():
    assert fold("Café Ñandú") == "cafe nandu"


@pytest.mark.parametrize(
    "text",
    ['"a b c"~1000', '"a b"~99999999999', '"a b"~1.5', "date:>9999-12-31", "date:<0001-01-01"],
)
def test_out_of_range_values_are_a_clear_query_error(text):
    with pytest.raises(QueryError) as err:
        parse(text)
    assert str(err.value)


def test_proximity_up_to_the_limit_is_allowed():
    assert parse('"troubled families"~10')
