from datascores.documents import sniff
from datascores.documents.extract import Context, extract

from . import fixtures
from .helpers import all_text, run


def test_main_text_without_boilerplate():
    result = run(fixtures.HTML, "entry.html")
    text = all_text(result)
    assert result.title == "Algorithm register entry"
    assert "Xylofinder risk model" in text
    assert "The council uses Xylofinder to prioritise visits." in text
    assert "Children's services" in text
    for junk in ("Navjunk", "Headerjunk", "Footerjunk", "Cookiejunk", "scriptjunk", "secretstyle"):
        assert junk not in text
    assert result.metadata["description"] == "Register entry"


def test_page_without_main_uses_the_body():
    html = (
        b"<html><head><title>T</title></head><body><nav>Menu</nav><p>Body words</p></body></html>"
    )
    text = all_text(run(html, "x.html"))
    assert "Body words" in text
    assert "Menu" not in text


def _html(data: bytes):
    return extract(data, Context(filename="hostile.html", mime_type=sniff.HTML))


def test_deeply_nested_html_is_read_quickly():
    nested = b"<html><body>" + b"<div>" * 50_000 + b"deep words" + b"</div>" * 10
    assert "deep words" in all_text(_html(nested))


def test_binary_junk_and_broken_markup_inside_html_do_not_matter():
    junk = b"<p>ok</p><" + b"\x00\xff<<>>&&&;;" * 1000 + b"<script>" + b"x" * 10_000 + b"</script>"
    text = all_text(_html(b"<html><body>" + junk + b"<p>tail words</p>"))
    assert "tail words" in text
    assert "xxxxxxxx" not in text


def test_published_date_from_meta():
    html = (
        b'<html><head><meta property="article:published_time" content="2018-05-30T10:00:00Z">'
        b"</head><body><main><p>Council report text</p></main></body></html>"
    )
    assert run(html, "news.html").metadata["published"] == "2018-05-30T10:00:00Z"
