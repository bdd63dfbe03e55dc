"""How text becomes words: the analysers the embedded index uses and the highlighter
follows, so marking a hit and matching it apply the same rules.

Words are runs of letters and digits, lower-cased and accent-folded; a bare query word
matches every word with the same English (Snowball) stem.
"""

from __future__ import annotations

from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

STEM_ANALYZER = (
    TextAnalyzerBuilder(Tokenizer.simple())
    .filter(Filter.remove_long(100))
    .filter(Filter.lowercase())
    .filter(Filter.ascii_fold())
    .filter(Filter.stemmer("english"))
    .build()
)
EXACT_ANALYZER = (
    TextAnalyzerBuilder(Tokenizer.simple())
    .filter(Filter.remove_long(100))
    .filter(Filter.lowercase())
    .filter(Filter.ascii_fold())
    .build()
)

_STEMS: dict[str, str | None] = {}


def stem(word: str) -> str | None:
    """The English stem of one word (None if the analyser drops it); cached."""
    try:
        return _STEMS[word]
    except KeyError:
        pass
    tokens = STEM_ANALYZER.analyze(word)
    if len(_STEMS) > 2_000_000:  # stems never change; only bound the memory
        _STEMS.clear()
    _STEMS[word] = result = tokens[0] if tokens else None
    return result


# Snowball changes only the last letter of a stem relative to the word (family ->
# famili, using -> use, capability -> capabl); these few change more.
_IRREGULAR = {"die": ("dy",), "lie": ("ly",), "tie": ("ty",)}


def stem_prefixes(s: str) -> tuple[str, ...]:
    """Prefixes every word with stem ``s`` starts with (checked on 250,000 words)."""
    base = s[:-1] if len(s) > 1 and s[-1] in "iel" else s
    return (base, *_IRREGULAR.get(s, ()))
