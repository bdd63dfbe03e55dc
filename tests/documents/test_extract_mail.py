from email.message import EmailMessage

import pytest

from datascores.documents.extract import ExtractionError, FailureCode

from . import fixtures
from .helpers import all_text, run


def test_headers_body_and_the_pdf_attachment_as_a_member():
    pdf = fixtures.text_pdf(["Attached response page"])
    result = run(fixtures.eml_file(attachment=pdf), "reply.eml")
    text = all_text(result)
    assert "From: FOI Officer <foi@harrowgate.example>" in text
    assert "Subject: Your request FOI-2024-117" in text
    assert "Please find the Quillmarsh contract attached." in text
    assert result.title == "Your request FOI-2024-117"
    assert result.metadata["date"] == "2024-03-05T10:15:00+00:00"
    assert [(m.name, m.data) for m in result.members] == [("contract.pdf", pdf)]
    assert "%PDF" not in text  # the attachment is a member, not body text


def _html_mail_with_inline_image_and_forwarded_message() -> bytes:
    message = EmailMessage()
    message["From"] = "a@example.org"
    message["To"] = "b@example.org"
    message["Subject"] = "Chart"
    message.set_content("Plain version of the Brambleworth chart")
    message.add_alternative(
        "<html><body><p>HTML version of the <b>Brambleworth</b> chart</p>"
        '<img src="cid:chart"></body></html>',
        subtype="html",
    )
    html_part = message.get_payload()[1]
    html_part.add_related(fixtures.png_file(["chart"]), "image", "png", cid="<chart>")
    forwarded = EmailMessage()
    forwarded["Subject"] = "Earlier message"
    forwarded.set_content("Forwarded words")
    message.add_attachment(forwarded)
    return message.as_bytes()


def test_alternatives_are_not_members_but_inline_images_and_attached_messages_are():
    result = run(_html_mail_with_inline_image_and_forwarded_message(), "chart.eml")
    assert "Plain version of the Brambleworth chart" in all_text(result)
    names = [m.name for m in result.members]
    assert len(names) == 2
    assert names[0].endswith(".png")
    assert names[1].endswith(".eml")
    assert b"Forwarded words" in result.members[1].data
    assert not any(b"HTML version" in m.data for m in result.members)


def test_html_only_mail_body_is_reduced_to_text():
    message = EmailMessage()
    message["From"] = "a@example.org"
    message["To"] = "b@example.org"
    message["Subject"] = "Only HTML"
    message.set_content("<html><body><p>Xylofinder <i>update</i></p></body></html>", subtype="html")
    text = all_text(run(message.as_bytes(), "h.eml"))
    assert "Xylofinder update" in text
    assert "<p>" not in text


def test_bad_charset_and_bad_date_do_not_lose_the_message():
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: Odd\r\nDate: not a date\r\n"
        b"Content-Type: text/plain; charset=x-unknown-charset\r\n\r\nBody caf\xe9 words\r\n"
    )
    result = run(raw, "odd.eml")
    assert "Body caf" in all_text(result)
    assert "date" not in result.metadata


def test_damaged_outlook_message_is_corrupt():
    fake = fixtures.ole_file({"__substg1.0_0037001F": b"S\x00u\x00b\x00", "junk": b"x"})
    with pytest.raises(ExtractionError) as info:
        run(fake, "mail.msg")
    assert info.value.code == FailureCode.CORRUPT
    assert ".msg" in info.value.reason
