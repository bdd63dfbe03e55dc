"""Discovery: names a document gives that the vocabulary lacks.

Pure (no Django). While a document is tagged, its sentences are read for the shapes in
which FOI responses name organisations, products and public bodies:

* organisations: a capitalised name ending in Ltd, Limited, plc, LLP, Inc, LLC, or a
  capitalised name after "supplied by", "contract with", "provided by", "developed by",
  "purchased from", "licensed from", "vendor", "supplier";
* products and systems: "the X system", "X software", "X database", "X platform",
  "X tool", "X solution", "X application", "X module", and an acronym near such words or
  near a known vendor;
* public bodies: a capitalised name ending in Council, Trust, Board, Service(s),
  Authority, Agency, Commissioner, Commission, Executive, Partnership, Constabulary,
  Police, PCT, CCG, ICB, ...

A candidate must carry a distinctive word (not only generic words such as "Case
Management System" or "Local Authority"), must not be a name the vocabulary already
knows, and a capitalised word that only starts a sentence is not taken for a name.
Appeal and copyright boilerplate is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

AUTHORITY = "authority"
COMPANY = "company"
SYSTEM = "system"

MAX_PER_DOCUMENT = 20
SENTENCE_CHARS = 400

# A name's words: capitalised (Kent, McAfee), odd case (iTrent), acronyms, digits.
_WORD = r"(?:[A-Z][\w'’&.-]*|[a-z]+[A-Z][\w'’.-]*|\d[\w.-]*)"
# Spaces only: no name spans lines or table cells.
_JOIN = r"(?: +(?:and|of|for|&|upon|le|-|of the|for the|and the) +| +)"
_NAME = rf"{_WORD}(?:{_JOIN}{_WORD}){{0,11}}"

_COMPANY_SUFFIX = (
    r"(?:Ltd\.?|Limited|plc|PLC|Plc|LLP|Inc\.?|LLC|Corporation|Corp\.?|GmbH|B\.V\.|N\.V\.|S\.A\.)"
)
_COMPANY_RE = re.compile(rf"(?<![\w'’])({_NAME}) *,? +{_COMPANY_SUFFIX}(?![\w])")
_COMPANY_CUES = (
    r"supplied by",
    r"provided by",
    r"contract(?:ed)? with",
    r"developed by",
    r"purchased from",
    r"licen[cs]ed from",
    r"bought from",
    r"procured from",
    r"hosted by",
    r"built by",
    r"supplier(?: is| was|,)?",
    r"vendor(?: is| was|,)?",
    r"provider(?: is| was|,)?",
    r"agreement with",
    r"partnership with",
)
# "Synectics Solutions", "Dr Foster Intelligence": words companies end their names with.
_COMPANY_ENDS = (
    "Solutions|Technologies|Analytics|Software|Consulting|Consultancy|Partners|Associates|"
    "Intelligence|Labs|Networks|Informatics|Systems"
)
_COMPANY_END_RE = re.compile(rf"(?<![\w'’])({_NAME} +(?:{_COMPANY_ENDS}))(?![\w'’-])")
_CUE_RE = re.compile(rf"\b(?i:{'|'.join(_COMPANY_CUES)}) +(?:the +)?(?:company +|firm +)?({_NAME})")
_SYSTEM_WORDS = (
    "system|systems|software|database|platform|tool|toolkit|solution|application|app|"
    "module|portal|product|package|suite|dashboard|model|engine|analytics|hub|record|"
    "gazetteer|service desk|case management|index|extract|dataset|data set|register|"
    "scorecard|matrix|checker|calculator|profiler"
)
# "the X system", "X software", "X electronic patient record": up to two lower-case words
# between the name and the word that says it is a product. A capitalised "System" is part
# of the name ("Welsh Patient Administration System").
_SYSTEM_RE = re.compile(rf"(?<![\w'’])({_NAME}) +(?:[a-z][a-z-]+ +){{0,2}}(?i:({_SYSTEM_WORDS}))\b")
_THE_SYSTEM_RE = re.compile(
    rf"\b(?:the|a|an|our|its|their) +({_NAME}) +(?:[a-z][a-z-]+ +){{0,2}}(?i:({_SYSTEM_WORDS}))\b"
)
# "uses TrakCare, supplied by InterSystems": the thing supplied is a product.
_SUPPLIED_RE = re.compile(
    rf"(?<![\w'’])({_NAME}) *,? +(?:is +|was +|are +|were +)?"
    r"(?i:supplied|provided|developed|licen[cs]ed|hosted|built|sold) +by\b"
)
# "uses Abritas for allocations", "has deployed Athena": a product used or bought.
_USES_RE = re.compile(
    r"\b(?:uses|use|used|using|licenses|licences|subscribes to|bought|purchased|procured|"
    r"implemented|deployed|adopted|introduced|piloted|operates|installed|replaced) +"
    rf"(?:the +)?({_NAME})"
)
# "the cost calculator from iESE": who a product comes from.
_FROM_RE = re.compile(rf"\b(?i:{_SYSTEM_WORDS}) +from +({_NAME})")
# "hosted on Microsoft Azure", "built on Microsoft Power BI": a platform.
_ON_RE = re.compile(rf"\b(?:hosted|runs?|running|built|based|held) (?:on|in) +({_NAME})")
# "Connect (the force records management system supplied by NEC)"
_PAREN_RE = re.compile(
    rf"(?<![\w'’])({_NAME}) +\((?:the|a|an|our|its|their) [^)]{{0,80}}?\b(?i:{_SYSTEM_WORDS})\b"
)
_ACRONYM_RE = re.compile(r"(?<![\w'’-])([A-Z][A-Z0-9]{1,6}s?|[A-Z][a-z]?[A-Z][A-Z0-9]+)(?![\w-])")
_ACRONYM_NEAR = re.compile(rf"\b(?:{_SYSTEM_WORDS}|supplied|provided|licen[cs]e[sd]?)\b", re.I)
ACRONYM_WINDOW = 60

_BODY_HEADS = (
    "Council",
    "Councils",
    "Trust",
    "Board",
    "Service",
    "Services",
    "Authority",
    "Agency",
    "Commissioner",
    "Commission",
    "Executive",
    "Partnership",
    "Constabulary",
    "Police",
    "PCT",
    "CCG",
    "ICB",
    "Combined Authority",
    "Inspectorate",
    "Ombudsman",
    "Office",
    "Directorate",
    "Department",
    "Ministry",
    "Unit",
    "Group",
    "Centre",
)


# Heads a company may end with too ("Quantum Data Services"): a body only with a word
# that says public service ("Kent Fire and Rescue Service", "NHS Shared Business Services").
def _split(text: str) -> list[str]:
    return text.split()


_WEAK_HEADS = frozenset(
    {
        "Service", "Services", "Partnership", "Executive", "Office", "Unit", "Group",
        "Directorate", "Centre",
    }
)  # fmt: skip
# With three words or more these name a public partnership ("Humber Modern Slavery
# Partnership", "London Violence Reduction Unit") more often than a company.
_LONG_NAME_HEADS = frozenset({"Partnership", "Unit"})
_PUBLIC_WORDS = frozenset(
    _split(
        """
    Fire Rescue Ambulance Probation Prison Prisons Police Health NHS Council County Borough
    City Courts Tribunals Royal National Public Scottish Welsh Crown HM Majesty's Her His
    Commissioning Care Clinical Coastguard Border Land Registry Passport Highways Rail
    Education Children's Children Youth Offending Safeguarding Regional Government Local
    Parliamentary Revenue Customs Insolvency Intelligence Counter Fraud Audit Ombudsman
    Pensions Employment Veterans Armed Forces Defence Parole Legal Aid Valuation Registers
    Scotland Wales Ireland England Northern Metropolitan District Shared Business Support
    Commissioning Ambulance Mental Primary Community Hospital Hospitals Authority Agency
    """
    )
)
_STRONG_HEADS = frozenset(
    {
        "Council",
        "Trust",
        "Board",
        "Authority",
        "Agency",
        "Police",
        "Constabulary",
        "PCT",
        "CCG",
        "ICB",
        "Commissioner",
        "Commission",
        "Inspectorate",
        "Ombudsman",
    }
)
_INTERNAL_HEADS = frozenset({"Department", "Directorate", "Unit", "Office"})
_BODY_RE = re.compile(rf"(?<![\w'’])({_NAME})(?![\w])")
_BODY_HEAD_SET = frozenset(h.split()[-1] for h in _BODY_HEADS)
_LIST_SPLIT = re.compile(
    r"\b(?:Council|Councils|Trust|Board|Service|Services|Authority|Agency|Police|PCT|CCG|"
    r"ICB|Group|Commissioner|Commission|Constabulary|Executive|Office)(\s*(?:,|and|&)\s+)"
)


def _split_list(name: str) -> list[tuple[str, int]]:
    """Parts of a run of names joined after a head word, with their offsets."""
    out, pos = [], 0
    for m in _LIST_SPLIT.finditer(name):
        out.append((name[pos : m.start(1)], pos))
        pos = m.end(1)
    out.append((name[pos:], pos))
    return out


# Words that say nothing about which organisation or product is meant.
GENERIC = frozenset(
    w.casefold()
    for w in _split(
        """
    the a an of and for in on to by with from at as or & - upon under le
    council councils trust trusts board boards service services authority authorities agency
    agencies commissioner commissioners commission executive partnership partnerships office
    directorate department ministry unit constabulary police pct ccg icb inspectorate ombudsman
    local public national regional county district borough city town parish metropolitan
    unitary combined mayoral community communities government central state health care
    social adult adults children child childrens children's family families young people
    education housing finance financial revenue benefits benefit customer customers corporate
    information data digital technology technologies it ict records record document documents
    management case cases system systems software database databases platform platforms tool
    tools toolkit solution solutions application applications app module modules portal product
    products package suite dashboard model models engine analytics analysis intelligence
    business performance risk risks fraud safeguarding protection security cyber privacy
    human resources payroll crm erp gis hr electronic online web new old current existing
    legacy main core integrated shared joint central strategic planning operational
    primary secondary acute mental clinical commissioning group groups nhs
    foundation hospital hospitals university universities school schools college
    fire rescue ambulance emergency wellbeing well-being quality improvement development
    policy policies team teams staff officer officers manager managers head director
    chief assistant deputy senior general freedom act regulations regulation request
    requests response internal review appeal complaint complaints copyright section
    annex appendix table figure page part schedule annual report reports year years
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december please dear yours sincerely
    faithfully kind regards thank you we our your their this that these those it its
    ltd limited plc llp inc llc corporation corp company companies firm uk england
    wales scotland scottish welsh english british northern ireland irish great britain
    all any each every other some such which what where when who whom whose how why
    further more most many no not yes only also both either neither there here
    first second third last next previous following above below
    microsoft excel word outlook windows access sharepoint powerpoint google
    adobe pdf email e-mail internet website intranet spreadsheet spreadsheets
    statutory contract contracts procurement tender framework agreement agreements
    accessible standard standards gdpr dpa foi foia eir ico
    dataset datasets extract extracts register registers scorecard matrix checker
    calculator profiler
    stratification assessment assessments prediction predictive scoring score scores matching
    sharing profiling reporting segmentation extraction secure process processes audit
    verification personnel baseline multi-agency multi agency hub hubs algorithmic
    algorithm algorithms automated automation decision decisions making evaluation study
    deployment pilot project programme programmes practice practices patient patients
    admission admissions response responses reply training handbook guide guidance overview
    summary introduction background appendices contents note notes work workstream
    """
    )
)

# Acronyms that are not products (law, file formats, everyday abbreviations).
COMMON_ACRONYMS = frozenset(
    _split(
        """
    FOI FOIA FOISA EIR EIRS GDPR UK DPA ICO NHS EU US USA IT ICT HR CEO CIO CTO CFO
    PDF CSV XLS XLSX DOC DOCX HTML URL API SQL PC PCs ID IDs PIN VAT GBP EUR TBC TBA NA
    AI ML BI KPI KPIs SLA SLAs OJEU ITT RFQ RFI PQQ MOU MoU DPIA DPIAs PIA LA LAs CC BC DC MBC
    CBC LBC PLC LLP LTD OK AM PM QA CRM ERP GIS SaaS IaaS PaaS ASAP NB PS CCTV ANPR
    SMS GPS USB CD DVD HMRC DWP MOJ MoJ HO DfE DHSC DLUHC MHCLG DCLG ONS GCHQ NCSC
    II III IV VI VII VIII IX Q1 Q2 Q3 Q4 FY YTD
    GP GPs CSE ASC NEET STP STPs MASH SEN SEND LAC CIN CP EHCP ICS PCN PCNs CAMHS ASB DV DA
    YOT YOS MP MPs TF MARAC MAPPA CYP LSCB LSCP SCR SAR DoLS DBS PCC OPCC
    THE AND OR OF TO IN ON FOR AT BY IS IT BE AS NO NOT ALL ANY ARE WAS WE ME MY US OUR
    MI DOB NI NINO IR CCG CCGs ICB ICBs PCT PCTs SHA CSU LHB HSC NHSE PHE ONS LGA
    YES WHO HOW WHAT WHEN WHY NEW OLD ONE TWO SEE PER VIA RE
    """
    )
)

# Sentence-initial words and determiners never start a name.
LEADING_NOISE = frozenset(
    w.casefold()
    for w in _split(
        """
    the a an this that these those our your their its his her my we i it there here
    each every all any some no both either neither other another such which what whose
    please dear re subject from to cc attached enclosed following further additionally
    also however therefore currently previously recently now then since as at by for in of
    on with within under between after before during yes if when where while although
    though because unless until whether whilst again still only just not
    new current existing former previous several most many using use uses used via
    is are was were has have had does do did can will would should may must be been
    h re fw fwd
    """
    )
)

_BOILERPLATE = re.compile(
    r"information commissioner|internal review|right to (?:appeal|complain)|"
    r"copyright|re-?use of (?:public sector )?information|open government licen[cs]e|"
    r"data protection act|freedom of information act|wycliffe house|water lane",
    re.I,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“‘(\[])|\n\s*\n|\n(?=\s*[-•*\d]+[.)]?\s)")


@dataclass
class Candidate:
    kind: str
    name: str
    page: int
    start: int
    end: int
    sentence: str
    cue: str  # suffix | cue | system | acronym | body
    score: float = 1.0


@dataclass
class _Sentence:
    start: int
    text: str


@dataclass
class DocumentCandidates:
    candidates: list[Candidate] = field(default_factory=list)

    def names(self) -> list[tuple[str, str]]:
        return [(c.kind, c.name) for c in self.candidates]


def _sentences(text: str) -> Iterable[_Sentence]:
    pos = 0
    for m in _SENTENCE_SPLIT.finditer(text):
        yield _Sentence(pos, text[pos : m.start()])
        pos = m.end()
    yield _Sentence(pos, text[pos:])


def key(name: str) -> str:
    """How candidates are told apart: case, spacing and apostrophes folded, trailing
    punctuation and a leading "the" dropped."""
    k = re.sub(r"[’‘`]", "'", name)
    k = re.sub(r"\s+", " ", k).strip(" .,;:-").casefold()
    k = re.sub(r"^the ", "", k)
    return k


def _words(name: str) -> list[str]:
    return re.findall(r"[\w'’&-]+", name)


def _distinctive(name: str) -> bool:
    return any(w.casefold().strip("'’") not in GENERIC and not w.isdigit() for w in _words(name))


def _trim(name: str, start: int) -> tuple[str, int]:
    """Drop leading determiners and sentence-initial common words; trailing joiners."""
    while True:
        m = re.match(r"([\w'’&.-]+)(\s+|$)", name)
        if not m:
            break
        first = m.group(1)
        drop = first.casefold() in LEADING_NOISE or first[0].isdigit() or len(first) == 1
        if not drop:
            break
        start += m.end()
        name = name[m.end() :]
    name = re.sub(r"(?:\s+(?:and|of|for|the|&|on|in|-))+$", "", name).rstrip(" .,'’-")
    return name, start


def _tidy(cand: Candidate, sentence: _Sentence) -> list[str] | None:
    """Trim the candidate (leading noise, possessives); its words, or None if nothing left."""
    name, start = _trim(cand.name, cand.start)
    name = re.sub(r"(?:['’]s|s['’])$", "", name)
    if cand.cue == "acronym" and re.fullmatch(r"[A-Z]{2,}s", name):
        name = name[:-1]  # "IBMs"
    cand.start, cand.name, cand.end = start, name, start + len(name)
    words = _words(name)
    if not words or len(name) < 2 or len(name) > 120:
        return None
    return words


def _shape_ok(cand: Candidate, words: list[str]) -> bool:
    name = cand.name
    if cand.cue != "suffix" and _shouting(words, name):
        return False  # a heading in capitals ("PREDICTIVE ANALYTICS")
    if len(words) == 1 and (name in COMMON_ACRONYMS or name.casefold() in GENERIC):
        return False  # "GP system", "SYSTEMS"
    if cand.cue == "acronym":
        # "MI", "S43", "TC952": abbreviations and form codes
        return sum(ch.isalpha() for ch in name) >= 3 and sum(ch.isdigit() for ch in name) <= 1
    if len(words) == 1 and name.endswith("ing") and not _odd_case(name):
        return False  # "Changing", "Reporting": a verb, capitalised in a heading
    if not _titled(cand, words) and not _distinctive(
        name if cand.kind != COMPANY else _strip_suffix(name)
    ):
        return False
    return not (cand.kind == AUTHORITY and len(words) < 2)


_ENDS_WITH_PRODUCT_WORD = re.compile(rf"\b(?i:{_SYSTEM_WORDS})$")
_FOR_OF_BODY = re.compile(
    r"^(?:[\w'’]+ ){0,3}?(?:Department|Office|Ministry|Commissioner|Commission|Agency|"
    r"Authority|Board|Council|Unit|Service|Executive) (?:for|of) [A-Z]"
)


def _titled(cand: Candidate, words: list[str]) -> bool:
    """A name made of generic words is still a name when written as one: three or more
    words in capitals before "tool" ("Community Risk Profiling tool"), or a body named
    for its remit ("Department for Communities")."""
    if cand.kind == AUTHORITY:
        return bool(_FOR_OF_BODY.match(cand.name))
    return (
        cand.cue == "system"
        and len(words) >= 3
        and all(w[0].isupper() for w in words)
        and not _ENDS_WITH_PRODUCT_WORD.search(cand.name)  # not "Case Management System"
    )


def _initial_ok(cand: Candidate, words: list[str], mid_caps: set[str]) -> bool:
    """A capitalised word that only starts a sentence is an ordinary word ("Bespoke
    software"), unless the document also writes it capitalised mid-sentence."""
    first = words[0]
    ordinary = first not in mid_caps and not _odd_case(first)
    if len(words) == 1 and cand.cue in ("system", "cue", "supplied", "uses"):
        return not ordinary
    if cand.kind == SYSTEM and cand.cue == "system" and (first.casefold() in GENERIC or ordinary):
        rest = cand.name[len(first) :].strip()
        if not rest or not _distinctive(rest):
            return False
        cand.start += len(cand.name) - len(rest)
        cand.name = rest
    return True


def _at_sentence_start(sentence: _Sentence, pos: int) -> bool:
    before = sentence.text[: pos - sentence.start]
    return not before.strip(" \t\n\"'“‘([•*-0123456789.)")


class Discoverer:
    """Finds candidate names in a document's pages.

    ``is_known(name)`` says whether the vocabulary already names it; ``known_spans``
    (page -> [(start, end)]) are where the tagger found known names (a candidate that
    overlaps one is not new); ``vendor_spans`` are where known companies are named (for
    acronyms near a vendor).
    """

    def __init__(self, is_known: Callable[[str], bool] | None = None):
        self.is_known = is_known or (lambda name: False)
        self._vendors: list[tuple[int, int]] = []

    def discover(
        self,
        pages: Sequence[tuple[int, str]],
        known_spans: dict[int, list[tuple[int, int]]] | None = None,
        vendor_spans: dict[int, list[tuple[int, int]]] | None = None,
        limit: int = MAX_PER_DOCUMENT,
    ) -> list[Candidate]:
        known_spans = known_spans or {}
        vendor_spans = vendor_spans or {}
        mid_caps = self._mid_sentence_words(pages)
        found: list[Candidate] = []
        for number, text in pages:
            spans = known_spans.get(number, [])
            self._vendors = vendor_spans.get(number, [])
            for sentence in _sentences(text):
                if not sentence.text.strip() or _BOILERPLATE.search(sentence.text):
                    continue
                for cand in self._sentence(number, sentence, vendor_spans.get(number, [])):
                    if self._keep(cand, spans, mid_caps, sentence):
                        found.append(cand)
        return self._rank(found, limit)

    # --- per sentence ---------------------------------------------------------------

    def _sentence(self, page, sentence: _Sentence, vendor_spans) -> Iterable[Candidate]:
        text = sentence.text
        base = sentence.start
        snippet = " ".join(text.split())[:SENTENCE_CHARS]

        def make(kind, m, group, cue, score, name=None, start=None, end=None):
            s = base + m.start(group) if start is None else start
            e = base + m.end(group) if end is None else end
            return Candidate(kind, name or m.group(group), page, s, e, snippet, cue, score)

        yield from self._organisations(text, base, make)
        yield from self._products(text, base, make)
        yield from self._bodies(text, base, make)
        yield from self._acronyms(text, base, make, vendor_spans)

    def _organisations(self, text, base, make) -> Iterable[Candidate]:
        for m in _COMPANY_RE.finditer(text):
            suffix = text[m.end(1) : m.end()].strip(" ,")
            yield make(
                COMPANY, m, 1, "suffix", 3.0, name=f"{m.group(1)} {suffix}", end=base + m.end()
            )
        for m in _COMPANY_END_RE.finditer(text):
            before = _words(m.group(1))[-2].casefold()
            if before not in GENERIC:  # not "Business Intelligence", "Data Solutions"
                yield make(COMPANY, m, 1, "cue", 1.5)
        for m in _CUE_RE.finditer(text):
            kind = AUTHORITY if self._body_head(m.group(1)) else COMPANY
            yield make(kind, m, 1, "cue", 2.0)

    def _products(self, text, base, make) -> Iterable[Candidate]:
        for m in _SUPPLIED_RE.finditer(text):
            name = m.group(1)
            if not self._body_head(name) and not re.search(rf"{_COMPANY_SUFFIX}$", name):
                yield make(SYSTEM, m, 1, "supplied", 2.0)
        yield from self._product_cues(text, make)
        for rx in (_THE_SYSTEM_RE, _SYSTEM_RE):
            for m in rx.finditer(text):
                word = m.group(2)
                if word[0].isupper() and m.start(2) == m.end(1) + 1:
                    name = f"{m.group(1)} {word}"  # "Welsh Patient Administration System"
                    yield make(SYSTEM, m, 1, "system", 2.0, name=name, end=base + m.end(2))
                else:
                    yield make(SYSTEM, m, 1, "system", 2.0)

    def _product_cues(self, text, make) -> Iterable[Candidate]:
        """A product named by what is done with it: used, hosted on, from a supplier."""
        for m in _USES_RE.finditer(text):
            if not self._body_head(m.group(1)):
                yield make(SYSTEM, m, 1, "uses", 1.5)
        for m in _FROM_RE.finditer(text):
            if not self._body_head(m.group(1)):
                yield make(COMPANY, m, 1, "cue", 2.0)
        for m in _ON_RE.finditer(text):
            if not self._body_head(m.group(1)):
                yield make(SYSTEM, m, 1, "system", 2.0)
        for m in _PAREN_RE.finditer(text):
            yield make(SYSTEM, m, 1, "supplied", 2.0)

    def _bodies(self, text, base, make) -> Iterable[Candidate]:
        for m in _BODY_RE.finditer(text):
            # "X Clinical Commissioning Group and Y Primary Care Trust": two bodies.
            for part, at in _split_list(m.group(1)):
                head = self._body_head(part)
                if head:
                    start = base + m.start(1) + at
                    name = part[: head[1]]
                    yield make(AUTHORITY, m, 1, "body", 2.0, name, start, start + len(name))

    @staticmethod
    def _acronyms(text, base, make, vendor_spans) -> Iterable[Candidate]:
        for m in _ACRONYM_RE.finditer(text):
            acr = m.group(1)
            if acr in COMMON_ACRONYMS or acr.rstrip("s") in COMMON_ACRONYMS:
                continue
            lo, hi = max(0, m.start() - ACRONYM_WINDOW), m.end() + ACRONYM_WINDOW
            near_word = _ACRONYM_NEAR.search(text, lo, min(len(text), hi))
            near_vendor = any(s < base + hi and e > base + lo for s, e in vendor_spans)
            if near_word or near_vendor:
                yield make(SYSTEM, m, 1, "acronym", 2.0 if near_vendor else 1.0)

    @staticmethod
    def _body_head(name: str) -> tuple[str, int] | None:
        """Where a body name ends: after its last head word, when it has one."""
        best = None
        words = _words(name)
        public = any(w in _PUBLIC_WORDS for w in words)
        for m in re.finditer(r"[\w'’&-]+", name):
            word = m.group(0)
            if word not in _BODY_HEAD_SET:
                continue
            long_name = word in _LONG_NAME_HEADS and len(_words(name[: m.end()])) >= 3
            for_of = re.match(r" (?:for|of) ", name[m.end() :])
            if word in _WEAK_HEADS and not (public or long_name or for_of):
                continue
            if re.match(r" (?:for|of) (?:the )?[A-Z]", name[m.end() :]):
                # "Department for Communities", "Mayor's Office for Policing and Crime"
                best = (word, len(name.rstrip(" .,")))
                continue
            if word in _INTERNAL_HEADS and m.start() > 0:
                continue  # "Chief Executive's Department": a part of a body, not a body
            if word == "Group" and "Commissioning" not in words:
                continue
            best = (word, m.end())
        return best

    def _keep(self, cand: Candidate, spans, mid_caps: set[str], sentence: _Sentence) -> bool:
        words = _tidy(cand, sentence)
        if words is None or not _shape_ok(cand, words):
            return False
        if _at_sentence_start(sentence, cand.start) and not _initial_ok(cand, words, mid_caps):
            return False
        return self._new(cand, words, spans)

    def _new(self, cand: Candidate, words: list[str], spans) -> bool:
        """Not a name the vocabulary knows. Inside a known name ("Experian Mosaic"): not
        new. A known place inside ("Hertfordshire" in "Hertfordshire Primary Care Trust")
        leaves a new body; a system or company needs a distinctive word of its own."""
        if any(s <= cand.start and e >= cand.end for s, e in spans):
            return False
        if cand.kind == AUTHORITY and (
            any(s < cand.end and e >= cand.end for s, e in spans) or self._known_tail(words)
        ):
            return False  # "Heddlu Gwent Police": the body named is a known one
        if cand.kind != AUTHORITY and cand.cue != "acronym":
            rest = cand.name
            for s, e in spans:
                if s >= cand.start and e <= cand.end:
                    a, b = s - cand.start, e - cand.start
                    rest = rest[:a] + " " * (b - a) + rest[b:]
            left = _words(rest)
            vendor_product = (_titled(cand, words) and len(left) >= 3) or (
                cand.kind == SYSTEM
                and cand.cue == "system"
                and left
                and all(w[0].isupper() for w in left)
                and any(s == cand.start and e < cand.end for s, e in self._vendors)
            )  # "the Northgate Housing system": a vendor's product
            if not vendor_product and not _distinctive(
                _strip_suffix(rest) if cand.kind == COMPANY else rest
            ):
                return False
        known = self.is_known(cand.name)
        return not (known or (cand.kind == COMPANY and self.is_known(_strip_suffix(cand.name))))

    def _known_tail(self, words: list[str]) -> bool:
        return any(self.is_known(" ".join(words[i:])) for i in range(1, len(words) - 1))

    @staticmethod
    def _mid_sentence_words(pages) -> set[str]:
        """Capitalised words the document also writes mid-sentence (so they are names)."""
        out = set()
        for _, text in pages:
            for m in re.finditer(r"(?<=[a-z,;] )([A-Z][\w'’-]+)", text):
                out.add(m.group(1))
        return out

    @staticmethod
    def _rank(found: list[Candidate], limit: int) -> list[Candidate]:
        """One candidate per (kind, name), best evidence kept; the strongest first. A
        name also proposed as another kind keeps its strongest kind; a name inside a
        longer candidate of the same kind goes."""
        by_key: dict[str, list[Candidate]] = {}
        for c in found:
            by_key.setdefault(key(c.name), []).append(c)
        best: list[tuple[float, Candidate]] = []
        for _k, cands in by_key.items():
            scores: dict[str, float] = {}
            for c in cands:
                scores[c.kind] = scores.get(c.kind, 0) + c.score
            kind = max(scores, key=lambda k: (scores[k], k == COMPANY))
            first = min(
                (c for c in cands if c.kind == kind), key=lambda c: (-c.score, c.page, c.start)
            )
            first.score = scores[kind] + 0.5 * (len(cands) - 1)
            best.append((first.score, first))
        keys = {key(c.name) for _, c in best}
        kept = []
        for score, c in sorted(best, key=lambda x: (-x[0], x[1].page, x[1].start)):
            k = key(c.name)
            if c.cue == "acronym" and score < 2:
                # an acronym alone needs a second sighting or a vendor nearby
                continue
            inside = any(k != o and re.search(rf"\b{re.escape(k)}\b", o) for o in keys)
            if inside and c.kind != COMPANY:
                continue
            kept.append(c)
        return kept[:limit]


def _shouting(words: list[str], name: str) -> bool:
    """Mostly words in capitals: a heading or a question copied in capitals."""
    if len(words) == 1:
        return name.isupper() and len(name) > 7
    alpha = [w for w in words if any(c.isalpha() for c in w)]
    caps = [w for w in alpha if len(w) >= 4 and w.isupper()]  # not "NHS", "CCG"
    return len(alpha) > 1 and len(caps) >= 0.6 * len(alpha)


def _odd_case(word: str) -> bool:
    """iTrent, ContrOCC, RAISE, NHS2: capitals inside the word or digits."""
    return any(ch.isupper() for ch in word[1:]) or any(ch.isdigit() for ch in word)


def _strip_suffix(name: str) -> str:
    return re.sub(rf"\s*,?\s+{_COMPANY_SUFFIX}$", "", name).strip()
