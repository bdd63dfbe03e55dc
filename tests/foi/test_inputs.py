from foi.inputs import decode_upload, refs_from_text


def test_links_anywhere_in_a_spreadsheet_row():
    text = (
        "Body;Request;Status\n"
        "Harrowgate;https://www.whatdotheyknow.com/request/risk_scoring#incoming-1;done\n"
        "Nettlebridge;see /request/police_facial_recognition and /request/12345;\n"
        "Nobody;;not sent\n"
    )
    refs, skipped = refs_from_text(text)
    assert refs == [
        "https://www.whatdotheyknow.com/request/risk_scoring#incoming-1",
        "/request/police_facial_recognition",
        "/request/12345",
    ]
    assert skipped == ["Nobody, not sent"]


def test_a_plain_list_of_ids_and_names():
    refs, skipped = refs_from_text("url\n101\nrisk_scoring_in_childrens_services\n101\n\n")
    assert refs == ["101", "risk_scoring_in_childrens_services"]
    assert skipped == []


def test_uploads_in_windows_encodings_decode():
    assert decode_upload("Caf\u00e9,/request/1\n".encode("cp1252")).startswith("Café")
    assert decode_upload(b"\xef\xbb\xbf/request/1") == "/request/1"
