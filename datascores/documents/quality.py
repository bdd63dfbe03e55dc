"""How usable a text layer is: real words versus the debris of broken font encodings.

A PDF whose fonts lack a usable ToUnicode map yields control characters, ``(cid:N)``
runs or a letter-substitution cipher instead of words. These pure functions measure
that, so the pipeline can OCR such pages instead of indexing noise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_CID = re.compile(r"\(cid:\d+\)")
# Letters that make a token pronounceable; without one, a lower-case "word" is noise.
_VOWELS = frozenset("aeiouyAEIOUYàáâäèéêëìíîïòóôöùúûüŵŷÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜŴŶ")
_EDGE_PUNCT = "\"'‘’“”()[]{}<>.,;:!?*•·–—-/\\|…"
_NUMBER = re.compile(r"^[£$€+-]?\d[\d.,:/%-]*[a-z%]{0,2}$", re.IGNORECASE)
_INNER = re.compile(r"^[^\W\d_]+(?:['’\-.&][^\W\d_]+)*$")
_SPACE = re.compile(r"[ \t\r\n\x0c\u00a0\u2000-\u200b\u3000]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# The common case, decided by one regex: a lower-case or Capitalised word with a vowel.
_PLAIN = (
    r"[\"'‘“(\[]?(?:(?=[A-Za-z]{2})[A-Z]?[a-z]*[aeiouy][a-z]*|[A-Z]{2,12})[\"'’”)\].,;:!?]{0,2}"
)
# Whole whitespace-separated tokens that are plain words, found by the regex engine alone.
_PLAIN_TOKENS = re.compile(r"(?<!\S)" + _PLAIN + r"(?!\S)")

# Thresholds, tuned on the shared FOI corpus: the garbled Google Docs letter scores a
# real-word share of 0.00-0.35 and control share of 0.12-0.3 per page; the worst clean
# page (a chart of scattered labels and percentages) scores 0.83 and 0.
MIN_JUDGED_TOKENS = 8
MIN_REAL_WORD_SHARE = 0.5
MAX_CONTROL_SHARE = 0.02
MAX_CID_SHARE = 0.1
MAX_REPLACEMENT_SHARE = 0.05
# Below this many real words a page is near-empty: a blank, a stamp, a page number.
NEAR_EMPTY_WORDS = 3
# A page with fewer real words than this that is mostly covered by images (a scan with
# a typed heading, a screenshot with a caption) has its content in the images.
SPARSE_WORDS = 40
IMAGE_COVERAGE = 0.25
# How much of a page's text layer is enough to judge it (see extract/pdf.py).
SAMPLE_CHARS = 1500


@dataclass(frozen=True)
class TextQuality:
    chars: int  # non-whitespace characters
    real_words: int
    junk_tokens: int  # tokens with letters or symbols that are not words
    control_chars: int
    cid_runs: int
    replacement_chars: int

    @property
    def real_word_share(self) -> float:
        judged = self.real_words + self.junk_tokens
        return self.real_words / judged if judged else 1.0

    @property
    def control_share(self) -> float:
        return self.control_chars / self.chars if self.chars else 0.0

    @property
    def replacement_share(self) -> float:
        return self.replacement_chars / self.chars if self.chars else 0.0

    @property
    def cid_share(self) -> float:
        judged = self.real_words + self.junk_tokens + self.cid_runs
        return self.cid_runs / judged if judged else 0.0


def is_real_word(token: str) -> bool:
    """A token a reader would recognise as a word (or an acronym), punctuation aside."""
    core = token.strip(_EDGE_PUNCT)
    if len(core) < 2 or not _INNER.match(core):
        return False
    letters = [c for c in core if c.isalpha()]
    if len(letters) < 2:
        return False
    if core.isupper():
        return len(letters) <= 12  # acronyms: NHS, CCG, GMCA
    if not any(c in _VOWELS for c in core):
        return False
    # Real words are lower case, Capitalised, or have a few inner capitals (iBase, DfE,
    # McNichol); a cipher of shifted letters mixes case at random.
    inner_caps = sum(1 for c in core[1:] if c.isupper())
    return inner_caps <= max(1, len(core) // 4)


def _is_neutral(token: str) -> bool:
    """Numbers, bullets, dot leaders: neither words nor evidence of garbage."""
    core = token.strip(_EDGE_PUNCT)
    if not core:
        return len(token) <= 3 or len(set(token)) == 1
    if len(set(core)) == 1 and not core[0].isalpha():
        return True
    return bool(_NUMBER.match(core)) or (len(core) == 1 and core.isalnum())


def measure(text: str) -> TextQuality:
    """Count what makes a text layer usable or not."""
    cid_runs = len(_CID.findall(text))
    if cid_runs:
        text = _CID.sub(" ", text)
    chars = len(text) - len(_SPACE.findall(text))
    control = len(_CONTROL.findall(text))
    replacement = text.count("\ufffd")
    # Count and remove the plain words in C; judge the few remaining tokens one by one.
    rest, real = _PLAIN_TOKENS.subn(" ", text)
    junk = 0
    for token in rest.split():
        if is_real_word(token):
            real += 1
        elif not _is_neutral(token):
            junk += 1
    return TextQuality(chars, real, junk, control, cid_runs, replacement)


def is_garbage(text: str) -> bool:
    """True when a text layer is mostly debris (broken encodings, cid runs, control chars)."""
    return is_garbage_measured(measure(text))


def is_garbage_measured(q: TextQuality) -> bool:
    """is_garbage for a text already measured."""
    if q.control_share > MAX_CONTROL_SHARE and q.chars >= 20:
        return True
    if q.replacement_share > MAX_REPLACEMENT_SHARE and q.chars >= 20:
        return True
    if q.cid_runs >= MIN_JUDGED_TOKENS and q.cid_share > MAX_CID_SHARE:
        return True
    if q.real_words + q.junk_tokens < MIN_JUDGED_TOKENS:
        return False
    return q.real_word_share < MIN_REAL_WORD_SHARE


GARBAGE = "garbage"  # the text layer is debris: drop it and OCR the page
SPARSE = "sparse"  # too few words of its own (a blank, a stamp, a scan with a caption): OCR
USABLE = "usable"  # the text layer is the page's text


def judge_page(text: str, image_coverage: float | Callable[[], float] = 0.0) -> str:
    """The one rule for a page's text layer: GARBAGE, SPARSE or USABLE.

    It is judged on a sample: garbage is uniform across a page, and the word thresholds
    are far below what the sample holds (measuring every character cost ~15% of a PDF's
    extraction time). image_coverage is the share (0-1) of the page covered by images,
    or a function computing it, called only for a page with few words.
    """
    q = measure(text[:SAMPLE_CHARS])
    if is_garbage_measured(q):
        return GARBAGE
    if q.real_words < NEAR_EMPTY_WORDS:
        return SPARSE
    if q.real_words < SPARSE_WORDS:
        coverage = image_coverage() if callable(image_coverage) else image_coverage
        if coverage >= IMAGE_COVERAGE:
            return SPARSE
    return USABLE


def page_needs_ocr(text: str, image_coverage: float | Callable[[], float] = 0.0) -> bool:
    """True when a page's text layer is empty, near-empty, garbage, or a few words over
    images that hold the content."""
    return judge_page(text, image_coverage) != USABLE
