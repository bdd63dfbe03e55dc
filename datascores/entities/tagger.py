"""Find the public bodies, companies and systems a document names, with evidence.

Pure: no database. A ``Tagger`` is compiled once from a ``Vocabulary`` into two
Aho-Corasick automata (one over lower-cased text for ordinary names, one over the text
as written for acronyms and bare place names), then ``Tagger.tag`` reads a document's
pages in one pass each.

Text and names are normalised the same way before matching, keeping every character in
place so offsets point into the original page text: curly quotes become straight,
hyphens and dashes become spaces ("Stockton-on-Tees" = "Stockton on Tees"), runs of
whitespace collapse to one space (tracked by an offset map). A hit counts only at word
boundaries ("Hackney" never inside "Hackneyed"). Where hits overlap the longest wins
("London Borough of Hackney" over "Hackney").

An alias marked ambiguous ("Mosaic", "i2", "KCC", a bare place name) counts only when
its entity is otherwise named unambiguously in the document (or issued it), or when one
of its context terms occurs within its window, or (tokens ``@system``, ``@company``,
``@authority``, ``@vendor``) such an entity is named nearby. When an ambiguous alias
belongs to several entities ("Mosaic": Experian's or Servelec's) the best-supported one
wins: document support first, then the nearest context term.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import ahocorasick

AUTHORITY = "authority"
COMPANY = "company"
SYSTEM = "system"
KINDS = (AUTHORITY, COMPANY, SYSTEM)

SNIPPET_CHARS = 80

# --- normalisation -----------------------------------------------------------------------

# Table borders ("|" from antiword) and private-use bullets separate words like spaces.
_SPACE_CHARS = (
    "|\uf0b7\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003"
    "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000"
    "\ufeff\ufffe"
)
_HYPHENS = "-\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_APOSTROPHES = "\u2018\u2019\u201b\u02bc\u2032\u00b4`"
_TRANS = str.maketrans(
    {
        **{c: " " for c in _SPACE_CHARS},
        **{c: " " for c in _HYPHENS},
        **{c: "'" for c in _APOSTROPHES},
    }
)
_MULTISPACE = re.compile(r" {2,}")
# The same mapping as _TRANS with regular expressions: several times faster than
# str.translate on long texts (which looks every character up in a dict).
_TO_SPACE = re.compile("[" + re.escape(_SPACE_CHARS + _HYPHENS) + "]")
_TO_APOSTROPHE = re.compile("[" + re.escape(_APOSTROPHES) + "]")


def _translate(text: str) -> str:
    return _TO_APOSTROPHE.sub("'", _TO_SPACE.sub(" ", text))


@dataclass
class Normalised:
    """A page's text prepared for matching, with a map back to original offsets."""

    cased: str
    lower: str
    _points: list[int]  # normalised positions after which characters were removed
    _removed: list[int]  # cumulative characters removed up to that point

    def to_original(self, pos: int) -> int:
        i = bisect.bisect_right(self._points, pos) - 1
        return pos + (self._removed[i] if i >= 0 else 0)

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        return self.to_original(start), self.to_original(end - 1) + 1


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters (e.g. "İ") lower to two; keep those as they are so offsets hold.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def normalise(text: str) -> Normalised:
    t = _translate(text)
    points: list[int] = []
    removed: list[int] = []
    if "  " in t:
        total = 0
        for ms, me in [m.span() for m in _MULTISPACE.finditer(t)]:
            # The run keeps its first space; characters after it shift left by `total`.
            points.append(ms + 1 - total)
            total += me - ms - 1
            removed.append(total)
        t = _MULTISPACE.sub(" ", t)
    return Normalised(t, _lower_same_length(t), points, removed)


def normalise_name(text: str) -> str:
    """A name as matched: same character mapping as page text, spaces collapsed, trimmed."""
    return _MULTISPACE.sub(" ", text.translate(_TRANS)).strip()


def fold(text: str) -> str:
    """Case-insensitive comparison key (curly and straight apostrophes alike)."""
    return _lower_same_length(normalise_name(text))


def _variants(text: str) -> set[str]:
    """Spelling variants a name is written in: '&' or 'and', with or without apostrophes."""
    base = normalise_name(text)
    out = {base}
    if " & " in base:
        out.add(base.replace(" & ", " and "))
    if " and " in base:
        out.add(base.replace(" and ", " & "))
    for v in list(out):
        if "'" in v:
            out.add(v.replace("'", ""))
    for v in list(out):
        if re.search(r"\bSt ", v):
            out.add(re.sub(r"\bSt ", "St. ", v))
    return {v for v in out if v}


def _is_word(c: str) -> bool:
    return c.isalnum()


# --- vocabulary ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityInfo:
    key: Hashable
    kind: str  # authority | company | system
    name: str
    vendor: Hashable | None = None  # systems: the vendor company's key
    domains: tuple[str, ...] = ()
    lookup_names: tuple[str, ...] = ()  # extra exact keys for metadata (slug, WDTK url_name)
    start_date: date | None = None
    end_date: date | None = None


@dataclass(frozen=True)
class AliasRule:
    text: str
    entity: Hashable
    case_sensitive: bool = False
    ambiguous: bool = False
    context: tuple[str, ...] = ()
    window: int = 150
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    alias_id: Hashable | None = None


@dataclass
class Vocabulary:
    entities: dict[Hashable, EntityInfo]
    aliases: list[AliasRule]
    version: Hashable = 0


# --- results -------------------------------------------------------------------------------


@dataclass
class Mention:
    entity: Hashable
    kind: str
    page: int
    start: int  # offsets into the page's original text
    end: int
    text: str
    snippet: str
    rule: str  # unambiguous | support | context | vendor-in-name
    alias_id: Hashable | None = None
    global_start: int = 0  # position in the whole document, for link distances


@dataclass
class Link:
    authority: Hashable
    entity: Hashable
    distance: int | None  # characters between the nearest mentions; None: not both in text


@dataclass
class TagResult:
    mentions: list[Mention] = field(default_factory=list)
    issuer: Hashable | None = None
    issuer_source: str = ""  # metadata | letterhead (heuristics) | ""
    issuer_evidence: str = ""
    issuer_page: int | None = None
    links: list[Link] = field(default_factory=list)

    def entities(self, kind: str | None = None) -> dict[Hashable, int]:
        counts: dict[Hashable, int] = defaultdict(int)
        for m in self.mentions:
            if kind is None or m.kind == kind:
                counts[m.entity] += 1
        return dict(counts)


@dataclass
class _Cand:
    start: int  # normalised offsets
    end: int
    rule: int  # index into Tagger.rules


# --- the tagger ----------------------------------------------------------------------------

_CLOSING_WORDS = (
    "yours sincerely",
    "yours faithfully",
    "kind regards",
    "best regards",
    "many thanks",
    "regards",
)
_BOILERPLATE_WORDS = (
    "complain",
    "appeal",
    "unhappy",
    "dissatisfied",
    "not satisfied",
    "not content",
    "information commissioner",
)


def _marker_automaton():
    a = ahocorasick.Automaton()
    for w in _BOILERPLATE_WORDS:
        a.add_word(w, (len(w), "b"))
    for w in _CLOSING_WORDS:
        a.add_word(w, (len(w), "c"))
    a.make_automaton()
    return a


_MARKERS = _marker_automaton()
_EMAIL_DOMAIN = re.compile(r"@([\w-]+(?:\.[\w-]+)+)")
_URL = re.compile(r"(?:https?://|www\.)([\w-]+(?:\.[\w-]+)+)")


class Tagger:
    """A vocabulary compiled for matching; build once, reuse for every document."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.entities = vocabulary.entities
        self.rules: list[AliasRule] = []
        self._rule_text: list[str] = []  # normalised, case as written
        lower_keys: dict[str, list[int]] = defaultdict(list)
        cased_keys: dict[str, list[int]] = defaultdict(list)
        for rule in vocabulary.aliases:
            if rule.entity not in self.entities:
                continue
            variants = _variants(rule.text)
            if rule.case_sensitive and " " in rule.text:
                # A name matched as written also matches in capitals ("KENT CC" letterheads).
                variants |= {v.upper() for v in variants}
            for variant in variants:
                idx = len(self.rules)
                self.rules.append(rule)
                self._rule_text.append(variant)
                if rule.case_sensitive:
                    cased_keys[variant].append(idx)
                else:
                    lower_keys[_lower_same_length(variant)].append(idx)
        self._lower = self._automaton(lower_keys)
        self._cased = self._automaton(cased_keys)
        self._context_res: dict[tuple[str, ...], tuple[re.Pattern | None, re.Pattern | None]] = {}
        self._vendor_rules: dict[Hashable, list[int]] = defaultdict(list)
        for i, rule in enumerate(self.rules):
            self._vendor_rules[rule.entity].append(i)
        # Exact lookups for issuer metadata and domains.
        self._by_name: dict[str, set[Hashable]] = defaultdict(set)
        self._by_domain: dict[str, Hashable] = {}
        for key, info in self.entities.items():
            for n in (info.name, *info.lookup_names):
                if n:
                    self._by_name[fold(n)].add(key)
            for d in info.domains:
                self._by_domain[d.lower().removeprefix("www.")] = key
        for rule in self.rules:
            if not rule.ambiguous:
                self._by_name[fold(rule.text)].add(rule.entity)

    @staticmethod
    def _automaton(keys: Mapping[str, list[int]]):
        if not keys:
            return None
        a = ahocorasick.Automaton()
        for k, v in keys.items():
            a.add_word(k, (len(k), tuple(v)))
        a.make_automaton()
        return a

    # --- matching ----------------------------------------------------------------------------

    def _raw_candidates(self, norm: Normalised) -> list[_Cand]:
        out: list[_Cand] = []
        lower, cased = norm.lower, norm.cased
        n = len(lower)
        for automaton, text in ((self._lower, lower), (self._cased, cased)):
            if automaton is None:
                continue
            for end_idx, (length, rule_ids) in automaton.iter(text):
                start = end_idx - length + 1
                end = end_idx + 1
                first, last = text[start], text[end_idx]
                if _is_word(first) and start > 0 and _is_word(lower[start - 1]):
                    continue
                if _is_word(last) and end < n and _is_word(lower[end]):
                    continue
                for r in rule_ids:
                    rule = self.rules[r]
                    if (rule.not_before or rule.not_after) and not self._neighbours_ok(
                        rule, cased, start, end
                    ):
                        continue
                    out.append(_Cand(start, end, r))
        return out

    @staticmethod
    def _neighbours_ok(rule: AliasRule, cased: str, start: int, end: int) -> bool:
        if rule.not_before:
            before = cased[max(0, start - 40) : start].rstrip(" '\"(")
            word = re.search(r"(\S+)$", before)
            if word and word.group(1).strip(".,;:") in rule.not_before:
                return False
        if rule.not_after:
            after = cased[end : end + 40].lstrip(" '\")")
            word = re.match(r"(\S+)", after)
            if word and word.group(1).strip(".,;:") in rule.not_after:
                return False
        return True

    @staticmethod
    def _select(cands: list[_Cand]) -> list[list[_Cand]]:
        """Longest non-overlapping spans; each span keeps every rule that matched it."""
        by_span: dict[tuple[int, int], list[_Cand]] = defaultdict(list)
        for c in cands:
            by_span[(c.start, c.end)].append(c)
        taken: list[tuple[int, int]] = []
        groups = []
        for span in sorted(by_span, key=lambda s: (-(s[1] - s[0]), s[0])):
            s, e = span
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append(span)
            groups.append(by_span[span])
        groups.sort(key=lambda g: g[0].start)
        return groups

    def _context_res_for(self, terms: tuple[str, ...]):
        got = self._context_res.get(terms)
        if got is None:
            words = [t for t in terms if not t.startswith("@")]
            cs = [normalise_name(t) for t in words if _acronym(t)]
            ci = [_lower_same_length(normalise_name(t)) for t in words if not _acronym(t)]
            cs_re = (
                re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, cs)) + r")(?!\w)")
                if cs
                else None
            )
            ci_re = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ci)) + r")") if ci else None
            got = (cs_re, ci_re)
            self._context_res[terms] = got
        return got

    def _context_distance(
        self,
        rule: AliasRule,
        norm: Normalised,
        start: int,
        end: int,
        accepted: list[tuple[int, int, Hashable, str]],
    ) -> int | None:
        """Distance to the nearest context evidence within the rule's window, or None."""
        lo = max(0, start - rule.window)
        hi = min(len(norm.lower), end + rule.window)
        best: int | None = None

        def consider(s: int, e: int) -> None:
            nonlocal best
            if s < end and start < e:
                return  # the alias itself
            d = start - e if e <= start else s - end
            if best is None or d < best:
                best = d

        cs_re, ci_re = self._context_res_for(rule.context)
        if cs_re:
            for m in cs_re.finditer(norm.cased, lo, hi):
                consider(m.start(), m.end())
        if ci_re:
            for m in ci_re.finditer(norm.lower, lo, hi):
                consider(m.start(), m.end())
        tokens = {t for t in rule.context if t.startswith("@")}
        if tokens:
            vendor = self.entities[rule.entity].vendor
            for s, e, key, kind in accepted:
                if e < lo or s > hi or key == rule.entity:
                    continue
                if f"@{kind}" in tokens or ("@vendor" in tokens and key == vendor):
                    consider(s, e)
        return best

    # --- the document ------------------------------------------------------------------------

    def find(self, text: str) -> list[tuple[int, int, Hashable, bool]]:
        """Every selected hit in one text: (start, end, entity, ambiguous). For titles and tests."""
        norm = normalise(text)
        out = []
        for group in self._select(self._raw_candidates(norm)):
            s, e = norm.span_to_original(group[0].start, group[0].end)
            for c in group:
                rule = self.rules[c.rule]
                out.append((s, e, rule.entity, rule.ambiguous))
        return out

    def tag(
        self,
        pages: Sequence[tuple[int, str]] | Iterable[tuple[int, str]],
        *,
        title: str = "",
        metadata: Mapping | None = None,
        doc_date: date | None = None,
    ) -> TagResult:
        pages = list(pages)
        prepared = []
        offset = 0
        support: set[Hashable] = set()
        for number, text in pages:
            norm = normalise(text)
            raw = self._raw_candidates(norm)
            groups = self._select(raw)
            prepared.append((number, text, norm, raw, groups, offset))
            offset += len(text) + 2
            for group in groups:
                for c in group:
                    rule = self.rules[c.rule]
                    if not rule.ambiguous:
                        support.add(rule.entity)

        result = TagResult()
        issuer, source, evidence, ev_page = self._issuer(prepared, title, metadata, support)
        if issuer is not None:
            support.add(issuer)
            result.issuer, result.issuer_source = issuer, source
            result.issuer_evidence, result.issuer_page = evidence, ev_page

        for number, text, norm, raw, groups, page_offset in prepared:
            mentions = self._page_mentions(number, text, norm, raw, groups, support, doc_date)
            for m in mentions:
                m.global_start = page_offset + m.start
            result.mentions.extend(mentions)
        result.links = self._links(result)
        return result

    def _page_mentions(self, number, text, norm, raw, groups, support, doc_date) -> list[Mention]:
        accepted: list[tuple[int, int, Hashable, str]] = []
        chosen: list[tuple[_Cand, str]] = []
        pending = []
        for gi, group in enumerate(groups):
            unamb = [c for c in group if not self.rules[c.rule].ambiguous]
            if not unamb:
                pending.append(gi)
                continue
            # Two entities share an unambiguous name only by a slip in the data: keep both
            # rather than guess.
            for c in _one_per_entity(unamb, self.rules):
                chosen.append((c, "unambiguous"))
                ent = self.entities[self.rules[c.rule].entity]
                accepted.append((c.start, c.end, ent.key, ent.kind))

        # Two passes: an ambiguous name accepted in the first pass ("YOIS") can be the
        # context that lets a neighbour ("ONE") through in the second.
        for _ in range(2):
            still = []
            for gi in pending:
                best = None
                for c in groups[gi]:
                    rule = self.rules[c.rule]
                    info = self.entities[rule.entity]
                    if rule.entity in support:
                        score = (0, 0, _date_penalty(info, doc_date))
                        how = "support"
                    elif "@vendor" in rule.context and info.vendor in support:
                        # The vendor is named elsewhere in the document: its product.
                        score = (0, 1, _date_penalty(info, doc_date))
                        how = "support"
                    else:
                        d = self._context_distance(rule, norm, c.start, c.end, accepted)
                        if d is None:
                            continue
                        score = (1, d, _date_penalty(self.entities[rule.entity], doc_date))
                        how = "context"
                    if best is None or score < best[0]:
                        best = (score, c, how)
                if best is None:
                    still.append(gi)
                    continue
                _, c, how = best
                chosen.append((c, how))
                ent = self.entities[self.rules[c.rule].entity]
                accepted.append((c.start, c.end, ent.key, ent.kind))
            if len(still) == len(pending):
                break
            pending = still

        mentions = []
        for c, how in chosen:
            rule = self.rules[c.rule]
            mentions.append(self._mention(number, text, norm, c.start, c.end, rule, how))
            ent = self.entities[rule.entity]
            if ent.kind == SYSTEM and ent.vendor is not None:
                mentions.extend(self._vendor_inside(number, text, norm, raw, c, ent.vendor))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _vendor_inside(self, number, text, norm, raw, cand, vendor) -> list[Mention]:
        """'Experian Mosaic', 'Qlik Sense': the system's name also names its vendor."""
        for c in raw:
            rule = self.rules[c.rule]
            if rule.entity == vendor and cand.start <= c.start and c.end <= cand.end:
                return [self._mention(number, text, norm, c.start, c.end, rule, "vendor-in-name")]
        return []

    def _mention(self, number, text, norm, start, end, rule: AliasRule, how: str) -> Mention:
        s, e = norm.span_to_original(start, end)
        ent = self.entities[rule.entity]
        return Mention(
            entity=ent.key,
            kind=ent.kind,
            page=number,
            start=s,
            end=e,
            text=text[s:e],
            snippet=snippet(text, s, e),
            rule=how,
            alias_id=rule.alias_id,
        )

    # --- issuer ------------------------------------------------------------------------------

    def resolve_name(self, value: str) -> Hashable | None:
        """An authority named exactly (official name, alias, slug or WDTK url_name)."""
        keys = [k for k in self._by_name.get(fold(value), ()) if self.entities[k].kind == AUTHORITY]
        return keys[0] if len(keys) == 1 else None

    def _domain_entity(self, domain: str) -> Hashable | None:
        d = domain.lower().removeprefix("www.").replace(".pnn.police.uk", ".police.uk")
        while d.count(".") >= 1:
            key = self._by_domain.get(d)
            if key is not None:
                return key
            d = d.split(".", 1)[1]
        return None

    def _issuer(self, prepared, title, metadata, support):
        if metadata:
            for field_name in ("authority", "public_body", "authority_url_name", "url_name"):
                value = metadata.get(field_name)
                if isinstance(value, dict):
                    value = value.get("url_name") or value.get("name")
                if isinstance(value, str) and value.strip():
                    key = self.resolve_name(value.strip())
                    if key is not None:
                        return key, "metadata", f"Request metadata: {value.strip()}", None
        scores: dict[Hashable, float] = defaultdict(float)
        why: dict[Hashable, tuple[float, str, int | None]] = {}

        def credit(key, points, reason, page=None):
            if self.entities[key].kind != AUTHORITY:
                return
            scores[key] += points
            if key not in why or points > why[key][0]:
                why[key] = (points, reason, page)

        if title:
            for _s, _e, key, _amb in self.find(title):
                credit(key, 4, f"Title: {title}")
        if not prepared:
            return None, "", "", None
        counts: dict[Hashable, int] = defaultdict(int)
        markers = [_markers(norm.lower) for (_n, _t, norm, _r, _g, _o) in prepared]
        last_closing = None
        for (number, *_rest), (_boiler, closings) in zip(prepared, markers, strict=True):
            if closings:
                last_closing = (number, closings[-1])
        for idx, (number, text, norm, _raw, groups, _off) in enumerate(prepared):
            first = idx == 0
            is_last = idx == len(prepared) - 1
            boiler = markers[idx][0]
            size = len(norm.lower)

            def in_boilerplate(pos: int, boiler=boiler) -> bool:
                i = bisect.bisect_left(boiler, pos - 250)
                return i < len(boiler) and boiler[i] < pos

            for group in groups:
                s = group[0].start  # normalised offsets throughout
                if in_boilerplate(s):
                    continue
                if norm.lower.endswith("dear ", max(0, s - 5), s):
                    for c in group:
                        scores[self.rules[c.rule].entity] -= 3
                    continue
                keys = {self.rules[c.rule].entity for c in group}
                amb = all(self.rules[c.rule].ambiguous for c in group)
                zone = _zone(s, number, size, first, is_last, last_closing)
                for key in keys:
                    if amb and key not in support and len(keys) > 1:
                        continue
                    if zone:
                        o_s, o_e = norm.span_to_original(s, group[0].end)
                        credit(key, 2 if amb else 3, f"{zone}: {snippet(text, o_s, o_e)}", number)
                    if not amb:
                        counts[key] += 1
            for at in _find_all(norm.lower, "@"):
                m = _EMAIL_DOMAIN.match(norm.lower, at)
                key = self._domain_entity(m.group(1)) if m else None
                if key is not None and not in_boilerplate(at):
                    where = _zone(at, number, size, first, is_last, last_closing)
                    o = norm.to_original(at)
                    credit(
                        key,
                        4 if where else 3,
                        f"E-mail address: {snippet(text, o, o + 1, 40)}",
                        number,
                    )
            for m in _URL.finditer(norm.lower):
                key = self._domain_entity(m.group(1))
                if key is not None and not in_boilerplate(m.start()):
                    credit(key, 1, f"Web address: {m.group(0)}", number)
        for key, n in counts.items():
            scores[key] += min(n, 3)
        if not scores:
            return None, "", "", None
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], -counts.get(kv[0], 0)))
        key, score = ranked[0]
        if score < 4 or (len(ranked) > 1 and ranked[1][1] == score):
            return None, "", "", None
        _pts, reason, page = why.get(key, (0, "", None))
        return key, "letterhead", reason, page

    # --- links -------------------------------------------------------------------------------

    def _links(self, result: TagResult) -> list[Link]:
        positions: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
        for m in result.mentions:
            positions[m.entity].append((m.global_start, m.global_start + (m.end - m.start)))
        authorities = {m.entity for m in result.mentions if m.kind == AUTHORITY}
        if result.issuer is not None:
            authorities.add(result.issuer)
        others = {m.entity for m in result.mentions if m.kind in (COMPANY, SYSTEM)}
        links = []
        for a in sorted(authorities, key=str):
            for o in sorted(others, key=str):
                links.append(Link(a, o, _min_distance(positions.get(a, []), positions[o])))
        return links


def _zone(pos: int, number: int, size: int, first: bool, is_last: bool, last_closing) -> str:
    """Where an issuer shows itself: the top of the first page, after the sign-off, the
    foot of the last page."""
    if first and pos < 600:
        return "Letterhead"
    if last_closing and number == last_closing[0] and 0 <= pos - last_closing[1] < 500:
        return "Sign-off"
    if is_last and pos > size - 400:
        return "Footer"
    return ""


def _find_all(text: str, needle: str):
    i = text.find(needle)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1)


def _markers(lower: str) -> tuple[list[int], list[int]]:
    """Positions of appeal boilerplate and of closings ("Yours sincerely") in lower-cased
    normalised text, in one pass."""
    boiler: list[int] = []
    closings: list[int] = []
    for end, (length, cat) in _MARKERS.iter(lower):
        start = end - length + 1
        if start > 0 and lower[start - 1].isalnum():
            continue
        if cat == "b":
            boiler.append(start)
        else:
            closings.append(end + 1)
    return boiler, closings


def _acronym(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(term) <= 6


def _one_per_entity(cands: list[_Cand], rules: list[AliasRule]) -> list[_Cand]:
    seen = set()
    out = []
    for c in cands:
        ent = rules[c.rule].entity
        if ent not in seen:
            seen.add(ent)
            out.append(c)
    return out


def _date_penalty(info: EntityInfo, when: date | None) -> int:
    """Prefer the entity that existed on the document's date (a council before or after
    a reorganisation)."""
    if when is None:
        return 0
    if info.end_date and when > info.end_date:
        return 1
    if info.start_date and when < info.start_date:
        return 1
    return 0


def _min_distance(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int | None:
    """Characters between the closest pair of spans, one from each list (0 if they touch)."""
    if not a or not b:
        return None
    events = sorted([(s, e, 0) for s, e in a] + [(s, e, 1) for s, e in b])
    best: int | None = None
    last_end = [None, None]  # furthest end seen so far in each list
    for s, e, side in events:
        other = last_end[1 - side]
        if other is not None:
            d = max(0, s - other)
            best = d if best is None else min(best, d)
            if best == 0:
                return 0
        if last_end[side] is None or e > last_end[side]:
            last_end[side] = e
    return best


def snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """The match with some text either side, whitespace collapsed (plain text, unescaped)."""
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    # Cut at word boundaries so the snippet never starts or ends mid-word.
    while lo > 0 and not text[lo - 1].isspace() and start - lo < width + 20:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < width + 20:
        hi += 1
    out = " ".join(text[lo:hi].split())
    if lo > 0:
        out = "…" + out
    if hi < len(text):
        out += "…"
    return out
