"""Discovery: names a document gives that the vocabulary lacks.

Pure (no Django). While a document is tagged, its sentences, lists and tables are read for
the shapes in which FOI responses name organisations, products and public bodies
(docs/register.md lists them all):

* organisations: a capitalised name ending in Ltd, Limited, plc, LLP, ... or in a word
  firms end their names with (Solutions, Software, Group, UK, ...); a name after a supplier
  cue ("supplied by", "contract with", "supplier:", "owned by", "formerly", "awarded to",
  "installed by", "shares data with"); "X provides the ..."; "X from Y"; "X (Vendor)";
* products and systems: "the X system", "X software / platform / tool / ...", "uses X",
  "licences for X", "held in X", "X is used to", "X, a ... tool", "the system is X",
  "known as X", "Full Name (FN)", CamelCase and quoted names near product words, "tools
  such as A and B", "products: A, B and C", acronyms near product words or a vendor;
* lists and tables: cells under "Supplier" / "System" / "Product" headers (tab, bar,
  three-space or comma separated), "Finance system: Agresso", "• X – ... system", bullets
  after "the following software:";
* public bodies: a capitalised name ending in Council, Trust, Board, Authority, Agency,
  Commissioner, Constabulary, Police, PCT, CCG, ICB, University, ...; Service(s),
  Partnership, Unit, ... only with a word that says public service.

A candidate must carry a distinctive word (not only generic words such as "Case
Management System" or "Local Authority"), must not be a name the vocabulary already
knows, and a capitalised word that only starts a sentence, line or cell is not taken for a
name. People, appeal and copyright boilerplate are skipped.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

AUTHORITY = "authority"
COMPANY = "company"
SYSTEM = "system"


@functools.lru_cache(maxsize=4)
def _lower(text: str) -> str:
    return text.lower()


class _Gated:
    """A pattern tried only on text that contains one of its key words (a substring test
    is far cheaper than scanning every position with a long alternation)."""

    def __init__(self, pattern: re.Pattern, *keys: str):
        self.pattern, self.keys = pattern, keys

    def finditer(self, text: str) -> Iterable[re.Match]:
        low = _lower(text)
        if any(k in low for k in self.keys):
            return self.pattern.finditer(text)
        return iter(())


MAX_PER_DOCUMENT = 20
LOOSE_PER_DOCUMENT = 3
SENTENCE_CHARS = 400

# A name's words: capitalised (Kent, McAfee), odd case (iTrent), acronyms, digits.
_WORD = r"(?:[A-Z][\w'’&.-]*\+?|[a-z]+[A-Z][\w'’.-]*\+?|\d[\w.-]*)"
# Spaces only, at most two: no name spans lines or table cells (three spaces, a tab or a bar).
_JOIN = r"(?: {1,2}(?:and|of|for|&|upon|le|-|of the|for the|and the) {1,2}| {1,2})"
_NAME = rf"{_WORD}(?:{_JOIN}{_WORD}){{0,11}}"

_COMPANY_SUFFIX = (
    r"(?:Ltd\.?|LTD|Limited|LIMITED|plc|PLC|Plc|LLP|Inc\.?|LLC|Corporation|Corp\.?|GmbH|B\.V\.|"
    r"N\.V\.|S\.A\.|CIC|C\.I\.C\.|AG|AB|Oy|ApS|Pty)"
)
_COMPANY_RE = re.compile(
    rf"(?<![\w'’])({_NAME}(?: \((?:UK|Europe|International)\))?) *,? +{_COMPANY_SUFFIX}(?![\w])"
)
# Right after "is", "are", "was", "were", "be", "been": a verb in the passive.
_PASSIVE = r"(?:(?<=\bis )|(?<=\bare )|(?<=\bbe )|(?<=\bwas )|(?<=\bwere )|(?<=\bbeen ))"
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
    r"(?:supplier|vendor|provider|manufacturer|developer)(?: is| was| name)?(?: *[:,–-])?",
    r"(?:share|shares|shared|sharing)(?: data| information)? with",
    r"agreement with",
    r"partnership with",
    r"partnered with",
    r"(?:now )?owned by",
    r"acquired by",
    r"now part of",
    r"(?:a )?(?:subsidiary|division|product) of",
    r"formerly(?: known as)?",
    r"previously(?: known as)?",
    r"trading as",
    r"(?:carried out|undertaken|delivered|run|operated|maintained|managed|administered|"
    r"performed|designed|produced|commissioned|developed|built|written|installed|fitted|"
    r"configured|integrated|upgraded|sent|taken|answered|handled|collected|supported|funded|"
    r"led|coordinated|co-ordinated|facilitated|chaired|sponsored|powered|created|audited|"
    r"overseen|evaluated|validated|published|licensed|provided|supplied)(?: [a-z-]+){0,3} by",
    r"(?:exchange|exchanges|exchanged|exchanging)(?: data| information)? with",
    r"(?:developed|built|designed|delivered|implemented) (?:with|alongside)",
    r"(?:commissioned|sourced|obtained|leased|rented) from",
    r"(?:contractor|partner|reseller)(?: is| was)?(?: *[:,–-])",
    r"(?:awarded|let|granted)(?: [a-z]+){0,3} to",
    r"(?:won|secured) by",
    r"(?:appointed|engaged|instructed|retained)",
    rf"{_PASSIVE}[a-z]{{4,}} by",  # "Meetings are webcast by Public-i"
    r"commissioned(?= +(?:the +)?[A-Z][^.]{0,60}? to\b)",
    r"(?:company|firm|contractor|consultancy|agency|developer|manufacturer)(?= +[A-Z])",
)
# "Synectics Solutions", "Dr Foster Intelligence": words companies end their names with.
_COMPANY_ENDS = (
    "Solutions|Technologies|Technology|Analytics|Software|Consulting|Consultancy|Partners|"
    "Associates|Intelligence|Labs|Networks|Informatics|Systems|Group|Healthcare|Computing|"
    "Digital|Medical|International|Global|Holdings|Innovations|Insights|UK|"
    "Association|Institute|Foundation|Society|Federation|Alliance|Homes"
)
_COMPANY_END_RE = re.compile(rf"(?<![\w'’])({_NAME} +(?:{_COMPANY_ENDS}))(?![\w'’-])")
_SUFFIX_AND = re.compile(rf"\b({_COMPANY_SUFFIX}),? (?:and|&) ")
_CUE_RE = re.compile(rf"\b(?i:{'|'.join(_COMPANY_CUES)}) +(?:the +)?(?:company +|firm +)?({_NAME})")
_SYSTEM_WORDS = (
    "system|systems|software|database|platform|tool|toolkit|solution|application|app|"
    "module|portal|product|package|suite|dashboard|model|engine|analytics|hub|record|"
    "gazetteer|service desk|case management|index|extract|dataset|data set|register|"
    "scorecard|matrix|checker|calculator|profiler|tracker|predictor|directory|gateway|viewer"
)
# "the X system", "X software", "X electronic patient record": up to two lower-case words
# between the name and the word that says it is a product. A capitalised "System" is part
# of the name ("Welsh Patient Administration System").
# The product word is capitalised only right after the name ("funded the Predictor tool":
# not "Authority ... Predictor").
_PRODUCT_TAIL = rf"(?: +(?:[a-z][a-z-]+ +){{1,3}}({_SYSTEM_WORDS})| +(?i:({_SYSTEM_WORDS})))s?\b"
_SYSTEM_RE = re.compile(rf"(?<![\w'’])({_NAME}){_PRODUCT_TAIL}")
_THE_SYSTEM_RE = re.compile(rf"\b(?:the|a|an|our|its|their) +({_NAME}){_PRODUCT_TAIL}")
# "uses TrakCare, supplied by InterSystems", "PPM+, which was developed in-house": the
# thing supplied is a product.
_SUPPLIED_RE = re.compile(
    rf"(?<![\w'’])({_NAME}) *,? +(?:(?:which|that) +)?(?:is +|was +|are +|were +|has been +)?"
    r"(?:(?:now|currently|also|still|originally|initially) +)?"
    r"(?:(?i:supplied|provided|developed|licen[cs]ed|hosted|built|sold|designed|owned|"
    r"supported|maintained|run|operated|managed|administered) +by\b|"
    r"(?i:developed|built|designed) +(?:in[- ]house|internally)\b|"
    r"(?i:developed|built|designed|delivered|implemented) +(?:with|alongside|in partnership with)"
    r" +(?:the +)?[A-Z])"
)
# "Nexus, a data collection service supplied by Wonde", "Aristotle is a business
# intelligence platform": a product described; "Quantexa, a data analytics company".
_APPOSITIVE_RE = re.compile(
    rf"(?<![\w'’])({_NAME})(?: *,| +(?:is|was)) +(?:a|an|the|our|its|their) +"
    r"(?:[\w-]+ +){0,4}?"
    rf"(?:(?P<org>company|firm|supplier|provider|vendor|consultancy|start-?up|business)|"
    rf"(?i:{_SYSTEM_WORDS}|service))\b"
)
# "The system is Abritas", "our patient record is PPM+", "known as DAL": a product named.
_NAMED_RE = re.compile(
    rf"(?:\b(?i:{_SYSTEM_WORDS}|environment|provider|supplier|contractor|vendor)"
    r"(?: [a-z]+){0,4} +"
    r"(?:is|was|are|will be|has been) +(?:called +|known as +|named +)?"
    rf"|\b(?:known as|called|named|branded as|entitled) +)(?:the +)?({_NAME})"
)
# "iTrent from MHR", "qXR from Qure.ai": a product from its maker.
_X_FROM_Y = re.compile(rf"(?<![\w'’])({_NAME})(?: +\([^)\n]{{1,60}}\))? +from +(?:the +)?({_NAME})")
# "by secure email (Egress)", "online forms (Firmstep)": a product in brackets after what it does.
_NOUN_BRACKET_RE = re.compile(
    rf"\b(?i:{_SYSTEM_WORDS}|email|e-mail|forms?|webchat|chatbot|telephony|messaging|payments?)"
    rf" +\(({_NAME})\)"
)
# "Agresso (Unit4 Business World)", "the Firmstep platform (Granicus)",
# "Community Risk Management Information System (CRMIS)": a name in brackets after a name.
_BRACKET_RE = re.compile(
    rf"(?<![\w'’])({_NAME})( +(?:[a-z][a-z-]+ +){{0,3}}?(?i:{_SYSTEM_WORDS}))? +\(({_NAME})\)"
)
# "Liquidlogic's Early Help Module": a known vendor's product.
_POSSESSIVE_RE = re.compile(rf"['’]s +({_NAME})")
# "SystmOne", "iTrent", "ContrOCC": a word with a capital inside names a product or firm.
_CAMEL_RE = re.compile(r"(?<![\w'’.-])((?:[A-Z][a-z]+|[a-z]{1,3})[A-Z][\w]*\+?)(?![\w'’-])")
# A word spelt as a product, not as a surname ("McKenzie", "DeSouza", "MacLeod").
# Two capitalised words run together ("ManagerLee", "FemaleMale") are as often words that
# lost their space in extraction, so only "eCase", "iTrent" and "ContrOCC" qualify.
_PRODUCT_SHAPE = re.compile(
    r"(?!(?:of|to|in|on|at|by|is|an|or|as|be|we|my|no|so|up|us|it|if|do|go|me|he)[A-Z])"
    r"(?:[a-z]{1,2}[A-Z][a-z]{2,}[A-Za-z0-9]*|[A-Z][a-z]{2,}[A-Z]{3,}[0-9]*)\+?"
)
# "a system called “Beacon”", "the 'Family Context' tool": a name in quotation marks.
_QUOTED_RE = re.compile(rf"[\"“‘']({_NAME})[\"”’'](?![\w])")
_PRODUCT_NEAR = re.compile(
    rf"\b(?:{_SYSTEM_WORDS}|supplied|provided|supplier|vendor|licen[cs]es?|licensed|"
    r"procured|purchased|uses|used|using|deployed|implemented|subscription|services?)\b",
    re.I,
)
# "• Abritas – housing register and lettings system", "Finance: Agresso (Unit4)": a list
# of products, one a line, with what each is for.
_LISTED_RE = re.compile(
    r"^[ \t]*([•·*▪◦-]|\d{1,2}[.)])?[ \t]*([A-Z][\w'’&/ -]{0,40}?)[ \t]*(?::|–|—| - )[ \t]*"
    r"([^\n]{0,160})",
    re.M,
)
_PRODUCT_WORD = re.compile(rf"\b(?i:{_SYSTEM_WORDS})\b")
# Labels that say the value is a product: "Finance system: Agresso", "Housing: Orchard".
_FUNCTION_LABEL = re.compile(
    rf"\b(?i:{_SYSTEM_WORDS}|supplier|vendor|provider|finance|payroll|hr|human resources|"
    r"housing|revenues?|benefits|council tax|planning|building control|licensing|crm|erp|gis|"
    r"social care|children's services|adults'? services|education|schools|admissions|"
    r"case management|intelligence|analysis|reporting|mapping|fraud|payments|parking|"
    r"libraries|waste|highways|environmental health|customer contact|telephony|youth justice|"
    r"early help|policing|crime recording|command and control|custody|forensics|testing|"
    r"interviews?|checks|recruitment|applicant tracking|rostering|scheduling|monitoring|"
    r"booking|e-?learning|webcasting|telecare|document management|records management|"
    r"asset management|expenses|timesheets|surveys?|translation|transcription|e-?signatures?|"
    r"identity verification|libraries|library management|e-?books|mobilising|mobilisation|"
    r"availability|dispatch|call handling|fleet|repairs|lettings|allocations|"
    r"(?:data |sub-?)?processors?|recipients?|hosting|hosted by|third parties|partners)\b"
)
_VALUE_MORE = re.compile(
    rf"(?:[ \t]*\([^)\n]{{0,40}}\))?[ \t]*[,;] +(?:and +)?({_NAME})(?=[ \t]*(?:$|[,;(]| - | – ))"
)
_LISTED_VALUE = re.compile(rf"({_NAME})[ \t]*(?:$|[,;(]| - | – |\.\s| supplied| provided| from)")
_AND_SPLIT = re.compile(r" {1,2}(?:and|&) {1,2}")
# "uses Abritas for allocations", "has deployed Athena": a product used or bought.
_USES_RE = re.compile(
    r"\b(?:uses|use|used|using|utilises|utilise|employs|licenses|licences|"
    r"subscribes? to|subscribed to|(?:licen[cs]es?|subscriptions?|contracts?) for|"
    r"bought|purchased|procured|implemented|deployed|adopted|introduced|piloted|trialled|"
    r"trialed|operates|installed|replaced|(?:switched|moved|migrated|upgraded) to|"
    r"rolled out|relies on|subscriptions? to|access to|developing|building|launched|"
    r"procuring|piloting|trialling|testing|evaluating) +"
    rf"(?:the +|a +|an +)?({_NAME})"
)
# "Brindle is used to triage referrals", "Brindle has been in use since 2019".
_USED_RE = re.compile(
    rf"(?<![\w'’])({_NAME}) +(?:is|are|was|were|has been|have been|will be) +"
    r"(?:used|in use|utilised|deployed|implemented|licensed|procured|hosted)\b"
)
# "Quorvex provides the system", "Harcastle supplies our payroll software": a supplier.
_SUPPLIES_RE = re.compile(
    rf"(?<![\w'’])({_NAME}) +(?:provides|provided|supplies|supplied|hosts|hosted|maintains|"
    r"produces|produced|runs|operates|manages|"
    r"maintained|develops|developed|delivers|delivered|supports|supported|licenses|licensed)"
    r" +(?:the|our|a|an|this|these|its|their|all)\b"
)
# "the cost calculator from iESE": who a product comes from.
_FROM_RE = re.compile(
    rf"\b(?i:{_SYSTEM_WORDS}|service|services|licen[cs]es?|devices?|equipment|sensors?|cameras?|"
    r"hardware|technology|monitoring|subscriptions?|kiosks?|carephones?|handsets?|consultancy|"
    r"support|training|data|algorithms?|methodology|scores?|tests?|cards|vehicles|tablets|"
    rf"phones|laptops|apps?) +from +({_NAME})"
)
# "records are held in Patientrack", "orders are placed through ICE": where records live.
_HELD_IN_RE = re.compile(
    r"\b(?:recorded|held|stored|logged|processed|managed|captured|entered|input|placed|"
    r"handled|accessed|viewed|kept|monitored|tracked|scheduled|planned|administered|"
    r"calculated|generated|produced|analysed|mapped|delivered|provided|offered|arranged|"
    r"submitted|made|raised|booked|issued|sent|shared|uploaded|record|store|hold|"
    r"provides|offers|delivers|supplies|provide|offer|deliver|"
    r"manages|processes|logs|views|records|stores|holds|keeps|uses|carried out|undertaken|"
    r"manage|process|log|view|access|enter|upload|send|book|done|conducted|receives|received|"
    rf"{_PASSIVE}[a-z]{{3,}}ed)"
    r"(?: [a-z]+){0,4} (?:in|on|within|through|via|using) +"
    rf"(?:the +|its +|our +|their +)?({_NAME})"
)
# "violence risk is assessed with the Cell Sharing Risk Assessment": the tool used.
_ASSESSED_WITH_RE = re.compile(
    r"\b(?:assessed|scored|calculated|measured|predicted|identified|flagged|triaged|screened|"
    rf"prioritised|modelled|matched|checked) (?:with|using) +(?:the +)?({_NAME})"
)
# "... Cellebrite UFED and Magnet AXIOM", "the Tell Us Once service and GOV.UK One Login".
_AND_NEXT = re.compile(
    rf"(?: [a-z]+){{0,8}},? (?:and|or) (?:by +|from +|with +)?(?:the +)?({_NAME})"
)
# "tools such as Securus and Impero", "suppliers including Veolia, Kier and Mitie".
_SUCH_AS_RE = re.compile(
    rf"\b(?i:(?P<org>suppliers|providers|companies|vendors|firms|contractors|partners)|"
    rf"{_SYSTEM_WORDS}|tools|products|systems|platforms|apps|packages)"
    r"(?: [a-z]+){0,2},? (?:such as|including|like|e\.g\.,?) +"
    rf"((?:the +)?{_NAME}(?:(?:, +|,? +(?:and|or) +)(?:the +)?{_NAME})*)"
)
# "products: A, B, C and D", "the following tools: A and B".
_INLINE_LIST_RE = re.compile(
    rf"\b(?i:{_SYSTEM_WORDS}|products|tools|systems|software|suppliers|packages|applications)"
    r"[^.:\n]{0,40}: +([^.\n]{3,300})"
)
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
    "University",
    "Team",
    "Forum",
    "Hub",
    "Network",
    "Panel",
    "Committee",
    "Sub-Committee",
    "Tribunal",
    "Court",
    "Observatory",
)


# Heads a company may end with too ("Quantum Data Services"): a body only with a word
# that says public service ("Kent Fire and Rescue Service", "NHS Shared Business Services").
def _chained(rx: _Gated, text: str) -> Iterable[re.Match]:
    """Matches of "X from Y" where Y may start the next pair ("Flood Modeller from Jacobs
    and InfoWorks ICM from Autodesk")."""
    if not any(k in _lower(text) for k in rx.keys):
        return
    pos = 0
    while pos < len(text):
        m = rx.pattern.search(text, pos)
        if not m:
            return
        yield m
        parts = _parts(m.group(2))
        pos = m.start(2) + parts[-1][1] if len(parts) > 1 else m.end()


def _split(text: str) -> list[str]:
    return text.split()


CAMEL_WORDS = frozenset(
    _split(
        """
    iPhone iPhones iPad iPads iPod LinkedIn YouTube WhatsApp PhD PhDs eBay PayPal FaceTime
    JavaScript McDonald McDonalds MacDonald McKenzie McLaren eMail eLearning eForm eForms
    OneDrive PowerPoint SharePoint
    """
    )
)


_WEAK_HEADS = frozenset(
    {
        "Service", "Services", "Partnership", "Executive", "Office", "Unit", "Group",
        "Directorate", "Centre", "Team", "Forum", "Hub", "Network", "Panel", "Committee",
        "Sub-Committee", "Tribunal", "Court", "Observatory",
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
    Crime Organised Violence Reduction Justice Safety
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
        "University",
    }
)
_INTERNAL_HEADS = frozenset({"Department", "Directorate", "Unit", "Office"})
_BODY_RE = re.compile(rf"(?<![\w'’])({_NAME})(?![\w])")
_NATIONS = frozenset({"Scotland", "Wales", "England", "Ireland", "Cymru", "Britain"})
_COMPASS = frozenset(
    _split("North South East West Mid Central Rural Greater Great Northern Southern Eastern")
    + _split("Western New Old Across In All Of And For The Rest Whole")
)
# "Tameside Hospital uses the ...": a name that starts a sentence and does something.
_SUBJECT_RE = re.compile(
    rf"^[ \t\"“‘(]*({_NAME}) +(?:uses|used|procures|procured|commissions|commissioned|operates|"
    r"publishes|published|holds|held|records|recorded|manages|managed|runs|ran|hosts|hosted|"
    r"licenses|licensed|purchased|buys|bought|funds|funded|maintains|maintained|shares|shared|"
    r"receives|received|sends|sent|supports|supported)\b"
)


def _national(name: str) -> bool:
    """ "Children's Hearings Scotland", "Public Health Wales": words then a nation."""
    words = _words(name)
    return (
        len(words) >= 2
        and words[-1] in _NATIONS
        and not all(w in _COMPASS or w in _NATIONS for w in words[:-1])
        and not (len(words) == 2 and words[0] in ("NHS", "Police", "Transport", "Northern"))
    )


# Each pattern below needs one of its key words (lower case): text without any is skipped.
_COMPANY_RE = _Gated(
    _COMPANY_RE,
    "ltd",
    "limited",
    "plc",
    "llp",
    "inc",
    "llc",
    "corp",
    "gmbh",
    "b.v",
    "n.v",
    "s.a",
    "cic",
    "c.i.c",
    " ag",
    " ab",
    " oy",
    " aps",
    " pty",
)
_COMPANY_END_RE = _Gated(
    _COMPANY_END_RE,
    *_split(_COMPANY_ENDS.lower().replace("|", " ")),
)
_CUE_RE = _Gated(
    _CUE_RE,
    *_split(
        """
    by with from supplier vendor provider manufacturer developer share owned acquired part
    subsidiary division formerly previously trading awarded let granted won secured
    appointed engaged instructed retained commissioned company firm contractor consultancy
    agency partner reseller exchang
    """
    ),
)
_SUPPLIED_RE = _Gated(
    _SUPPLIED_RE, " by", "in-house", "in house", "internally", "with", "alongside"
)
_APPOSITIVE_RE = _Gated(_APPOSITIVE_RE, ",", " is ", " was ")
_NAMED_RE = _Gated(
    _NAMED_RE, " is ", " was ", " are ", "will be", "has been", "known as", "called", "named",
    "branded", "entitled",
)  # fmt: skip
_X_FROM_Y = _Gated(_X_FROM_Y, "from")
_FROM_RE = _Gated(_FROM_RE, "from")
_BRACKET_RE = _Gated(_BRACKET_RE, "(")
_PAREN_RE = _Gated(_PAREN_RE, "(")
_NOUN_BRACKET_RE = _Gated(_NOUN_BRACKET_RE, "(")
_POSSESSIVE_RE = _Gated(_POSSESSIVE_RE, "'s", "’s")
_USES_RE = _Gated(
    _USES_RE,
    *_split(
        """
    use utilis employ licen subscri contract bought purchased procured implemented deployed
    adopted introduced piloted trial operates installed replaced switched moved migrated
    upgraded rolled relies access developing building launched procuring piloting testing
    evaluating
    """
    ),
)
_USED_RE = _Gated(
    _USED_RE, "used", "in use", "utilised", "deployed", "implemented", "licensed", "procured",
    "hosted",
)  # fmt: skip
_SUPPLIES_RE = _Gated(
    _SUPPLIES_RE, "provide", "supplie", "host", "maintain", "develop", "deliver", "support",
    "licens", "produce", "runs ", "operates", "manages",
)  # fmt: skip
_ASSESSED_WITH_RE = _Gated(_ASSESSED_WITH_RE, " with ", " using ")
_HELD_IN_RE = _Gated(_HELD_IN_RE, " in ", " on ", "within", "through", " via ", "using")
_SUCH_AS_RE = _Gated(_SUCH_AS_RE, "such as", "including", " like ", "e.g")
_INLINE_LIST_RE = _Gated(_INLINE_LIST_RE, ":")
_ON_RE = _Gated(_ON_RE, " on ", " in ")
_LISTED_RE = _Gated(_LISTED_RE, ":", "–", "—", " - ")

_BODY_HEAD_SET = frozenset(h.split()[-1] for h in _BODY_HEADS)
_LIST_SPLIT = re.compile(
    r"\b(?:Council|Councils|Trust|Board|Service|Services|Authority|Agency|Police|PCT|CCG|"
    r"ICB|Group|Commissioner|Commission|Constabulary|Executive|Office|System|Systems|"
    r"Partnership|Hub|Unit|Network|Centre|Ltd|Limited|LTD|plc|PLC|LLP|CIC|AB|AG)"
    r"(\s*(?:,|and|&|and the)\s+)(?!Crime\b)"
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
    calculator profiler directory gateway viewer
    stratification assessment assessments prediction predictive scoring score scores matching
    sharing profiling reporting segmentation extraction secure process processes audit
    verification personnel baseline multi-agency multi agency hub hubs algorithmic
    algorithm algorithms automated automation decision decisions making evaluation study
    deployment pilot project programme programmes practice practices patient patients
    admission admissions response responses reply training handbook guide guidance overview
    summary introduction background appendices contents note notes work workstream
    supplier suppliers vendor vendors provider providers contractor contractors purpose
    cost costs price licence licences license licenses value expiry renewal description
    function name names date dates type category steering working advisory reference user
    users focus task stakeholder stakeholders operations oversight delivery project
    x-ray x-rays comparison control cohort sample treatment london interest computer safety
    daily weekly monthly quarterly annually yearly
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

# Last words of a person's job title, not of an organisation or product.
ROLES = frozenset(
    _split(
        """
    guardian officer officers owner owners controller processor lead leads manager managers
    director directors chair chairman chairperson secretary minister adviser advisor analyst
    analysts clerk inspector superintendent constable sergeant coordinator co-ordinator
    administrator administrators solicitor practitioner practitioners nurse nurses worker workers
    leader leaders
    """
    )
)

# Last words of a publication's title, not of a product's name.
PUBLICATIONS = frozenset(
    _split(
        """
    report reports strategy strategies plan plans policy policies act bill regulations
    guidance handbook minutes agenda bulletin newsletter statement statements review reviews
    """
    )
)

# Words written in capitals for emphasis or as labels, not products.
CAPITAL_WORDS = frozenset(
    _split(
        """
    NOTE NOTES PLEASE TOTAL TOTALS NONE NIL ANNEX ITEM ITEMS DATE YEAR YEARS NAME NAMES
    CODE CODES TYPE TYPES FIELD FIELDS TRUE FALSE NULL OTHER OTHERS UNKNOWN DRAFT FINAL
    URGENT IMPORTANT OFFICIAL SENSITIVE SECRET PROTECT RESTRICTED CONFIDENTIAL ONLY ALSO
    MUST WILL SHALL SHOULD HAVE BEEN WITH FROM THIS THAT THESE THEIR THERE WHERE WHICH
    USED USES USING SYSTEM SYSTEMS DATA DETAILS REQUEST RESPONSE ANSWER QUESTION
    """
    )
)


def _caps_around(text: str, start: int, end: int) -> bool:
    """Another word in capitals beside this one: a heading or a label line."""
    before = re.findall(r"[\w'’-]+", text[max(0, start - 40) : start])[-2:]
    after = re.findall(r"[\w'’-]+", text[end : end + 40])[:2]
    return any(
        len(w) >= 3 and w.isupper() and w not in COMMON_ACRONYMS and w.isalpha()
        for w in before + after
    )


# Words of addresses, laws, dates and documents: a capitalised run with one is not a name.
_NOT_LOOSE = frozenset(
    _split(
        """
    Street Road Lane Avenue House Hall Way Close Drive Place Square Crescent Terrace Court
    Act Regulations Section Schedule Article Annex Appendix Part Chapter Paragraph
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Covid Covid-19 COVID-19 Brexit
    Please Dear Yours Thank Kind Regards FOI EIR GDPR Freedom Information Request Reference
    Council Councils Trust Board Service Services Authority Agency Police Team Unit Department
    Directorate Office Ministry Government Test Assessment Assessments Details Signature
    Date Number Log Document Documents Responsibilities Passwords Principal Contact Rd St
    """
    )
)
# First names: a capitalised run that starts with one is a person.
FIRST_NAMES = frozenset(
    _split(
        """
    John James David Michael Paul Mark Andrew Peter Richard Robert Stephen Simon Steven Ian
    Chris Christopher Daniel Matthew Thomas Tom Anthony Tony Gary Martin Kevin Alan Brian Neil
    Jonathan Nick Nicholas Philip Phil Graham Colin Keith Stuart Lee Adam Ben Sam Samuel Joe
    Joseph George Edward William Will Charles Henry Jack Harry Oliver Jamie Ryan Sean Liam
    Mohammed Muhammad Ahmed Ali Hassan Raj Sanjay Amir Omar Tariq Imran
    Sarah Helen Claire Emma Louise Rachel Jane Julie Karen Susan Lisa Nicola Joanne Alison
    Elizabeth Catherine Katherine Kate Anne Ann Mary Margaret Ruth Laura Rebecca Hannah Amy
    Jennifer Jenny Victoria Gemma Lucy Sophie Charlotte Emily Jessica Zoe Natalie Michelle
    Angela Caroline Fiona Gillian Jacqueline Linda Sally Tracey Wendy Deborah Debbie Amanda
    Anna Jo Kim Sue Liz Beth Priya Aisha Fatima Ayesha Nadia Sana
    """
    )
)

HONORIFICS = frozenset(
    _split("Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady Cllr Councillor")
)

# Sentence-initial words and determiners never start a name.
LEADING_NOISE = frozenset(
    w.casefold()
    for w in _split(
        """
    the a an this that these those our your their its his her we i it there here
    each every all any some no both either neither other another such which what whose
    please dear re subject from to cc attached enclosed following further additionally
    also however therefore currently previously recently now then since as at by for in of
    on with within under between after before during yes if when where while although
    though because unless until whether whilst again still only just not
    new current existing former previous several most many using use uses used via
    is are was were has have had does do did can will would should may must be been
    h re fw fwd foi foia eir ref reference subject minutes agenda details copy copies
    """
    )
)

_LOOSE_RE = re.compile(rf"(?:(?<=[a-z] )|(?<=[a-z], )|(?<=[a-z]; ))({_NAME})(?![\w'’])")
_LOWER_WORD_BEFORE = re.compile(r"(?:^|[^\w'’-])[a-z][a-z'’-]*[,;]? +$")
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
    """Sentences, and each line of a table on its own."""
    pos = 0
    for m in [*_SENTENCE_SPLIT.finditer(text), None]:
        end = m.start() if m else len(text)
        part = text[pos:end]
        if "\n" in part and _ROW_LINE.search(part):
            at = pos
            for line in part.split("\n"):
                yield _Sentence(at, line)
                at += len(line) + 1
        else:
            yield _Sentence(pos, part)
        if m:
            pos = m.end()


# A line of a table: cells apart by a tab, a bar or three spaces.
_ROW_LINE = re.compile(r"\S(?:\t+| ?\| ?| {3,})\S")
_CELL_SEP = re.compile(r"\s*(?:\t|\||\s{3,})\s*")
_ORG_HEAD = r"(?:supplier|vendor|provider|company|manufacturer|contractor|developer|organisation)s?"
_PRODUCT_HEAD = r"(?:system|product|software|application|solution|platform|tool|package)s?"
_HEADERS = {
    COMPANY: re.compile(
        rf"(?i)(?:name of (?:the )?{_ORG_HEAD}|{_ORG_HEAD}(?: ?/ ?{_ORG_HEAD})?(?: name)?)"
    ),
    SYSTEM: re.compile(
        rf"(?i)(?:name of (?:the )?{_PRODUCT_HEAD}|{_PRODUCT_HEAD}(?: ?/ ?{_PRODUCT_HEAD})?"
        r"(?: name| used| in use)?)"
    ),
}


def _cells(line: str) -> list[tuple[int, str]]:
    """A table line's cells with their offsets (empty cells kept, so columns line up)."""
    out, pos = [], 0
    for m in [*_CELL_SEP.finditer(line), None]:
        end = m.start() if m else len(line)
        out.append((pos, line[pos:end]))
        if m:
            pos = m.end()
    if out and not out[0][1].strip() and line.lstrip().startswith("|"):
        out = out[1:]
    return out


def _csv_cells(line: str) -> list[tuple[int, str]]:
    """A comma-separated line's cells with their offsets."""
    out, pos = [], 0
    for part in line.split(","):
        out.append((pos, part))
        pos += len(part) + 1
    return out


def _row(line: str, csv: bool) -> list[tuple[int, str]]:
    if csv:
        return _csv_cells(line) if line.count(",") >= 1 else []
    return _cells(line) if _ROW_LINE.search(line) else []


_HEAD_ORG_WORD = re.compile(
    rf"(?i)\b(?:{_ORG_HEAD}|payee|creditor|beneficiary|merchant|recipient|awarded to|paid to|"
    r"partner|partners|partner organisations?|third part(?:y|ies)|processor|processors)\b"
)
_HEAD_PRODUCT_WORD = re.compile(rf"(?i)\b(?:{_PRODUCT_HEAD}|module|modules|licences?|app|apps)\b")
# "Contract end date", "Supplier reference", "System cost": about the name, not the name.
_HEAD_NOT_NAME = re.compile(
    r"(?i)\b(?:cost|costs|date|dates|value|amount|end|start|expiry|renewal|term|length|"
    r"description|purpose|type|category|number|no|ref|reference|id|code|spend|price|"
    r"total|contact|email|address|postcode|telephone|phone|notes?|comments?|used for|"
    r"function|version|status)\b"
)


_HEAD_EXTRA = frozenset(
    _split(
        """
    current main name names in use used payee creditor beneficiary merchant recipient awarded
    paid to partner party parties third organisation organisations if known lead contracted
    manufacturer developer the of software system systems it ict product products application
    applications new existing provider providers supplier suppliers vendor vendors company
    companies contractor contractors platform platforms solution solutions tool tools package
    packages module modules app apps processor processors
    """
    )
)


_FIGURE = re.compile(r"[£$€]?[\d][\d.,/:% -]*")


def _header_kind(cell: str) -> str | None:
    """The kind of name a column holds, from its header: "Supplier", "Software supplier",
    "Current system", "Payee name", "System in use"; not "Contract end date"."""
    cell = cell.strip(" *:")
    for kind, rx in _HEADERS.items():
        if rx.fullmatch(cell):
            return kind
    if not cell or len(cell.split()) > 4 or re.search(r"\d", cell) or _HEAD_NOT_NAME.search(cell):
        return None
    if any(w.casefold() not in _HEAD_EXTRA for w in _words(cell)):
        return None  # "Agile Applications" is a name in a cell, not a header
    org = [m.start() for m in _HEAD_ORG_WORD.finditer(cell)]
    product = [m.start() for m in _HEAD_PRODUCT_WORD.finditer(cell)]
    if not org and not product:
        return None
    return COMPANY if max(org, default=-1) > max(product, default=-1) else SYSTEM


def _is_header(cells: list[tuple[int, str]]) -> bool:
    return any(_header_kind(c) for _o, c in cells)


def table_cells(text: str) -> Iterable[tuple[str, int, str, str]]:
    """Cells under a "Supplier" or "System"/"Product" header: (kind, offset, cell, line).
    Cells are apart by a tab, a bar or three spaces, or by commas in a CSV extract."""
    columns: dict[int, str] = {}
    csv = False
    at = 0
    for line in text.split("\n"):
        if not columns:
            csv = line.count(",") >= 2 and _is_header(_csv_cells(line))
        cells = _row(line, csv)
        if len(cells) < 2:
            if line.strip():
                columns = {}  # prose ends the table; blank lines do not
        else:
            heads = {i: kind for i, (_o, cell) in enumerate(cells) if (kind := _header_kind(cell))}
            if any(_FIGURE.fullmatch(cell.strip()) for _o, cell in cells):
                heads = {}  # a row with amounts or dates is data, not a header
            if heads:
                columns = heads
            else:
                for i, kind in columns.items():
                    if i < len(cells) and cells[i][1].strip():
                        off, cell = cells[i]
                        yield kind, at + off, cell.strip(), line
        at += len(line) + 1


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
        drop = (
            first.casefold() in LEADING_NOISE
            or first[0].isdigit()
            or len(first) == 1
            or re.fullmatch(r"[QA]\d+[a-z]?", first)  # "Q1 Which company ...", "A2 Yes"
        )
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
    if cand.cue != "suffix" and _shouting(words, name, cand.sentence):
        return False  # a heading in capitals ("PREDICTIVE ANALYTICS")
    if len(words) == 1 and (
        name in COMMON_ACRONYMS or name in CAPITAL_WORDS or name.casefold() in GENERIC
    ):
        return False  # "GP system", "SYSTEMS"
    if cand.kind != AUTHORITY and words[0] in HONORIFICS:
        return False  # "a letter from Mr Patel": a person
    if words[-1].casefold() in ROLES:
        return False  # "overseen by the Caldicott Guardian": a person's role
    if cand.kind != AUTHORITY and len(words) > 1 and words[-1].casefold() in PUBLICATIONS:
        return False  # "published in the Universal Credit Advances Annual Report"
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


def _capitalised(name: str) -> bool:
    """ "Clinical Portal": two words or more, each capitalised, not a team or a service."""
    words = name.split()
    return (
        len(words) >= 2
        and all(w[0].isupper() for w in words)
        and words[-1] not in ("Team", "Teams", "Staff", "Service", "Services", "Support")
    )


def _titled(cand: Candidate, words: list[str]) -> bool:
    """A name made of generic words is still a name when written as one: three or more
    words in capitals before "tool" ("Community Risk Profiling tool"), or a body named
    for its remit ("Department for Communities")."""
    if cand.kind == AUTHORITY:
        return bool(_FOR_OF_BODY.match(cand.name)) or (
            cand.cue == "body"
            and any(w in _NATIONS for w in words[1:])
            and (words[0] == "NHS" or _national(cand.name))
        )  # "NHS Wales Shared Services Partnership", "NHS 111 Wales"
    if cand.cue == "defined":
        return True
    if cand.cue in ("supplied", "from") and _capitalised(cand.name):
        return True  # "Clinical Portal, developed by Orion Health": a product with its maker
    return (
        cand.cue == "system"
        and len(words) >= 3
        and all(w[0].isupper() for w in words)
        and not _ENDS_WITH_PRODUCT_WORD.search(cand.name)  # not "Case Management System"
    )


_NEEDS_MID_CAPS = frozenset(
    {
        "system", "cue", "supplied", "uses", "described", "named", "from", "bracket", "marked",
        "sibling", "column",
    }
)  # fmt: skip


def _initial_ok(cand: Candidate, words: list[str], mid_caps: set[str]) -> bool:
    """A capitalised word that only starts a sentence is an ordinary word ("Bespoke
    software"), unless the document also writes it capitalised mid-sentence."""
    first = words[0]
    ordinary = first not in mid_caps and not _odd_case(first)
    if len(words) == 1 and cand.cue in ("sibling", "column"):
        # one of a list whose other items are known names: a name unless a common word
        return not ordinary or (
            len(first) >= 4
            and first.casefold() not in GENERIC
            and first.casefold() not in LEADING_NOISE
            and not re.search(r"(?:ing|ed|ly|tion|ment|s)$", first)
        )
    if len(words) == 1 and cand.cue in _NEEDS_MID_CAPS:
        return not ordinary
    if cand.kind == SYSTEM and cand.cue == "system" and (first.casefold() in GENERIC or ordinary):
        rest = cand.name[len(first) :].strip()
        if not rest or not _distinctive(rest):
            return False
        cand.start += len(cand.name) - len(rest)
        cand.name = rest
    return True


def _at_sentence_start(sentence: _Sentence, pos: int) -> bool:
    # a table cell or a new line starts anew
    at = pos - sentence.start
    before = re.split(r"\t|\||\s{3,}|\n", sentence.text[max(0, at - 200) : at])[-1]
    return not before.strip(" \t\n\"'“‘([•*-0123456789.)")


# "Agresso, Tribal, Civica", "Capita; Civica and NEC": names one after another.
_LIST_SEP = r"(?: *[,;/] +(?:and +|or +)?|,? +(?:and|or|&) +)"
_LIST_RUN = re.compile(rf"(?<![\w'’])(?:the +)?{_NAME}(?:{_LIST_SEP}(?:the +)?{_NAME})+(?![\w'’])")
_LIST_TAIL = re.compile(rf"(?: *[,;/] +(?:and +|or +)?|,? +(?:and|or|&) +)(?:the +)?({_NAME})")
_ITEM_SPLIT = re.compile(rf"(?:^|{_LIST_SEP})(?:the +)?({_NAME})")
_CELL_NAME = re.compile(rf"{_NAME}(?: +\([^)\n]{{1,40}}\))?")
_HEADER_WORDS = re.compile(
    rf"(?i)^(?:{_ORG_HEAD}|{_PRODUCT_HEAD}|name|names|total|totals|other|others|none|n/?a|"
    r"unknown|various|yes|no|tbc|not known|description|notes?|comments?)$"
)
_ADDRESS = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b|\bP\.?O\.? Box\b|\d")
_BULLET_ITEM = re.compile(r"^[ \t]*([•·*▪◦-]|\d{1,2}[.)])?[ \t]*(\S.*?)[ \t]*$")


def _blocks(text: str) -> Iterable[list[list[tuple[int, str, tuple[int, str]]]]]:
    """Tables and one-a-line lists, as columns of (offset, cell, (line offset, line)):
    a run of lines with cells apart by a tab, a bar or three spaces (or, for a CSV
    extract, commas), or of short lines with one name each, bulleted or after a line
    ending in a colon. Blank lines do not end a block."""
    at = 0
    rows: list[tuple[int, str, list[tuple[int, str]]]] = []
    shape = None
    intro = bulleted = False

    def flush():
        if len(rows) >= 2:
            width = max(len(c) for _a, _l, c in rows)
            cols = []
            for i in range(width):
                col = [
                    (a + c[i][0] + len(c[i][1]) - len(c[i][1].lstrip()), c[i][1].strip(), (a, ln))
                    for a, ln, c in rows
                    if i < len(c) and c[i][1].strip()
                ]
                cols.append(col)
            yield cols

    for line in text.split("\n"):
        if not line.strip():
            at += len(line) + 1
            continue
        cells = _row(line, False)
        kind = "table"
        if len(cells) < 2:
            b = _BULLET_ITEM.match(line)
            if line.count(",") >= 2 and len(line) < 300:
                cells, kind = _csv_cells(line), "csv"
            elif (
                b
                and (b.group(1) or intro or (shape == "line" and not bulleted))
                and len(b.group(2)) <= 60
                and not re.search(r"[.:;?!]$", b.group(2))
            ):
                cells, kind = [(b.start(2), b.group(2))], "line"
            else:
                cells, kind = [], None
        if kind != shape or not cells:
            yield from flush()
            rows = []
            shape = kind
            bulleted = bool(kind == "line" and b and b.group(1))
        if cells:
            rows.append((at, line, cells))
        intro = not cells and line.rstrip().endswith(":")
        at += len(line) + 1
    yield from flush()


class _SpanIndex:
    """Spans (start, end) sorted by start, to find those that overlap a range by
    bisection: a long page names thousands, and testing each candidate against every one
    was quadratic."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()):
        self.spans = sorted(set(spans))
        self.starts = [s for s, _e in self.spans]
        self.longest = max((e - s for s, e in self.spans), default=0)
        self.members = set(self.spans)

    def over(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The spans that overlap lo..hi."""
        i = bisect.bisect_left(self.starts, lo - self.longest)
        j = bisect.bisect_left(self.starts, hi)
        return [(s, e) for s, e in self.spans[i:j] if e > lo]

    def __contains__(self, span) -> bool:
        return span in self.members

    def __bool__(self) -> bool:
        return bool(self.spans)


class Discoverer:
    """Finds candidate names in a document's pages.

    ``is_known(name)`` says whether the vocabulary already names it; ``known_spans``
    (page -> [(start, end)]) are where the tagger found known names (a candidate that
    overlaps one is not new); ``vendor_spans`` are where known companies are named (for
    acronyms near a vendor).
    """

    def __init__(self, is_known: Callable[[str], bool] | None = None):
        self.is_known = is_known or (lambda name: False)
        self._vendors = _SpanIndex()
        self._systems = _SpanIndex()
        self._index_known()

    def discover(
        self,
        pages: Sequence[tuple[int, str]],
        known_spans: dict[int, list[tuple[int, int]]] | None = None,
        vendor_spans: dict[int, list[tuple[int, int]]] | None = None,
        limit: int = MAX_PER_DOCUMENT,
        system_spans: dict[int, list[tuple[int, int]]] | None = None,
    ) -> list[Candidate]:
        """``system_spans``: where known systems are named (with ``vendor_spans``, for
        names listed beside known ones)."""
        known_spans = known_spans or {}
        vendor_spans = vendor_spans or {}
        mid_caps = self._mid_sentence_words(pages)
        found: list[Candidate] = []
        for number, text in pages:
            spans = _SpanIndex(known_spans.get(number, []))
            self._vendors = _SpanIndex(vendor_spans.get(number, []))
            self._systems = _SpanIndex((system_spans or {}).get(number, []))
            self._index_known()
            for sentence in _sentences(text):
                if not sentence.text.strip() or _BOILERPLATE.search(sentence.text):
                    continue
                for cand in self._sentence(number, sentence, self._vendors):
                    if self._keep(cand, spans, mid_caps, sentence):
                        found.append(cand)
                found.extend(self._siblings(number, sentence, spans, mid_caps))
            found.extend(self._table(number, text, spans, mid_caps))
            found.extend(self._list(number, text, spans, mid_caps))
            found.extend(self._columns(number, text, spans, mid_caps))
        return self._rank(found, limit)

    # --- names beside known ones ------------------------------------------------------

    def _index_known(self) -> None:
        """Known companies and systems sorted by start, for lookups by bisection (a long
        page has thousands: testing each against every name would be quadratic)."""
        spans = sorted(
            [(s, e, COMPANY) for s, e in self._vendors.spans]
            + [(s, e, SYSTEM) for s, e in self._systems.spans]
        )
        self._known_sorted = spans
        self._known_starts = [s for s, _e, _k in spans]
        longest = max((e - s for s, e, _k in spans), default=0)
        self._known_longest = longest

    def _known_between(self, start: int, end: int) -> Iterable[tuple[int, int, str]]:
        """Known companies and systems that overlap start..end."""
        i = bisect.bisect_left(self._known_starts, start - self._known_longest)
        j = bisect.bisect_left(self._known_starts, end)
        for s, e, kind in self._known_sorted[i:j]:
            if e > start:
                yield s, e, kind

    def _sibling_kind(self, start: int, end: int) -> str | None:
        """COMPANY or SYSTEM when a known company or system is named at start..end."""
        for s, e, kind in self._known_between(start, end):
            if s <= start + 1 and e >= end - 1:
                return kind
        return None

    def _siblings(self, page: int, sentence: _Sentence, spans, mid_caps) -> list[Candidate]:
        """ "We use Agresso, Tribal, Civica": in a list of names where one is a known
        company or system, the others are names of the same kind."""
        text, base = sentence.text, sentence.start
        if not any(self._known_between(base, base + len(text))):
            return []  # no known company or system in the sentence
        if "," not in text and ";" not in text and "/" not in text and " and " not in text:
            return []
        out = []
        snippet = " ".join(text.split())[:SENTENCE_CHARS]
        for m in _LIST_RUN.finditer(text):
            items = []
            for part in _ITEM_SPLIT.finditer(m.group(0)):
                for sub, at in _parts(part.group(1)):
                    s = base + m.start() + part.start(1) + at
                    items.append((sub, s, s + len(sub)))
            if len(items) < 2:
                continue
            kinds = [self._sibling_kind(s, e) for _n, s, e in items]
            known = [k for k in kinds if k]
            if not known:
                continue
            kind = COMPANY if known.count(COMPANY) > known.count(SYSTEM) else SYSTEM
            for (name, s, e), k in zip(items, kinds, strict=True):
                if k or spans.over(s, e) or self._body_head(name):
                    continue
                cand = Candidate(kind, name, page, s, e, snippet, "sibling", 1.5)
                if self._keep(cand, spans, mid_caps, sentence):
                    out.append(cand)
        return out

    def _columns(self, page: int, text: str, spans, mid_caps: set[str]) -> list[Candidate]:
        """A table column (or a list one name a line) in which a known company or system
        is named: its other cells name the same kind of thing."""
        out = []
        if not self._vendors and not self._systems:
            return out
        for block in _blocks(text):
            for column in block:
                kinds = [self._sibling_kind(s, s + len(c)) for s, c, _line in column]
                known = [k for k in kinds if k]
                # a column of names, not of fields or addresses with a name among them
                if not known or len(column) < 2 or 4 * len(known) < len(column):
                    continue
                kind = COMPANY if known.count(COMPANY) > known.count(SYSTEM) else SYSTEM
                for (s, cell, line), k in zip(column, kinds, strict=True):
                    if k or not _CELL_NAME.fullmatch(cell) or len(_words(cell)) > 6:
                        continue
                    if spans.over(s, s + len(cell)):
                        continue
                    if self._body_head(cell) or _HEADER_WORDS.search(cell) or _ADDRESS.search(cell):
                        continue
                    snippet = " ".join(line[1].split())[:SENTENCE_CHARS]
                    cand = Candidate(kind, cell, page, s, s + len(cell), snippet, "column", 1.5)
                    if self._keep(cand, spans, mid_caps, _Sentence(line[0], line[1])):
                        out.append(cand)
        return out

    def _list(self, page: int, text: str, spans, mid_caps: set[str]) -> list[Candidate]:
        """Products listed one a line."""
        out = []
        for name, at, line in self.listed(text):
            if _BOILERPLATE.search(line):
                continue
            snippet = " ".join(line.split())[:SENTENCE_CHARS]
            cand = Candidate(SYSTEM, name, page, at, at + len(name), snippet, "listed", 2.0)
            if self._keep(cand, spans, mid_caps, _Sentence(at, name)):
                out.append(cand)
        return out

    def _table(self, page: int, text: str, spans, mid_caps: set[str]) -> list[Candidate]:
        """Cells of a table under a "Supplier", "System" or "Product" header."""
        out = []
        for kind, at, cell, line in table_cells(text):
            if not re.match(r"[A-Z]|[a-z]+-?[A-Z]", cell) or len(_words(cell)) > 6:
                continue
            snippet = " ".join(line.split())[:SENTENCE_CHARS]
            cand = Candidate(kind, cell, page, at, at + len(cell), snippet, "table", 2.0)
            line_start = at - line.find(cell)
            if self._keep(cand, spans, mid_caps, _Sentence(line_start, line)):
                out.append(cand)
        return out

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
        yield from self._described(text, base, make)
        yield from self._pairs(text, base, make)
        yield from self._recorded(text, base, make)
        yield from self._bodies(text, base, make)
        yield from self._acronyms(text, base, make, vendor_spans)
        yield from self._marked(text, make)
        yield from self._loose(text, make)

    @staticmethod
    def _loose(text, make) -> Iterable[Candidate]:
        """ "publishes the London Datastore": two capitalised words or more in the middle
        of a sentence, with no other cue (ranked last, a few a document)."""
        for m in _LOOSE_RE.finditer(text):
            if not _LOWER_WORD_BEFORE.search(text, max(0, m.start() - 40), m.start()):
                continue  # after a capitalised word ("Data Warehouse"), not a lower-case one
            words = _words(m.group(1))
            if len(words) < 2 or words[0] in FIRST_NAMES or words[0] in HONORIFICS:
                continue
            if any(w in _NOT_LOOSE for w in words) or words[-1].casefold() in PUBLICATIONS:
                continue
            if re.search(r"\d|\.\w", m.group(1)):
                continue  # "M60 2LA", "ASC 1", "Analytical Hub.docx"
            yield make(SYSTEM, m, 1, "loose", 0.5)

    @staticmethod
    def _marked(text, make) -> Iterable[Candidate]:
        """Names marked by their spelling near product words: CamelCase, quotation marks."""
        for rx in (_CAMEL_RE, _QUOTED_RE):
            for m in rx.finditer(text):
                name = m.group(1)
                n = len(_words(name))
                if name in CAMEL_WORDS or n > 5 or (n == 1 and not _odd_case(name)):
                    continue  # a quoted word is often just a word
                lo, hi = max(0, m.start() - ACRONYM_WINDOW), m.end() + ACRONYM_WINDOW
                if _PRODUCT_NEAR.search(text, lo, min(len(text), hi)):
                    yield make(SYSTEM, m, 1, "marked", 2.0)
                elif rx is _CAMEL_RE and _PRODUCT_SHAPE.fullmatch(name):
                    # "eCase", "iTrent", "ContrOCC", "LiquidLogic": spelt as products are
                    # even with no product word near
                    yield make(SYSTEM, m, 1, "marked", 1.5)

    def _organisations(self, text, base, make) -> Iterable[Candidate]:
        for cand in self._organisation_names(text, base, make):
            yield cand
            # "Maximus UK and Ingeus", "supplied by Videalert and by Siemens Mobility"
            nxt = _AND_NEXT.match(text, cand.end - base) if cand.kind == COMPANY else None
            if nxt and not self._body_head(nxt.group(1)):
                yield make(COMPANY, nxt, 1, "cue", 1.5)
            if cand.kind == COMPANY and cand.cue == "cue":  # "supplied by A, B and C"
                for name, s in self._list_tail(text, cand.end - base):
                    yield make(COMPANY, None, 0, "cue", 1.5, name, base + s, base + s + len(name))

    def _organisation_names(self, text, base, make) -> Iterable[Candidate]:
        for m in _COMPANY_RE.finditer(text):
            suffix = text[m.end(1) : m.end()].strip(" ,")
            name, start = f"{m.group(1)} {suffix}", base + m.start(1)
            # "Axon Public Safety AB and Videotec Ltd": two companies
            for cut in _SUFFIX_AND.finditer(name):
                first = name[: cut.start() + len(cut.group(1))]
                yield make(COMPANY, m, 1, "suffix", 3.0, first, start, start + len(first))
                start += cut.end()
                name = name[cut.end() :]
            yield make(COMPANY, m, 1, "suffix", 3.0, name, start, base + m.end())
        for m in _COMPANY_END_RE.finditer(text):
            words = _words(m.group(1))
            # not "Business Intelligence", "Data Solutions"; "Mercury Data Partners" is a name
            lead = (
                len(words) >= 3
                and words[0].casefold() not in GENERIC
                and not words[0].isupper()
                and len(words) == len(m.group(1).split())  # no "of", "and"
            )
            if words[-2].casefold() not in GENERIC or (lead and not self._body_head(m.group(1))):
                yield make(COMPANY, m, 1, "cue", 1.5)
        for m in _CUE_RE.finditer(text):
            # "shared with X ICB and Y Healthcare": each
            for part, at in _split_list(self._cut_purpose(m.group(1))):
                kind = AUTHORITY if self._body_head(part) else COMPANY
                # "owned by The Access Group": a capital "The" mid-sentence starts a name
                cue = "defined" if re.match(r"The [A-Z]\S* [A-Z]", part) else "cue"
                s = base + m.start(1) + at
                yield make(kind, m, 1, cue, 2.0, part, s, s + len(part))

    def _products(self, text, base, make) -> Iterable[Candidate]:
        for m in _SUPPLIED_RE.finditer(text):
            name = m.group(1)
            if not self._bodyish(name) and not re.search(rf"{_COMPANY_SUFFIX}$", name):
                yield make(SYSTEM, m, 1, "supplied", 2.0)
        yield from self._product_cues(text, base, make)
        for rx in (_THE_SYSTEM_RE, _SYSTEM_RE):
            for m in rx.finditer(text):
                g = 2 if m.group(2) else 3
                word, name = m.group(g), m.group(1)
                # "a contract with Sopra Steria for the STORM system": the product
                cut = name.rfind(" for the ") + 9 if " for the " in name else 0
                listed = _split_list(name)
                if len(listed) > 1 and self._body_head(listed[-2][0]):
                    # "the Data Partnership and the South East Counter Fraud Hub": the last
                    cut = max(cut, listed[-1][1])
                owner = re.match(r"(.+?)['’]s (?=\S)|(.+?s)['’] (?=[A-Z])", name[cut:])
                if owner:  # "Quorvex's Brindle platform": the maker and the product
                    maker = owner.group(1) or owner.group(2)
                    yield make(COMPANY, m, 1, "cue", 1.5, maker, base + m.start(1) + cut)
                    cut += owner.end()
                start, name = base + m.start(1) + cut, name[cut:]
                if word[0].isupper():
                    # "Welsh Patient Administration System", "Mobilised Systems"
                    name = text[start - base : m.end()]
                    yield make(SYSTEM, m, 1, "system", 2.0, name, start, base + m.end())
                else:
                    yield make(SYSTEM, m, 1, "system", 2.0, name, start)

    def _product_cues(self, text, base, make) -> Iterable[Candidate]:
        """A product named by what is done with it: used, hosted on, from a supplier."""
        for m in _USES_RE.finditer(text):
            for part, at in _parts(m.group(1)):  # "licences for Cellebrite UFED and Magnet AXIOM"
                if not self._bodyish(part):
                    s = base + m.start(1) + at
                    yield make(SYSTEM, m, 1, "uses", 1.5, part, s, s + len(part))
        for m in _FROM_RE.finditer(text):
            if not self._bodyish(m.group(1)):
                yield make(COMPANY, m, 1, "cue", 2.0)
        for m in _ON_RE.finditer(text):
            if not self._bodyish(m.group(1)):
                yield make(SYSTEM, m, 1, "system", 2.0)
        for m in _PAREN_RE.finditer(text):
            yield make(SYSTEM, m, 1, "supplied", 2.0)

    def _recorded(self, text, base, make) -> Iterable[Candidate]:
        """Where records are held ("held in X"), what is named after "and" beside a product,
        and products listed after "products:"."""
        for rx in (_HELD_IN_RE, _USES_RE, _ASSESSED_WITH_RE):
            for m in rx.finditer(text):
                if rx is not _USES_RE and not self._bodyish(m.group(1)):
                    yield make(SYSTEM, m, 1, "uses", 1.5)
                nxt = _AND_NEXT.match(text, m.end(1))
                if nxt and not self._bodyish(nxt.group(1)):
                    yield make(SYSTEM, nxt, 1, "uses", 1.5)
                for name, s in self._list_tail(text, m.end(1)):  # "we use A, B and C"
                    yield make(SYSTEM, None, 0, "uses", 1.5, name, base + s, base + s + len(name))
        for m in _INLINE_LIST_RE.finditer(text):
            yield from self._items(m, base, make, SYSTEM)
        for m in _SUCH_AS_RE.finditer(text):  # "tools such as Securus and Impero"
            yield from self._items(m, base, make, COMPANY if m.group("org") else SYSTEM, 2)

    def _items(self, m: re.Match, base: int, make, kind: str, group: int = 1):
        """Each name of a list "A, B and C" (a match's group)."""
        items = m.group(group)
        for item in re.finditer(
            rf"(?:^|, +|,? +(?:and|or) +)(?:the +)?({_NAME})(?=,|$| and | or )", items
        ):
            for part, at in _parts(item.group(1)):
                if not self._bodyish(part):
                    s = base + m.start(group) + item.start(1) + at
                    yield make(kind, m, group, "listed", 2.0, part, s, s + len(part))

    def _list_tail(self, text: str, pos: int) -> Iterable[tuple[str, int]]:
        """The names that continue a list after the one ending at pos: ", B, C and D"."""
        for _ in range(20):
            m = _LIST_TAIL.match(text, pos)
            if not m:
                return
            for part, at in _parts(m.group(1)):
                if not self._bodyish(part):
                    yield part, m.start(1) + at
            pos = m.end()

    def _described(self, text, base, make) -> Iterable[Candidate]:
        """A product or company described ("X, a ... tool", "the system is X")."""
        for m in _APPOSITIVE_RE.finditer(text):
            if not self._bodyish(m.group(1)):
                kind = COMPANY if m.group("org") else SYSTEM
                yield make(kind, m, 1, "described", 2.0)
        for m in _NAMED_RE.finditer(text):
            kind = AUTHORITY if self._body_head(m.group(1)) else SYSTEM
            yield make(kind, m, 1, "named", 2.0)
        # a supplier is the subject of its sentence, so it may start one
        for rx, kind, cue in ((_USED_RE, SYSTEM, "uses"), (_SUPPLIES_RE, COMPANY, "supplies")):
            for m in rx.finditer(text):  # "X is used to ...", "X provides the ..."
                if not self._bodyish(m.group(1)):
                    yield make(kind, m, 1, cue, 1.5)

    def _pairs(self, text, base, make) -> Iterable[Candidate]:
        """Two names side by side: "X from Y", "X (Y)", "Vendor's X"."""
        for m in _chained(_X_FROM_Y, text):
            product = m.group(1)
            # "Flood Modeller from Jacobs and InfoWorks ICM from ...": the maker is the first
            maker = self._cut_purpose(_parts(m.group(2))[0][0])
            if self._body_head(product) or self._body_head(maker):
                continue
            if any(_odd_case(w) for w in _words(product)) or _capitalised(product):
                yield make(SYSTEM, m, 1, "from", 1.5)  # "the Family Information Hub from X"
            if _distinctive(product):
                yield make(COMPANY, m, 2, "cue", 1.5, maker, None, base + m.start(2) + len(maker))
            for part, at in _parts(m.group(2))[1:]:
                s = base + m.start(2) + at
                yield make(SYSTEM, m, 2, "from", 1.5, part, s, s + len(part))
        for m in _NOUN_BRACKET_RE.finditer(text):
            if not self._body_head(m.group(1)):
                yield make(SYSTEM, m, 1, "bracket", 1.5)
        for m in _BRACKET_RE.finditer(text):
            yield from self._bracketed(m, base, make)
        for m in _POSSESSIVE_RE.finditer(text):
            at = base + m.start()
            if any(e == at for _s, e in self._vendors.over(at - 1, at)):
                yield make(SYSTEM, m, 1, "system", 2.0)

    def _bracketed(self, m: re.Match, base: int, make) -> Iterable[Candidate]:
        """ "Full Name System (FNS)": the full name is a name; "Agresso (Unit4 Business
        World)": another name for the product; "the X platform (Vendor)": its maker."""
        outer, phrase, inner = m.group(1), m.group(2), m.group(3)
        if _initials(outer, inner):
            if inner not in COMMON_ACRONYMS and _ENDS_WITH_PRODUCT_WORD.search(outer):
                yield make(SYSTEM, m, 1, "defined", 2.0)
            return
        if (  # "IDB (Intelligence Database)": the full name of an acronym
            re.fullmatch(r"[A-Z]{2,6}", outer)
            and outer not in COMMON_ACRONYMS
            and len(_words(inner)) >= 2
            and inner[0] == outer[0]
            and _ENDS_WITH_PRODUCT_WORD.search(inner)
        ):
            yield make(SYSTEM, m, 3, "defined", 2.0)
            return
        if self._body_head(inner) or self._body_head(outer):
            return
        if phrase or (re.fullmatch(r"[A-Z]{2,}|\S*[a-z][A-Z]\S*", outer) and not inner.isupper()):
            yield make(COMPANY, m, 3, "cue", 1.5)  # "ICE (Sunquest)"
        elif re.search(r"[a-z][A-Z]|[A-Za-z]\d", inner):  # "Agresso (Unit4 Business World)"
            yield make(SYSTEM, m, 3, "bracket", 1.5)

    @classmethod
    def _cut_purpose(cls, name: str) -> str:
        """ "Sopra Steria for the STORM system": the organisation, not what it is for."""
        cut = re.search(r" {1,2}for(?: the)? ", name)
        if cut and not cls._body_head(name[: cut.start()]):
            return name[: cut.start()]
        return name

    def _bodies(self, text, base, make) -> Iterable[Candidate]:
        for m in _BODY_RE.finditer(text):
            # "X Clinical Commissioning Group and Y Primary Care Trust": two bodies.
            for part, at in _split_list(m.group(1)):
                head = self._body_head(part)
                if head:
                    start = base + m.start(1) + at
                    name = part[: head[1]]
                    yield make(AUTHORITY, m, 1, "body", 2.0, name, start, start + len(name))
                    # "Single Fraud Investigation Service of the Department for Work and
                    # Pensions": the part is a body too
                    of = re.search(r" (?:of|for) (?:the )?[A-Z]", name)
                    if of and self._body_head(name[: of.start()]):
                        name = name[: of.start()]
                        yield make(AUTHORITY, m, 1, "body", 2.0, name, start, start + len(name))
                elif _national(part) or re.match(r"NHS [A-Z0-9]", part):
                    # "Children's Hearings Scotland", "NHS 111 Wales": a body named for
                    # its nation or as the NHS's, with no head word
                    start = base + m.start(1) + at
                    kind = (
                        SYSTEM if re.match(r"NHS (?:App|Number|Login|Spine)\b", part) else AUTHORITY
                    )
                    yield make(kind, m, 1, "body", 1.5, part, start, start + len(part))
        for m in _SUBJECT_RE.finditer(text):  # "Tameside Hospital uses the ..."
            name = m.group(1)
            if len(_words(name)) >= 2 and not self._body_head(name):
                kind = AUTHORITY if any(w in _PUBLIC_WORDS for w in _words(name)) else COMPANY
                yield make(kind, m, 1, "subject", 1.5)

    def listed(self, text: str) -> Iterable[tuple[str, int, str]]:
        """Products in a list, one a line: "Abritas – lettings system" (the name, when
        what follows says it is a product) or "Finance: Agresso" (the value, when the
        label is a function)."""
        for m in _LISTED_RE.finditer(text):
            bullet, label, rest = m.group(1), m.group(2), m.group(3)
            if self._body_head(label):
                continue
            if _value_label(label):  # "Mobilising: Systel StartFire"
                for name, at in self._label_values(rest):
                    yield name, m.start(3) + at, m.group(0)
            elif (
                bullet
                and re.fullmatch(_NAME, label)
                and _distinctive(label)
                and (_PRODUCT_WORD.search(rest) or _SOFTWARE_INTRO.search(_intro(text, m.start())))
            ):
                yield label, m.start(2), m.group(0)
        for m in _ANSWER_RE.finditer(text):  # "Which company provides ...?" then "TeleTracking."
            if _PRODUCT_WORD.search(m.group(1)) or re.search(
                r"(?i)compan|supplier|provider", m.group(1)
            ):
                yield m.group(2), m.start(2), m.group(0)
        yield from self._numbered_answers(text)
        for m in _BARE_BULLET_RE.finditer(text):  # "Software used:" then "- Civica OpenRevenues"
            if _SOFTWARE_INTRO.search(_intro(text, m.start())) and not self._body_head(m.group(1)):
                yield m.group(1), m.start(1), m.group(0)

    def _label_values(self, rest: str) -> Iterable[tuple[str, int]]:
        """The names after a function label: "Systel StartFire"; "Veridian Cloud
        (hosting), Quelcore (analytics)" (a list, until an abbreviation)."""
        v = _LISTED_VALUE.match(rest)
        name = v.group(1) if v else ""
        if re.match(r"[A-Za-z]", name) and _distinctive(name) and not self._body_head(name):
            yield name, 0
        pos = v.end(1) if v else len(rest)
        while more := _VALUE_MORE.match(rest, pos):
            name, pos = more.group(1), more.end(1)
            if re.fullmatch(r"[A-Z&]{1,4}", name):
                break  # "CIN, CPP, D&A": abbreviations, not products
            if _distinctive(name) and not self._body_head(name):
                yield name, more.start(1)

    def _numbered_answers(self, text: str) -> Iterable[tuple[str, int, str]]:
        """ "1. Name of the system used" ... then "1. Homefinder Plus": a letter that
        answers numbered questions with a bare name, where the question asks for a
        product or a supplier."""
        asked: dict[str, str] = {}
        for m in _NUMBERED_LINE.finditer(text):
            number, line = m.group(1), m.group(2)
            question = asked.get(number)
            if question is None:
                asked[number] = line
                continue
            if not (_PRODUCT_WORD.search(question) or _ORG_WORD.search(question)):
                continue
            name = _ANSWER_NAME.fullmatch(line)
            if name and _distinctive(name.group(1)) and not self._body_head(name.group(1)):
                yield name.group(1), m.start(2), m.group(0)

    @staticmethod
    def _acronyms(text, base, make, vendor_spans) -> Iterable[Candidate]:
        for m in _ACRONYM_RE.finditer(text):
            acr = m.group(1)
            if acr in COMMON_ACRONYMS or acr.rstrip("s") in COMMON_ACRONYMS:
                continue
            lo, hi = max(0, m.start() - ACRONYM_WINDOW), m.end() + ACRONYM_WINDOW
            near_word = _ACRONYM_NEAR.search(text, lo, min(len(text), hi))
            near_vendor = bool(vendor_spans.over(base + lo, base + hi))
            # "returns are made in COLLECT", "the ORCHID system": a word of four letters
            # or more in capitals amid lower-case words names a product
            named = (
                near_word
                and sum(ch.isalpha() for ch in acr) >= 4
                and acr.casefold() not in GENERIC
                and acr not in CAPITAL_WORDS
                and not _caps_around(text, m.start(), m.end())
            )
            if near_word or near_vendor:
                yield make(SYSTEM, m, 1, "acronym", 2.0 if near_vendor or named else 1.0)

    @classmethod
    def _bodyish(cls, name: str) -> bool:
        """A body's name, not a body's product ("the Department's Education Data
        Warehouse", "West Yorkshire Fire and Rescue Service's Community Risk Profile")."""
        head = cls._body_head(name)
        return bool(head) and not re.match(r"['’]s +[A-Z]", name[head[1] :])

    @staticmethod
    def _body_head(name: str) -> tuple[str, int] | None:
        """Where a body name ends: after its last head word, when it has one."""
        best = None
        words = _words(name)
        public = any(w in _PUBLIC_WORDS for w in words)
        for m in re.finditer(r"[\w'’&-]+", name):
            word = re.sub(r"['’]s$", "", m.group(0))  # "the Scottish Funding Council's lists"
            end = m.start() + len(word)
            if word not in _BODY_HEAD_SET:
                continue
            long_name = word in _LONG_NAME_HEADS and len(_words(name[:end])) >= 3
            for_of = re.match(r" (?:for|of) ", name[m.end() :])
            if word in _WEAK_HEADS and not (public or long_name or for_of):
                continue
            if re.match(r" (?:for|of) (?:the )?[A-Z]", name[m.end() :]):
                # "Department for Communities", "Mayor's Office for Policing and Crime"
                best = (word, len(name.rstrip(" .,")))
                continue
            if word in _INTERNAL_HEADS and m.start() > 0 and not (long_name and public):
                continue  # "Chief Executive's Department": a part of a body, not a body
            if word == "Group" and "Commissioning" not in words:
                continue
            best = (word, end)
        return best

    def _keep(self, cand: Candidate, spans, mid_caps: set[str], sentence: _Sentence) -> bool:
        if cand.kind == AUTHORITY:
            self._cut_known_tail(cand, spans)
        owner = re.match(r".+(?:['’]s|s['’]) (?=\S)", cand.name) if cand.kind == SYSTEM else None
        maker = re.match(r"(.+?)['’]s (?=[A-Z])", cand.name) if cand.kind == COMPANY else None
        if maker:  # "Playtech's BetBuddy unit": the company
            cand.name, cand.end = maker.group(1), cand.start + len(maker.group(1))
        if owner:  # "Experian's Ormsby product", "Quorvex's Lattice": the product
            cand.name, cand.start = cand.name[owner.end() :], cand.start + owner.end()
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
        near = spans.over(cand.start, cand.end)
        if any(s <= cand.start and e >= cand.end for s, e in near):
            return False
        if cand.kind == AUTHORITY and (
            any(s < cand.end and e >= cand.end for s, e in near) or self._known_tail(words)
        ):
            return False  # "Heddlu Gwent Police": the body named is a known one
        if cand.kind != AUTHORITY and cand.cue != "acronym":
            rest = cand.name
            for s, e in near:
                if s >= cand.start and e <= cand.end:
                    a, b = s - cand.start, e - cand.start
                    rest = rest[:a] + " " * (b - a) + rest[b:]
            rest = re.sub(r"['’]s\b", "  ", rest)  # "Liquidlogic's Early Help Module"
            left = _words(rest)
            titled = _titled(cand, words) and (
                len(left) >= 3 or cand.cue in ("defined", "supplied", "from")
            )
            inner = [(s, e) for s, e in near if s == cand.start and e < cand.end]
            capitals = bool(left) and all(w[0].isupper() for w in left)
            vendor_product = titled or (
                cand.kind == SYSTEM and capitals and any(x in self._vendors for x in inner)
            )  # "the Northgate Housing system", "- NEC Document Management": a vendor's product
            # "the Leeds Data Model": a place's product; "Locata Housing Services": the
            # company named for its product (a known system, not a known company)
            place_product = (
                capitals
                and len(left) >= 2
                and any(x not in self._vendors and x not in self._systems for x in inner)
            )
            product_maker = (
                cand.kind == COMPANY
                and capitals
                and any(x in self._systems for x in inner)
                and re.search(rf"(?:{_COMPANY_ENDS}|Services|{_COMPANY_SUFFIX})$", cand.name)
            )
            if not (vendor_product or place_product or product_maker) and not _distinctive(
                _strip_suffix(rest) if cand.kind == COMPANY else rest
            ):
                return False
        parts = [p for p, _at in _parts(cand.name)]
        if len(parts) > 1 and all(self.is_known(p) for p in parts):
            return False  # "Oxfordshire and Buckinghamshire": known places
        if self.is_known(cand.name):
            return False
        if cand.kind == COMPANY and self.is_known(_strip_suffix(cand.name)):
            # "Snap Surveys Ltd" beside the known product Snap Surveys: a new company
            bare = cand.start + len(_strip_suffix(cand.name))
            systems = self._systems.over(cand.start, cand.start + 1)
            return any(s == cand.start and e >= bare - 1 for s, e in systems)
        return True

    @staticmethod
    def _cut_known_tail(cand: Candidate, spans) -> None:
        """ "University of Lincoln and Lincolnshire Police": a known body after "and" is
        not part of the new one."""
        for s, e in spans.over(cand.start, cand.end):
            if cand.start < s < cand.end <= e + 1:
                head = cand.name[: s - cand.start]
                if re.search(r" (?:and|&|,) $", head):
                    cand.name = re.sub(r",? (?:and|&|,) $", "", head)
                    cand.end = cand.start + len(cand.name)
                    return

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
        inner = _inner_keys(key(c.name) for _, c in best if c.cue != "loose")
        suffixed = {key(_strip_suffix(c.name)) for _, c in best if _strip_suffix(c.name) != c.name}
        kept = []
        loose = 0
        firm = {key(c.name) for _, c in best if c.cue != "loose"}
        for score, c in sorted(best, key=lambda x: (-x[0], x[1].page, x[1].start)):
            k = key(c.name)
            if c.cue == "acronym" and score < 2:
                # an acronym alone needs a second sighting or a vendor nearby
                continue
            if c.cue == "loose":
                # a name only by its capitals: a few a document, none beside a firmer one
                if loose >= LOOSE_PER_DOCUMENT or k in inner or _inner_keys([k]) & firm:
                    continue
                loose += 1
            elif k in inner and c.kind != COMPANY:
                continue
            if c.kind == COMPANY and k in suffixed and _strip_suffix(c.name) == c.name:
                continue  # "Harcastle Analytics" beside "Harcastle Analytics Ltd"
            kept.append(c)
        return kept[:limit]


def _shouting(words: list[str], name: str, sentence: str = "") -> bool:
    """Mostly words in capitals: a heading or a question copied in capitals. One word in
    capitals is a name ("GATHERER") when the words around it are not in capitals too."""
    if len(words) == 1:
        if not name.isupper() or len(name) <= 7:
            return False
        others = [
            w
            for w in re.findall(r"[A-Za-z]{4,}", sentence)
            if w.isupper() and w != name and w not in COMMON_ACRONYMS
        ]
        return len(name) > 12 or name in CAPITAL_WORDS or bool(others)
    alpha = [w for w in words if any(c.isalpha() for c in w)]
    caps = [w for w in alpha if len(w) >= 4 and w.isupper()]  # not "NHS", "CCG"
    return len(alpha) > 1 and len(caps) >= 0.6 * len(alpha)


def _odd_case(word: str) -> bool:
    """iTrent, ContrOCC, RAISE, NHS2: capitals inside the word or digits."""
    return any(ch.isupper() for ch in word[1:]) or any(ch.isdigit() for ch in word)


def _strip_suffix(name: str) -> str:
    return re.sub(rf"\s*,?\s+{_COMPANY_SUFFIX}$", "", name).strip()


# "Software:", "The systems we use are:": a list of products follows.
_SOFTWARE_INTRO = re.compile(
    r"(?i)\b(?:software|systems?|products?|applications?|suppliers?|tools?|platforms?|"
    r"packages?|solutions?|(?:uses|use|used) the following|the following)\b[^\n]*:\s*$"
)
_BULLET_LINE = re.compile(r"[ \t]*(?:[•·*▪◦-]|\d{1,2}[.)])[ \t]")


_NUMBERED_LINE = re.compile(
    r"^[ \t]*(?:(?:Q|A|Question|Answer)[ \t]*)?(\d{1,2})[.):]?[ \t]+(\S[^\n]*?)[ \t]*$", re.M
)
_ORG_WORD = re.compile(r"(?i)\b(?:supplier|vendor|provider|company|contractor|developer)s?\b")
_ANSWER_NAME = re.compile(rf"(?:Yes[,.:;–-]? +)?({_NAME})(?: +\([^)\n]{{1,60}}\))?\.?")
_ANSWER_RE = re.compile(rf"^([^\n]*\?)[ \t]*\n[ \t]*(?:A\d*[.:)]?[ \t]*)?({_NAME})\.?[ \t]*$", re.M)
_BARE_BULLET_RE = re.compile(rf"^[ \t]*[•·*▪◦-][ \t]*({_NAME})(?=[ \t]*(?:$|\(| for | to ))", re.M)
# Labels of who someone is or where to write, never of a product.
_CONTACT_LABEL = re.compile(
    r"(?i)^(?:name|contact|email|e-mail|tel|telephone|phone|address|from|to|sent|subject|cc|"
    r"date|ref|reference|our ref|your ref|dear|signed|officer|author|owner|lead)\b"
)


def _value_label(label: str) -> bool:
    """ "Finance system", "Psychometric testing": a label naming what a product does (all
    generic words, or a phrase in sentence case); a person's or a letter's details are not."""
    if _CONTACT_LABEL.match(label):
        return False
    return bool(_FUNCTION_LABEL.search(label)) and (
        not _distinctive(label) or bool(re.fullmatch(r"[A-Z][a-z-]+(?: [a-z-]+){0,4}", label))
    )


def _intro(text: str, pos: int) -> str:
    """The line that introduces the list the line at pos belongs to (the sentence or
    line before its first item), or ""."""
    start = text.rfind("\n", 0, pos) + 1
    for _ in range(200):  # a list longer than that has no introduction found
        if start <= 0:
            break
        prev = text.rfind("\n", 0, start - 1) + 1
        line = text[prev : start - 1]
        if not _BULLET_LINE.match(line):
            return line.split(". ")[-1]
        start = prev
    return ""


def _inner_keys(keys: Iterable[str]) -> set[str]:
    """Every run of whole words inside a longer key (linear in the keys, where testing
    each key against every other one was quadratic)."""
    out: set[str] = set()
    for k in keys:
        words = k.split(" ")
        n = len(words)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i < n:
                    out.add(" ".join(words[i:j]))
    return out


def _parts(name: str) -> list[tuple[str, int]]:
    """A run of names joined by "and": each with its offset."""
    out, pos = [], 0
    for m in _AND_SPLIT.finditer(name):
        out.append((name[pos : m.start()], pos))
        pos = m.end()
    out.append((name[pos:], pos))
    return out


def _initials(name: str, short: str) -> bool:
    """ "CRMIS" for "Community Risk Management Information System"."""
    letters = "".join(w[0] for w in _words(name) if w[0].isupper())
    short = short.rstrip("s") if short.endswith("s") and len(short) > 2 else short
    return len(short) >= 2 and short.isupper() and short == letters.upper()
