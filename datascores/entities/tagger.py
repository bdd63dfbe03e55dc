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
one of its context terms occurs within its window, or (tokens ``@system``, ``@company``,
``@authority``, ``@vendor``) such an entity is named nearby, or its entity is otherwise
named unambiguously in the document (or issued it). When an ambiguous alias belongs to
several entities ("Mosaic": Experian's or Servelec's) the text around it decides first:
the entity with the nearest context term wins; the document's date, then what the
document names elsewhere, only break ties; a tie left after that drops the mention.
Some aliases also count only right next to certain words ("Reading" before "council")
or never at the start of a sentence, where any word has a capital.

Names in appeal boilerplate ("If you are unhappy ... the Information Commissioner") are
kept apart: they are not tags and make no links.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import ahocorasick

AUTHORITY = "authority"
COMPANY = "company"
SYSTEM = "system"

# Words right before a company's name that say it is one: "supplied by", "contract with".
_SUPPLIER_BEFORE = re.compile(
    r"(?:(?:supplied|provided|developed|licensed|licenced|hosted|built|sold|owned|acquired|"
    r"maintained|delivered) by|(?:contract|contracts|agreement|partnership) with|"
    r"(?:purchased|procured|licensed|licenced|bought) from|(?:supplier|vendor|provider)"
    r"(?: is| was|:|,)?) +(?:the +)?$"
)
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
    original: str
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
    return Normalised(t, _lower_same_length(t), text, points, removed)


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
    # When either is set, the alias counts only directly after one of need_before or
    # directly before one of need_after ("Reading" + "council", "borough of" + "Bury").
    need_before: tuple[str, ...] = ()
    need_after: tuple[str, ...] = ()
    not_sentence_start: bool = False  # a common word capitalised by the sentence


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
    rule: str  # unambiguous | support | context | vendor-in-name | boilerplate
    alias_id: Hashable | None = None
    global_start: int = 0  # position in the whole document, for link distances
    norm_start: int = 0  # position in the page's normalised text


@dataclass
class Link:
    authority: Hashable
    entity: Hashable
    distance: int | None  # characters between the nearest mentions; None: not both in text
    issuer: bool = False  # the authority issued the document


@dataclass
class TagResult:
    mentions: list[Mention] = field(default_factory=list)
    # Names inside appeal boilerplate: recognised, but neither tags nor links.
    boilerplate: list[Mention] = field(default_factory=list)
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

# Phrases that open the appeal paragraph of an FOI response ("If you are unhappy with ...
# you can complain to the Information Commissioner"): names from there to a little after
# are boilerplate. Plain "complain" or "internal review" are not enough: responses to an
# internal review and complaints data mention those in earnest.
_APPEAL_PHRASES = (
    "if you are unhappy",
    "if you are dissatisfied",
    "if you are not satisfied",
    "if you're not satisfied",
    "if you're still not satisfied",
    "if you are still not satisfied",
    "if you are not content",
    "if you remain dissatisfied",
    "if you remain unhappy",
    "you remain dissatisfied",
    "remain dissatisfied with",
    "not content with the outcome",
    "not satisfied with the outcome",
    "unhappy with the outcome",
    "dissatisfied with the outcome",
    "dissatisfied with the handling",
    "unhappy with the handling",
    "unhappy with the way",
    "dissatisfied with the way",
    "right of appeal",
    "right to appeal",
    "right to complain",
    "right to apply to the information commissioner",
    "complain to the information commissioner",
    "apply directly to the information commissioner",
    "appeal to the information commissioner",
    "write to the information commissioner",
    "contact the information commissioner",
    "refer the matter to the information commissioner",
    "information commissioner can be contacted",
    "section 50 of the freedom of information act",
)
_APPEAL_AFTER = 200  # the address block that follows the phrase
_APPEAL_BEFORE = 300  # at most this far back to the start of the phrase's sentence
_SENTENCE_END = re.compile(r"[.!?;:] ")


def _marker_automaton():
    a = ahocorasick.Automaton()
    for w in _BOILERPLATE_WORDS:
        a.add_word(w, (len(w), "b"))
    for w in _CLOSING_WORDS:
        a.add_word(w, (len(w), "c"))
    for w in _APPEAL_PHRASES:
        a.add_word(w, (len(w), "a"))
    a.make_automaton()
    return a


_MARKERS = _marker_automaton()
_EMAIL_DOMAIN = re.compile(r"@([\w-]+(?:\.[\w-]+)+)")
_URL = re.compile(r"(?:https?://|www\.)([\w-]+(?:\.[\w-]+)+)")


# A place named at the start of another organisation's or a product's name ("Kent and
# Medway Data Partnership", "Leeds Data Model", "Bristol Airport") names no council.
_OTHER_NAME_AFTER = re.compile(
    r"(?:,? (?:and|&) [A-Z][\w'’-]+)*(?: (?:of |upon |on |the )?[A-Z][\w'’&-]+){0,5} "
    r"(?:Partnership|Partnerships|Hub|"
    r"Network|Model|Programme|Project|Alliance|Forum|Observatory|Datastore|Airport|Port|"
    r"Harbour|College|Academy|School|Hospice|Chamber|Consortium|Collaborative|Federation|"
    r"Wildlife Trust|Community Foundation|Growth Hub|LEP|Data Model|Ltd|Limited|LTD|LIMITED|plc|"
    r"PLC|LLP|CIC|Solutions|Technologies|Software|Consulting|Analytics|Digital|Insight|Data)\b"
)


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
        # Rules whose neighbours must be looked at (most need not: keep the loop cheap).
        self._checks = [
            bool(
                r.not_before or r.not_after or r.need_before or r.need_after or r.not_sentence_start
            )
            for r in self.rules
        ]
        # Aliases that are their entity's official name (a tie-break between bodies that
        # share a name across a reorganisation).
        self._official = [fold(r.text) == fold(self.entities[r.entity].name) for r in self.rules]
        # Exact lookups for issuer metadata and domains.
        self._by_name: dict[str, set[Hashable]] = defaultdict(set)
        self._by_domain: dict[str, list[Hashable]] = defaultdict(list)
        for key, info in self.entities.items():
            for n in (info.name, *info.lookup_names):
                if n:
                    self._by_name[fold(n)].add(key)
            for d in info.domains:
                # Several bodies can share a domain (a council and its successor, a
                # website shared by a county and its districts): the date decides.
                self._by_domain[d.lower().removeprefix("www.")].append(key)
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
                    if self._checks[r] and not self._neighbours_ok(self.rules[r], norm, start, end):
                        continue
                    out.append(_Cand(start, end, r))
        return out

    @staticmethod
    def _neighbours_ok(rule: AliasRule, norm: Normalised, start: int, end: int) -> bool:
        cased = norm.cased
        if rule.not_before:
            before = cased[max(0, start - 40) : start].rstrip(" '\"(")
            word = re.search(r"(\S+)$", before)
            if word and word.group(1).strip(".,;:") in rule.not_before:
                return False
        if rule.not_after and _starts_with_any(cased[end : end + 40], rule.not_after):
            return False
        if (rule.need_before or rule.need_after) and not (
            _next_to(norm.lower, end, rule.need_after, after=True)
            or _next_to(norm.lower, start, rule.need_before, after=False)
        ):
            return False
        return not (rule.not_sentence_start and _sentence_start(norm, start))

    @staticmethod
    def _select(cands: list[_Cand]) -> list[list[_Cand]]:
        """Longest non-overlapping spans; each span keeps every rule that matched it."""
        by_span: dict[tuple[int, int], list[_Cand]] = defaultdict(list)
        for c in cands:
            by_span[(c.start, c.end)].append(c)
        # Spans taken so far, disjoint and sorted by start: only the last one that starts
        # before a new span ends can overlap it (a bisection, not a scan of them all).
        starts: list[int] = []
        ends: list[int] = []
        groups = []
        for span in sorted(by_span, key=lambda s: (-(s[1] - s[0]), s[0])):
            s, e = span
            i = bisect.bisect_left(starts, e)
            if i and ends[i - 1] > s:
                continue
            starts.insert(i, s)
            ends.insert(i, e)
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
        """Distance to the nearest context evidence within the rule's window, or None. A
        capitalised company name right after "supplied by", "contract with", "supplier:"
        ("supplied by Northgate") is its own evidence."""
        if (
            self.entities[rule.entity].kind == COMPANY
            and norm.cased[start : start + 1].isupper()
            and _SUPPLIER_BEFORE.search(norm.lower, max(0, start - 40), start)
        ):
            return 0
        lo = max(0, start - rule.window)
        hi = min(len(norm.lower), end + rule.window)
        spans = [
            *self._context_words(rule, norm, lo, hi, accepted),
            *self._context_entities(rule, lo, hi, accepted),
        ]
        distances = [
            start - e if e <= start else s - end
            for s, e in spans
            if not (s < end and start < e)  # the alias itself
        ]
        return min(distances, default=None)

    def _context_words(self, rule: AliasRule, norm: Normalised, lo: int, hi: int, accepted):
        """Spans of the rule's context words between lo and hi. For a body, a council word
        inside another body's name is no evidence: in "Sessions House, Maidstone. Kent
        County Council ..." Maidstone is an address."""
        check = bool(accepted) and self.entities[rule.entity].kind == AUTHORITY
        cs_re, ci_re = self._context_res_for(rule.context)
        matches = [
            *(cs_re.finditer(norm.cased, lo, hi) if cs_re else ()),
            *(ci_re.finditer(norm.lower, lo, hi) if ci_re else ()),
        ]
        for m in matches:
            s, e = m.start(), m.end()
            if check and any(
                a_s <= s and e <= a_e and kind == AUTHORITY and key != rule.entity
                for a_s, a_e, key, kind in accepted
            ):
                continue
            yield s, e

    def _context_entities(self, rule: AliasRule, lo: int, hi: int, accepted):
        """Spans of accepted entities the rule counts as context (``@company``,
        ``@vendor``, ...) between lo and hi."""
        tokens = {t for t in rule.context if t.startswith("@")}
        if not tokens:
            return
        vendor = self.entities[rule.entity].vendor
        for s, e, key, kind in accepted:
            if e < lo or s > hi or key == rule.entity:
                continue
            if f"@{kind}" in tokens or ("@vendor" in tokens and key == vendor):
                yield s, e

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
            prepared.append((number, text, norm, raw, groups, offset, _markers(norm.lower)))
            offset += len(text) + 2
            for group in groups:
                for c in self._unambiguous(group, doc_date):
                    support.add(self.rules[c.rule].entity)

        result = TagResult()
        issuer, source, evidence, ev_page = self._issuer(
            prepared, title, metadata, support, doc_date
        )
        if issuer is not None:
            support.add(issuer)
            result.issuer, result.issuer_source = issuer, source
            result.issuer_evidence, result.issuer_page = evidence, ev_page

        for number, text, norm, raw, groups, page_offset, markers in prepared:
            mentions = self._page_mentions(number, text, norm, raw, groups, support, doc_date)
            for m in mentions:
                m.global_start = page_offset + m.start
                if markers.appeal and markers.in_appeal(m.norm_start):
                    m.rule = "boilerplate"
                    result.boilerplate.append(m)
                else:
                    result.mentions.append(m)
        result.links = self._links(result)
        return result

    def _unambiguous(self, group: list[_Cand], when: date | None) -> list[_Cand]:
        """The group's unambiguous hits, one per entity, chosen by date where bodies share
        the name."""
        if len(group) == 1:
            return [] if self.rules[group[0].rule].ambiguous else group
        unamb = [c for c in group if not self.rules[c.rule].ambiguous]
        return self._by_date(_one_per_entity(unamb, self.rules), when)

    def _by_date(self, cands: list[_Cand], when: date | None) -> list[_Cand]:
        """Of several bodies named alike (a council and its successor: "Somerset Council"),
        the one that existed on the document's date; undated, the one whose official name
        it is, else the one that still exists."""
        if len(cands) < 2:
            return cands

        def key(c: _Cand) -> tuple[int, bool, bool]:
            info = self.entities[self.rules[c.rule].entity]
            return (
                _date_penalty(info, when),
                not self._official[c.rule],
                info.end_date is not None,
            )

        best = min(key(c) for c in cands)
        return [c for c in cands if key(c) == best]

    def _resolve(self, group, norm, accepted, support, doc_date):
        """Which entity an ambiguous name is: ("context" or "support", candidate), "tie"
        when two entities are equally likely, or None when nothing supports any."""
        if _OTHER_NAME_AFTER.match(norm.cased, group[0].end):
            # "the Kent and Medway Data Partnership": not Kent County Council
            group = [c for c in group if self.entities[self.rules[c.rule].entity].kind != AUTHORITY]
            if not group:
                return None
        first = self.rules[group[0].rule].entity
        if first in support and all(self.rules[c.rule].entity == first for c in group):
            return "support", group[0]  # nothing to choose between: no need to look around
        best: dict[Hashable, tuple[tuple, _Cand, str]] = {}
        for c in group:
            rule = self.rules[c.rule]
            info = self.entities[rule.entity]
            if rule.entity in support:
                sup = 0
            elif "@vendor" in rule.context and info.vendor is not None and info.vendor in support:
                sup = 1  # the vendor is named elsewhere in the document: its product
            else:
                sup = 2
            d = self._context_distance(rule, norm, c.start, c.end, accepted)
            if d is None and sup == 2:
                continue
            # The text nearby first; the date and the rest of the document break ties.
            if d is not None:
                score, how = (0, d, _date_penalty(info, doc_date), sup), "context"
            else:
                score, how = (1, 0, _date_penalty(info, doc_date), sup), "support"
            cur = best.get(rule.entity)
            if cur is None or score < cur[0]:
                best[rule.entity] = (score, c, how)
        if not best:
            return None
        ranked = sorted(best.values(), key=lambda t: t[0])
        if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
            return "tie"
        return ranked[0][2], ranked[0][1]

    def _page_mentions(self, number, text, norm, raw, groups, support, doc_date) -> list[Mention]:
        accepted: list[tuple[int, int, Hashable, str]] = []
        chosen: list[tuple[_Cand, str]] = []
        pending = []
        for gi, group in enumerate(groups):
            # Two entities share an unambiguous name: a council and its successor (the
            # date decides), or a slip in the data (keep both rather than guess).
            unamb = self._unambiguous(group, doc_date)
            if not unamb:
                pending.append(gi)
                continue
            for c in unamb:
                chosen.append((c, "unambiguous"))
                ent = self.entities[self.rules[c.rule].entity]
                accepted.append((c.start, c.end, ent.key, ent.kind))

        # Two passes: an ambiguous name accepted in the first pass ("YOIS") can be the
        # context that lets a neighbour ("ONE") through in the second.
        for _ in range(2):
            still = []
            for gi in pending:
                got = self._resolve(groups[gi], norm, accepted, support, doc_date)
                if got is None or got == "tie":
                    still.append(gi)
                    continue
                how, c = got
                chosen.append((c, how))
                ent = self.entities[self.rules[c.rule].entity]
                accepted.append((c.start, c.end, ent.key, ent.kind))
            if len(still) == len(pending):
                break
            pending = still

        mentions = []
        # raw matches by where they start, built once a page (not once a system named)
        by_start: dict[int, list[_Cand]] = defaultdict(list)
        for c in raw:
            by_start[c.start].append(c)
        for c, how in chosen:
            rule = self.rules[c.rule]
            mentions.append(self._mention(number, text, norm, c.start, c.end, rule, how))
            ent = self.entities[rule.entity]
            if ent.kind == SYSTEM and ent.vendor is not None:
                mentions.extend(self._vendor_inside(number, text, norm, by_start, c, ent.vendor))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def _vendor_inside(self, number, text, norm, by_start, cand, vendor) -> list[Mention]:
        """'Experian Mosaic', 'Qlik Sense': the system's name also names its vendor.
        ``by_start``: the page's raw matches by where they start."""
        for at in range(cand.start, cand.end):
            for c in by_start.get(at, ()):
                rule = self.rules[c.rule]
                if rule.entity == vendor and c.end <= cand.end:
                    return [
                        self._mention(number, text, norm, c.start, c.end, rule, "vendor-in-name")
                    ]
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
            norm_start=start,
        )

    # --- issuer ------------------------------------------------------------------------------

    def resolve_name(self, value: str, when: date | None = None) -> Hashable | None:
        """An authority named exactly (official name, alias, slug or WDTK url_name)."""
        keys = [k for k in self._by_name.get(fold(value), ()) if self.entities[k].kind == AUTHORITY]
        if len(keys) > 1:
            keys = self._bodies_on(keys, when, fold(value))
        return keys[0] if len(keys) == 1 else None

    def _bodies_on(self, keys: list[Hashable], when: date | None, name: str = "") -> list:
        """Of bodies that share a name or a domain, those that existed on the date;
        undated, the one whose official name it is, else those that still exist."""
        if when is not None:
            return [k for k in keys if not _date_penalty(self.entities[k], when)]
        named = [k for k in keys if name and fold(self.entities[k].name) == name]
        if named:
            return named
        return [k for k in keys if self.entities[k].end_date is None]

    def _domain_entity(self, domain: str, when: date | None = None) -> Hashable | None:
        d = domain.lower().removeprefix("www.").replace(".pnn.police.uk", ".police.uk")
        while d.count(".") >= 1:
            keys = self._by_domain.get(d)
            if keys:
                if len(keys) > 1:
                    keys = self._bodies_on(keys, when)
                return keys[0] if len(keys) == 1 else None
            d = d.split(".", 1)[1]
        return None

    def _issuer(self, prepared, title, metadata, support, doc_date=None):
        """(key, source, evidence, page) of the body that issued the document, or
        (None, "", "", None): the request's metadata names it, or the letterhead scores
        (see the ISSUER_* points) pick one body clearly ahead of the others."""
        named = self._metadata_issuer(metadata, doc_date)
        if named is not None:
            return named
        scores = _IssuerScores(self.entities)
        if title:
            self._score_title(scores, title, doc_date)
        if not prepared:
            return None, "", "", None
        last_closing = None
        for number, *_rest, markers in prepared:
            if markers.closings:
                last_closing = (number, markers.closings[-1])
        for idx, page in enumerate(prepared):
            where = _PagePlace(idx == 0, idx == len(prepared) - 1, last_closing)
            self._score_page(scores, page, where, support, doc_date)
        best = scores.best()
        if best is None:
            return None, "", "", None
        key, reason, page = best
        return key, "letterhead", reason, page

    def _metadata_issuer(self, metadata, doc_date):
        """The body an FOI request's metadata names (``metadata["foi"]`` as the importer
        writes it, or the fields at the top level), if it resolves to one."""
        if not metadata:
            return None
        foi = metadata.get("foi")
        for record in (foi if isinstance(foi, Mapping) else None, metadata):
            if not record:
                continue
            for field_name in _ISSUER_FIELDS:
                value = record.get(field_name)
                if isinstance(value, dict):
                    value = value.get("url_name") or value.get("name")
                if isinstance(value, str) and value.strip():
                    key = self.resolve_name(value.strip(), doc_date)
                    if key is not None:
                        return key, "metadata", f"Request metadata: {value.strip()}", None
        return None

    def _score_title(self, scores: _IssuerScores, title: str, doc_date) -> None:
        by_span: dict[tuple[int, int], list[Hashable]] = defaultdict(list)
        for s, e, key, _amb in self.find(title):
            if self.entities[key].kind == AUTHORITY:
                by_span[(s, e)].append(key)
        for (s, e), keys in by_span.items():
            if len(keys) > 1:
                keys = self._bodies_on(keys, doc_date, fold(title[s:e]))
            if len(keys) == 1:
                scores.credit(keys[0], ISSUER_TITLE_POINTS, f"Title: {title}")

    def _score_page(self, scores: _IssuerScores, page, where, support, doc_date) -> None:
        """Points from one page: names in its letterhead, sign-off or footer, e-mail and
        web addresses at a body's domain; nothing inside boilerplate."""
        number, text, norm, _raw, groups, _off, markers = page
        size = len(norm.lower)
        boiler = markers.boiler

        def in_boilerplate(pos: int) -> bool:
            if markers.appeal and markers.in_appeal(pos):
                return True
            i = bisect.bisect_left(boiler, pos - 250)
            return i < len(boiler) and boiler[i] < pos

        for group in groups:
            s = group[0].start  # normalised offsets throughout
            if in_boilerplate(s):
                continue
            if norm.lower.endswith("dear ", max(0, s - 5), s):
                for c in group:  # written to this body, so not by it
                    scores.points[self.rules[c.rule].entity] -= ISSUER_DEAR_PENALTY
                continue
            zone = where.zone(s, number, size)
            self._score_names(scores, group, zone, page, support, doc_date)
        for at in _find_all(norm.lower, "@"):
            m = _EMAIL_DOMAIN.match(norm.lower, at)
            key = self._domain_entity(m.group(1), doc_date) if m else None
            if key is not None and not in_boilerplate(at):
                zone = where.zone(at, number, size)
                o = norm.to_original(at)
                points = ISSUER_EMAIL_ZONE_POINTS if zone else ISSUER_EMAIL_POINTS
                scores.credit(key, points, f"E-mail address: {snippet(text, o, o + 1, 40)}", number)
        for m in _URL.finditer(norm.lower):
            key = self._domain_entity(m.group(1), doc_date)
            if key is not None and not in_boilerplate(m.start()):
                scores.credit(key, ISSUER_WEB_POINTS, f"Web address: {m.group(0)}", number)

    def _score_names(self, scores: _IssuerScores, group, zone, page, support, doc_date) -> None:
        number, text, norm = page[0], page[1], page[2]
        unamb = self._unambiguous(group, doc_date)
        amb = not unamb
        keys = {self.rules[c.rule].entity for c in (group if amb else unamb)}
        for key in keys:
            if amb and key not in support and len(keys) > 1:
                continue
            if zone:
                o_s, o_e = norm.span_to_original(group[0].start, group[0].end)
                points = ISSUER_AMBIGUOUS_ZONE_POINTS if amb else ISSUER_ZONE_POINTS
                scores.credit(key, points, f"{zone}: {snippet(text, o_s, o_e)}", number)
            if not amb:
                scores.counts[key] += 1

    # --- links -------------------------------------------------------------------------------

    def _links(self, result: TagResult) -> list[Link]:
        positions: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
        for m in result.mentions:
            positions[m.entity].append((m.global_start, m.global_start + (m.end - m.start)))
        for spans in positions.values():
            spans.sort()  # already in order, as a rule: cheap
        authorities = {m.entity for m in result.mentions if m.kind == AUTHORITY}
        if result.issuer is not None:
            authorities.add(result.issuer)
        others = {m.entity for m in result.mentions if m.kind in (COMPANY, SYSTEM)}
        links = []
        for a in sorted(authorities, key=str):
            for o in sorted(others, key=str):
                distance = _min_distance(positions.get(a, []), positions[o])
                links.append(Link(a, o, distance, issuer=a == result.issuer))
        # The issuer's links first (the document is its answer), then the closest pairs.
        links.sort(key=lambda ln: (not ln.issuer, ln.distance is None, ln.distance or 0))
        return links


# Points towards being a document's issuer (the body that wrote it), from where a body
# shows itself; the body with the most, at least ISSUER_MIN_POINTS and not tied, issued it.
ISSUER_TITLE_POINTS = 4  # named in the document's title
ISSUER_ZONE_POINTS = 3  # named in the letterhead, sign-off or footer
ISSUER_AMBIGUOUS_ZONE_POINTS = 2  # an ambiguous name there, supported elsewhere
ISSUER_EMAIL_ZONE_POINTS = 4  # an e-mail address at its domain there
ISSUER_EMAIL_POINTS = 3  # an e-mail address at its domain anywhere else
ISSUER_WEB_POINTS = 1  # a web address at its domain
ISSUER_MENTION_POINTS_MAX = 3  # a point for each unambiguous mention, up to this
ISSUER_DEAR_PENALTY = 3  # "Dear <body>": written to it, not by it
ISSUER_MIN_POINTS = 4
# Request metadata fields that name the body, most specific first.
_ISSUER_FIELDS = ("authority", "public_body", "authority_url_name", "url_name")


class _IssuerScores:
    """Points per body, each body's best-scoring reason, and its unambiguous mentions."""

    def __init__(self, entities):
        self.entities = entities
        self.points: dict[Hashable, float] = defaultdict(float)
        self.why: dict[Hashable, tuple[float, str, int | None]] = {}
        self.counts: dict[Hashable, int] = defaultdict(int)

    def credit(self, key, points: float, reason: str, page: int | None = None) -> None:
        if self.entities[key].kind != AUTHORITY:
            return
        self.points[key] += points
        if key not in self.why or points > self.why[key][0]:
            self.why[key] = (points, reason, page)

    def best(self) -> tuple[Hashable, str, int | None] | None:
        """(key, reason, page) of the clear leader, or None."""
        for key, n in self.counts.items():
            self.points[key] += min(n, ISSUER_MENTION_POINTS_MAX)
        if not self.points:
            return None
        ranked = sorted(self.points.items(), key=lambda kv: (-kv[1], -self.counts.get(kv[0], 0)))
        key, score = ranked[0]
        if score < ISSUER_MIN_POINTS or (len(ranked) > 1 and ranked[1][1] == score):
            return None
        _pts, reason, page = self.why.get(key, (0, "", None))
        return key, reason, page


@dataclass(frozen=True)
class _PagePlace:
    """Where a page sits in the document, for finding its issuer zones."""

    first: bool
    last: bool
    last_closing: tuple[int, int] | None

    def zone(self, pos: int, number: int, size: int) -> str:
        return _zone(pos, number, size, self.first, self.last, self.last_closing)


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


@functools.lru_cache(maxsize=512)
def _split_words(words: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    return frozenset(w for w in words if " " not in w), tuple(w for w in words if " " in w)


def _starts_with_any(after: str, words: tuple[str, ...]) -> bool:
    """Does the text after a match begin with one of these words (or phrases), as written?"""
    after = after.lstrip(" '\")")
    single, phrases = _split_words(words)
    if after.split(" ", 1)[0].strip(".,;:") in single:
        return True
    return any(
        after.startswith(w) and (len(after) == len(w) or not after[len(w)].isalnum())
        for w in phrases
    )


@functools.lru_cache(maxsize=512)
def _folded(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(w) for w in words)


def _next_to(lower: str, pos: int, words: tuple[str, ...], *, after: bool) -> bool:
    """Is one of these words (any case) directly after (or before) this position?"""
    if not words:
        return False
    if after:
        t = lower[pos : pos + 40].lstrip(" ")
        if t.startswith("'s "):
            t = t[3:]
        return any(
            t.startswith(w) and (len(t) == len(w) or not t[len(w)].isalnum())
            for w in _folded(words)
        )
    t = lower[max(0, pos - 40) : pos].rstrip(" ")
    return any(
        t.endswith(w) and (len(t) == len(w) or not t[-len(w) - 1].isalnum()) for w in _folded(words)
    )


_LEADERS = " \t\r\n\x0b\x0c'\"([*\u2022\uf0b7\u00b7\u201c\u2018-\u2013\u2014"
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


def _sentence_start(norm: Normalised, start: int) -> bool:
    """Does a sentence, paragraph or list item begin here (looking at the original text,
    whose line breaks normalising removed)?"""
    o = norm.to_original(start)
    before = norm.original[max(0, o - 200) : o]
    i = len(before)
    while i > 0 and before[i - 1] in _LEADERS:
        i -= 1
    if i == 0:
        return True
    gap = before[i:]
    if "\n" in gap and (_BLANK_LINE.search(gap) or any(c in "*\u2022\uf0b7\u00b7-" for c in gap)):
        return True
    return before[i - 1] in ".!?:;"


def _find_all(text: str, needle: str):
    i = text.find(needle)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1)


@dataclass
class _Markers:
    boiler: list[int]  # words that appeal boilerplate uses ("complain", "appeal")
    closings: list[int]  # ends of sign-offs ("Yours sincerely")
    appeal: list[tuple[int, int]]  # spans of appeal paragraphs, sorted, not overlapping

    def in_appeal(self, pos: int) -> bool:
        if not self.appeal:
            return False
        i = bisect.bisect_right(self.appeal, (pos, float("inf"))) - 1
        return i >= 0 and self.appeal[i][0] <= pos < self.appeal[i][1]


def _markers(lower: str) -> _Markers:
    """Positions of appeal boilerplate and of closings ("Yours sincerely") in lower-cased
    normalised text, in one pass."""
    boiler: list[int] = []
    closings: list[int] = []
    appeal: list[tuple[int, int]] = []
    closing_lengths: list[int] = []
    for end, (length, cat) in _MARKERS.iter(lower):
        start = end - length + 1
        if start > 0 and lower[start - 1].isalnum():
            continue
        if cat == "b":
            boiler.append(start)
        elif cat == "c":
            closings.append(end + 1)
            closing_lengths.append(length)
        else:
            # From the start of the phrase's sentence to a little after it.
            lo = max(0, start - _APPEAL_BEFORE)
            stops = [m.end() for m in _SENTENCE_END.finditer(lower, lo, start)]
            span = (stops[-1] if stops else (0 if lo == 0 else start), end + 1 + _APPEAL_AFTER)
            if appeal and span[0] <= appeal[-1][1]:
                appeal[-1] = (min(appeal[-1][0], span[0]), max(appeal[-1][1], span[1]))
            else:
                appeal.append(span)
    if appeal and closings:
        # The sign-off ends the appeal paragraph: the names after it are the sender's.
        starts = [c - n for c, n in zip(closings, closing_lengths, strict=True)]
        clipped = []
        for lo, hi in appeal:
            i = bisect.bisect_right(starts, lo)
            if i < len(starts) and starts[i] < hi:
                hi = starts[i]
            clipped.append((lo, hi))
        appeal = clipped
    return _Markers(boiler, closings, appeal)


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
    """Characters between the closest pair of spans, one from each list (0 if they touch).
    Both lists sorted by start: one merged sweep, no sorting."""
    if not a or not b:
        return None
    best: int | None = None
    last_a = last_b = -1  # furthest end seen so far in each list
    i = j = 0
    na, nb = len(a), len(b)
    while i < na or j < nb:
        if j >= nb or (i < na and a[i] <= b[j]):
            s, e = a[i]
            i += 1
            if last_b >= 0:
                d = s - last_b
                if d <= 0:
                    return 0
                if best is None or d < best:
                    best = d
            if e > last_a:
                last_a = e
        else:
            s, e = b[j]
            j += 1
            if last_a >= 0:
                d = s - last_a
                if d <= 0:
                    return 0
                if best is None or d < best:
                    best = d
            if e > last_b:
                last_b = e
    return best


_SPACE = re.compile(r"\s")
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")


def snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> str:
    """The match with some text either side, whitespace collapsed (plain text, unescaped)."""
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    # Cut at word boundaries so the snippet never starts or ends mid-word (looking at
    # most 20 characters further).
    if lo > 0 and not text[lo - 1].isspace():
        floor = max(0, start - width - 20)
        m = _LAST_SPACE.search(text, floor, lo)
        lo = m.end() if m else floor
    if hi < len(text) and not text[hi].isspace():
        ceil = min(len(text), end + width + 20)
        m = _SPACE.search(text, hi, ceil)
        hi = m.start() if m else ceil
    out = " ".join(text[lo:hi].split())
    if lo > 0:
        out = "…" + out
    if hi < len(text):
        out += "…"
    return out
