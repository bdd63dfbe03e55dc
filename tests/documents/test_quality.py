from datascores.documents import quality

LETTER = (
    "Thank you for your request for information received on 16 March 2018. "
    "The council does not hold a predictive analytics system; the NHS CCG may hold it. "
    "Yours sincerely, Information Governance Team (DfE ref. 2018/117)."
)
CONTROL_LAYER = "\x01\x02\x03\x04 \x05\x06\x04\x07\x08\t\n\x03\x0b\x0c\r\x03\x0e\x03\x08 " * 20
CID_LAYER = " ".join(f"(cid:{n})(cid:{n + 1})(cid:{n + 2})" for n in range(3, 80))
# What a broken font encoding often leaves: letters shifted into punctuation.
CIPHER_LAYER = (
    "Z[\\]^_\\]`abcdeedfg]eh\\]ijkkjldfg] #$%&'()*+&,)+(-.%&/& 86%*&)%'%)%4-%&*;*+%?* "
    "5(+$(4&=,4-$%*+%)&>(+;& I69&$,J%&)%K9%*+%8 ^``\\``c\\fet]u_\\ndredv\\] heeu`~ " * 5
)


def test_clean_letter_is_not_garbage_and_needs_no_ocr():
    q = quality.measure(LETTER)
    assert q.real_word_share > 0.9
    assert q.control_chars == 0
    assert not quality.is_garbage(LETTER)
    assert not quality.page_needs_ocr(LETTER)


def test_control_character_layer_is_garbage():
    assert quality.measure(CONTROL_LAYER).control_share > 0.5
    assert quality.is_garbage(CONTROL_LAYER)
    assert quality.page_needs_ocr(CONTROL_LAYER)


def test_cid_runs_are_garbage():
    q = quality.measure(CID_LAYER)
    assert q.cid_runs > 200
    assert quality.is_garbage(CID_LAYER)


def test_letter_substitution_cipher_is_garbage_by_its_share_of_real_words():
    q = quality.measure(CIPHER_LAYER)
    assert q.control_chars == 0
    assert q.real_word_share < 0.2
    assert quality.is_garbage(CIPHER_LAYER)


def test_replacement_characters_are_garbage():
    assert quality.is_garbage(
        "Tex\ufffd \ufffd\ufffd\ufffdt \ufffd\ufffd lost \ufffd\ufffd\ufffd " * 10
    )


def test_numbers_and_bullets_are_neutral():
    table = "Total 55.2% 44.8% £12,000 • – 2017/18 …… 1,393 families 34 predictors 10 | Page"
    assert not quality.is_garbage(table)


def test_empty_and_near_empty_need_ocr_but_are_not_garbage():
    assert quality.page_needs_ocr("")
    assert quality.page_needs_ocr("  12  ")
    assert not quality.is_garbage("")
    assert not quality.page_needs_ocr("Think Family Data Process Map")


def test_sparse_page_needs_ocr_only_when_images_cover_it():
    caption = "Sankey of current snapshot"
    assert not quality.page_needs_ocr(caption, image_coverage=0.0)
    assert quality.page_needs_ocr(caption, image_coverage=0.5)
    assert not quality.page_needs_ocr(LETTER * 3, image_coverage=0.9)


def test_coverage_is_measured_only_for_a_page_with_few_words():
    def coverage():
        raise AssertionError("a page full of words needs no coverage")

    assert quality.judge_page(LETTER * 3, coverage) == quality.USABLE
    assert quality.judge_page("Sankey of current snapshot", lambda: 0.9) == quality.SPARSE
    assert quality.judge_page(CONTROL_LAYER, coverage) == quality.GARBAGE


def test_real_words():
    for word in ("council", "Bristol", "NHS", "iBase", "DfE", "McNichol", "don't", "(model),"):
        assert quality.is_real_word(word), word
    for junk in ("x", "Z[\\]^", "qwkjxz", "aBcDeFgH", "1234", "$%&"):
        assert not quality.is_real_word(junk), junk
