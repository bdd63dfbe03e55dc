"""Help for a search that finds nothing or little: "did you mean" and forgiving names.

* ``did_you_mean``: each plain word of the query that the index (almost) lacks is
  replaced by the indexed word closest to it (at most two edits, one for short words;
  transpositions count once) that the most documents hold. The candidates come from
  the backend's own term dictionary (``SearchBackend.vocabulary``), so a suggestion
  always finds something.
* ``resolve_names``: a name filter (public body, company, system) given as an alias
  or a short form ("Hackney", "KCC") is read as the official name the index holds
  ("London Borough of Hackney"), with a note naming it: first the vocabulary's names
  and aliases (the entities tables), then the index's own values that contain every
  word of it, when exactly one does.
"""

from __future__ import annotations

import dataclasses
import re

from search.highlight import osa_distance
from search.query import ParsedQuery, Term, fold, leaves

NAME_FACETS = {"council": "authority", "company": "company", "system": "system"}
RARE = 2  # a word held by fewer documents than this gets a suggestion
CANDIDATES = 3000  # most frequent indexed words sharing the first letter, per field


# One edit-distance rule for suggestions and for fuzzy highlighting.
distance = osa_distance


def best_match(word: str, vocabulary: list[tuple[str, int]]) -> str | None:
    """The closest indexed word (fewest edits, then most documents, then a-z)."""
    word = fold(word)
    limit = 1 if len(word) <= 4 else 2
    own = sum(c for t, c in vocabulary if t == word)
    best = None
    for term, count in vocabulary:
        if term == word or count <= own:
            continue
        d = distance(word, term, limit)
        if d <= limit:
            key = (d, -count, term)
            if best is None or key < best:
                best = key
    return best[2] if best else None


def suggest_from_vocabulary(backend, word: str) -> str | None:
    """A replacement for a word fewer than RARE documents hold, from the backend's term
    dictionary (the words sharing its first letter), or None."""
    vocabulary = backend.vocabulary(word[0], limit=CANDIDATES)
    if sum(c for t, c in vocabulary if t == word) >= RARE:
        return None
    return best_match(word, vocabulary)


def did_you_mean(backend, parsed: ParsedQuery) -> str | None:
    """The query text with its rare words replaced by close, common indexed words, or
    None when no word needs (or has) a replacement."""
    text = parsed.text
    changed = False
    seen = set()
    for leaf in leaves(parsed.node, positive_only=True):
        if not isinstance(leaf, Term) or leaf.field not in (None, "title", "text"):
            continue
        word = fold(leaf.text)
        if word in seen or len(word) < 3 or word.isdigit():
            continue
        seen.add(word)
        better = backend.suggest_word(word)
        if better:
            text = re.sub(rf"(?<![\w]){re.escape(leaf.text)}(?![\w])", better, text, count=1)
            changed = True
    return text if changed and text != parsed.text else None


# --- names ------------------------------------------------------------------------------


def _official_names(kind: str, value: str) -> list[str]:
    """Official names whose name or alias is ``value`` (case-insensitive)."""
    from django.db import DatabaseError

    from datascores.entities.models import Alias, Entity

    try:
        exact = list(
            Entity.objects.filter(entity_type=kind, name__iexact=value).values_list(
                "name", flat=True
            )
        )
        if exact:
            return exact
        return sorted(
            set(
                Alias.objects.filter(entity__entity_type=kind, text__iexact=value).values_list(
                    "entity__name", flat=True
                )
            )
        )
    except DatabaseError:  # no database (a backend used on its own): the index decides
        return []


def _words(value: str) -> set[str]:
    return {fold(w) for w in re.findall(r"[^\W_]+", value)}


def resolve_name(backend, facet: str, value: str) -> str:
    """The official name the index holds for ``value`` (itself when nothing better)."""
    official = _official_names(NAME_FACETS[facet], value)
    if official == [value]:
        return value  # the vocabulary's own name: no need to list the index's values
    held = backend.facet_values(facet)
    if value in held:
        return value
    official = [n for n in official if n in held]
    if len(official) == 1:
        return official[0]
    wanted = _words(value)
    if not wanted:
        return value
    containing = [v for v in held if wanted <= _words(v)]
    if len(containing) == 1:
        return containing[0]
    exact = [v for v in held if fold(v) == fold(value)]
    return exact[0] if exact else value


def resolve_names(backend, request):
    """The request with its name filters read as official names, and a note for each
    one changed (in the query's notes, so every caller shows it)."""
    notes = []
    filters = dict(request.filters)
    for facet in NAME_FACETS:
        values = filters.get(facet)
        if not values:
            continue
        resolved = []
        for value in values:
            name = resolve_name(backend, facet, value)
            if name != value:
                notes.append(f"“{value}” was read as “{name}”.")
            resolved.append(name)
        filters[facet] = resolved
    if not notes:
        return request
    parsed = dataclasses.replace(request.parsed, notes=(*request.parsed.notes, *notes))
    return dataclasses.replace(request, filters=filters, query=parsed)
