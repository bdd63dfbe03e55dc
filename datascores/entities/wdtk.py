"""Match WhatDoTheyKnow's authority list to our public bodies.

WhatDoTheyKnow (Alaveteli) publishes every authority as CSV at /body/all-authorities.csv
with the header: Name, Short name, URL name, Tags, Home page, Publication scheme,
Disclosure log, Notes, Created at, Updated at, Version. We match each row's url_name to a
public body: an exact official name first, then an unambiguous alias, then proposals that
a person reviews in the admin: the home page's domain, or a fuzzy (difflib) name.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from .tagger import fold

DEFAULT_URL = "https://www.whatdotheyknow.com/body/all-authorities.csv"
FUZZY_CUTOFF = 0.85
_STOP = {
    "the", "and", "of", "council", "borough", "county", "district", "city", "metropolitan",
    "london", "royal", "nhs", "trust", "foundation", "police", "constabulary", "for", "service",
    "services", "authority", "combined",
}  # fmt: skip


@dataclass
class WdtkRow:
    name: str
    short_name: str
    url_name: str
    tags: str
    home_page: str


@dataclass
class Proposal:
    row: WdtkRow
    body_id: int | None
    method: str  # exact | alias | domain | fuzzy | none
    score: float


def parse_authorities_csv(data: bytes | str) -> list[WdtkRow]:
    """Rows of WhatDoTheyKnow's all-authorities.csv (header names matched loosely)."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text))
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
    missing = {"name", "url name"} - set(fields)
    if missing:
        raise ValueError(
            f"Not a WhatDoTheyKnow authority list: missing column(s) {', '.join(sorted(missing))}"
        )

    def col(row, key):
        f = fields.get(key)
        return (row.get(f) or "").strip() if f else ""

    rows = []
    for row in reader:
        url_name = col(row, "url name")
        if not url_name:
            continue
        rows.append(
            WdtkRow(
                name=col(row, "name"),
                short_name=col(row, "short name"),
                url_name=url_name,
                tags=col(row, "tags"),
                home_page=col(row, "home page"),
            )
        )
    return rows


def _strip_the(name: str) -> str:
    return re.sub(r"^the\s+", "", name, flags=re.I)


def _domain(url: str) -> str:
    if not url:
        return ""
    if "//" not in url:
        url = "http://" + url
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _tokens(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", fold(name)) if len(w) > 2 and w not in _STOP}


class Matcher:
    """Our public bodies indexed for matching: names, unambiguous aliases, domains."""

    def __init__(
        self,
        bodies: dict[int, str],
        aliases: list[tuple[int, str]],
        domains: dict[int, list[str]],
        url_names: dict[str, int] | None = None,
        *,
        ended: set[int] | None = None,
    ):
        self.names: dict[str, int] = {}
        for pk, name in bodies.items():
            self.names[fold(name)] = pk
        alias_map: dict[str, set[int]] = defaultdict(set)
        for pk, text in aliases:
            alias_map[fold(text)].add(pk)
        self.aliases = {k: next(iter(v)) for k, v in alias_map.items() if len(v) == 1}
        # A domain several bodies share (a council and its successor, a county and its
        # districts) points at the one still existing, or at none.
        by_domain: dict[str, set[int]] = defaultdict(set)
        for pk, ds in domains.items():
            for d in ds:
                by_domain[d.lower().removeprefix("www.")].add(pk)
        ended = ended or set()
        self.domains: dict[str, int] = {}
        for d, pks in by_domain.items():
            live = pks - ended if len(pks) > 1 else pks
            if len(live) == 1:
                self.domains[d] = next(iter(live))
        self.url_names = url_names or {}
        self._by_token: dict[str, set[str]] = defaultdict(set)
        for n in self.names:
            for t in _tokens(n):
                self._by_token[t].add(n)

    def match(self, row: WdtkRow) -> Proposal:
        if row.url_name in self.url_names:
            return Proposal(row, self.url_names[row.url_name], "exact", 1.0)
        for name in (row.name, _strip_the(row.name)):
            pk = self.names.get(fold(name))
            if pk is not None:
                return Proposal(row, pk, "exact", 1.0)
        for name in (row.name, _strip_the(row.name), row.short_name):
            if name:
                pk = self.aliases.get(fold(name))
                if pk is not None:
                    return Proposal(row, pk, "alias", 1.0)
        domain = _domain(row.home_page)
        if domain and domain in self.domains:
            return Proposal(row, self.domains[domain], "domain", 1.0)
        candidates = set()
        for t in _tokens(row.name):
            candidates |= self._by_token.get(t, set())
        if candidates:
            target = fold(_strip_the(row.name))
            best = difflib.get_close_matches(target, sorted(candidates), n=1, cutoff=FUZZY_CUTOFF)
            if best:
                score = difflib.SequenceMatcher(None, target, best[0]).ratio()
                return Proposal(row, self.names[best[0]], "fuzzy", round(score, 3))
        return Proposal(row, None, "none", 0.0)
