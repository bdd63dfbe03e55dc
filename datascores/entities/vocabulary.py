"""The project's vocabularies as plain data: read the files in ``data/`` into entity specs.

Pure (no Django): the loader writes these specs to the database, and tests and
benchmarks can build a tagger straight from them. Councils are compact CSV rows; their
common forms ("Hackney Council", "LB Hackney", "Kent CC") are generated here by rules
so every council gets the same treatment.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.text import slugify

from .tagger import fold

DATA_DIR = Path(__file__).resolve().parent / "data"

AUTHORITY = "authority"
COMPANY = "company"
SYSTEM = "system"

# A bare place name ("Hackney", "Bristol") is only a council when the text says so:
# a council word nearby, or the council named in full elsewhere in the document.
PLACE_CONTEXT = (
    "council",
    "borough",
    "county council",
    "city council",
    "district council",
    "local authority",
    "authority",
    "city of",
    "county of",
    "LA",
)
PLACE_WINDOW = 40
# "Cardiff University", "Hackney carriage", "Manchester Airport" are not the council.
PLACE_NOT_AFTER = (
    "University",
    "College",
    "Airport",
    "Hospital",
    "Hospitals",
    "Infirmary",
    "NHS",
    "CCG",
    "Clinical",
    "Police",
    "Constabulary",
    "Fire",
    "carriage",
    "carriages",
    "Carriage",
    "FC",
    "City",
    "United",
    "Rovers",
    "Diocese",
    "Cathedral",
    "Crown",
    "Magistrates",
    "Trust",
    "Partnership",
    "Ambulance",
    "Water",
    "Port",
    "Chamber",
    "Care",
    "Integrated",
    "Research",
    "Business",
    "Road",
    "Street",
    "Avenue",
    "Way",
    "House",
    "Coldfield",  # Sutton Coldfield (Birmingham)
    "Consulting",  # Boston Consulting Group
    "Group",
    "Analytica",  # Cambridge Analytica
    "St Edmunds",  # Bury St Edmunds (West Suffolk)
)
# Places that are ordinary English words ("Reading the report", "Down the road", "bury"),
# or other well-known places and common surnames ("Boston Consulting Group", "Sutton
# Coldfield", "Mr Preston"): a council word somewhere nearby is not enough. They count only
# right next to one ("Reading council", "the borough of Bury"), and the common words never
# at the start of a sentence, where any word has a capital.
COMMON_WORD_PLACES = frozenset(
    {
        "Angus", "Brent", "Bucks", "Bury", "Craven", "Derby", "Down", "Eden", "Harrow", "Hart",
        "Highland", "Reading", "Rother", "Rugby", "Slough", "Swale",
    }
)  # fmt: skip
AMBIGUOUS_PLACES = frozenset(
    {
        "Bedford", "Bolton", "Boston", "Carlisle", "Christchurch", "Crawley", "Cumberland",
        "Hastings", "Lincoln", "Mansfield", "Newcastle", "Newport", "Poole", "Preston",
        "Selby", "Stafford", "Sutton", "Warwick", "York",
    }
)  # fmt: skip
# What must stand right after (or before) such a place.
PLACE_NEXT = (
    "council",
    "borough council",
    "city council",
    "county council",
    "district council",
    "borough",
    "local authority",
)
PLACE_PREV = ("council of", "borough of", "city of", "county of", "district of")


@dataclass
class AliasSpec:
    text: str
    case_sensitive: bool | None = None  # None: decided by default_case_sensitive()
    ambiguous: bool = False
    context: list[str] = field(default_factory=list)
    window: int = 150
    not_before: list[str] = field(default_factory=list)
    not_after: list[str] = field(default_factory=list)
    need_before: list[str] = field(default_factory=list)
    need_after: list[str] = field(default_factory=list)
    not_sentence_start: bool = False
    source: str = "data"  # data | generated

    def resolved_case_sensitive(self) -> bool:
        if self.case_sensitive is None:
            return default_case_sensitive(self.text)
        return self.case_sensitive


@dataclass
class EntitySpec:
    entity_type: str  # authority | company | system
    name: str
    slug: str
    aliases: list[AliasSpec] = field(default_factory=list)
    description: str = ""
    # public bodies
    kind: str = ""  # council | police | nhs | central | combined | other
    body_type: str = ""
    nation: str = ""
    latitude: float | None = None
    longitude: float | None = None
    start_date: date | None = None
    end_date: date | None = None
    successors: list[str] = field(default_factory=list)  # official names
    domains: list[str] = field(default_factory=list)
    # systems
    vendor: str = ""  # company name
    owner: str = ""  # public body name
    category: str = ""
    # companies
    parent: str = ""


def default_case_sensitive(text: str) -> bool:
    """Acronyms and oddly-cased short names ("DWP", "CACI", "DfE", "eFI") match case exactly."""
    if " " in text or len(text) > 6:
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    if all(c.isupper() for c in letters):
        return True
    return any(c.isupper() for c in text[1:])


def _alias_from_json(item: str | dict) -> AliasSpec:
    if isinstance(item, str):
        if item.startswith("~"):
            return AliasSpec(text=item[1:], ambiguous=True)
        return AliasSpec(text=item)
    return AliasSpec(
        text=item["text"],
        case_sensitive=item.get("case_sensitive"),
        ambiguous=bool(item.get("ambiguous", False)),
        context=list(item.get("context", [])),
        window=int(item.get("window", 150)),
        not_before=list(item.get("not_before", [])),
        not_after=list(item.get("not_after", [])),
        need_before=list(item.get("need_before", [])),
        need_after=list(item.get("need_after", [])),
        not_sentence_start=bool(item.get("not_sentence_start", False)),
    )


def _merge_aliases(name: str, items: list[AliasSpec]) -> list[AliasSpec]:
    """The official name is always an alias; an explicit entry for the same text wins."""
    out: dict[str, AliasSpec] = {}
    out[name] = AliasSpec(text=name)
    for a in items:
        if a.text in out and out[a.text].source == "data" and a.source == "generated":
            continue
        out[a.text] = a
    return list(out.values())


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# --- councils ------------------------------------------------------------------------------

_ACRONYM_SUFFIX = {
    "County Borough Council": "CBC",
    "Metropolitan Borough Council": "MBC",
    "Borough Council": "BC",
    "County Council": "CC",
    "District Council": "DC",
    "City Council": "CC",
}


def council_aliases(name: str, place: str, council_type: str) -> list[AliasSpec]:
    """Common written forms of a council's name, generated from its place name.

    ``place`` may list other spellings after semicolons ("Northamptonshire;Northants"):
    each gets the same forms.
    """
    out: list[AliasSpec] = []
    seen: set[str] = {name}

    def add(text: str, **kw) -> None:
        # Generated forms match as written (or in capitals): "shut down council offices"
        # must not be Down District Council.
        kw.setdefault("case_sensitive", True)
        if text and text not in seen:
            seen.add(text)
            out.append(AliasSpec(text=text, source="generated", **kw))

    for spelling in [p.strip() for p in place.split(";") if p.strip()]:
        _council_forms(add, name, spelling, council_type)
    return out


def _council_forms(add, name: str, place: str, council_type: str) -> None:
    add(f"{place} Council")
    if council_type == "london_borough" and name.startswith(("London Borough of", "Royal Borough")):
        add(f"London Borough of {place}")
        add(f"LB {place}", case_sensitive=True)
        add(f"LB of {place}")
        add(f"{place} LBC", case_sensitive=True)
        add(f"{place} London Borough Council")
        add(f"{place} Borough Council")
    if council_type == "metropolitan_borough":
        add(f"{place} Metropolitan Borough Council")
        add(f"{place} MBC", case_sensitive=True)
        add(f"Metropolitan Borough of {place}")
    for long_form, acronym in _ACRONYM_SUFFIX.items():
        if name.endswith(long_form) or name == f"{place} {long_form}":
            add(f"{place} {long_form}")
            add(f"{place} {acronym}", case_sensitive=True)
            break
    if name.startswith("City of ") and name.endswith(" Council"):
        add(f"{place} City Council")
    if name.startswith("Borough Council of "):
        add(f"{place} Borough Council")
    if "City" in name and council_type not in ("london_borough",):
        add(f"City of {place} Council")
    # The bare place name: case exact, and only with a council word nearby or the
    # council named in full elsewhere in the document; right next to a council word
    # when the place is also a common word or another well-known place.
    strict = place in COMMON_WORD_PLACES or place in AMBIGUOUS_PLACES
    add(
        place,
        case_sensitive=True,
        ambiguous=True,
        context=list(PLACE_CONTEXT) + (list(PLACE_NEXT + PLACE_PREV) if strict else []),
        window=PLACE_WINDOW,
        not_after=list(PLACE_NOT_AFTER),
        need_after=list(PLACE_NEXT) if strict else [],
        need_before=list(PLACE_PREV) if strict else [],
        not_sentence_start=place in COMMON_WORD_PLACES,
    )


def read_councils(path: Path | None = None) -> list[EntitySpec]:
    path = path or DATA_DIR / "councils.csv"
    specs = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["name"].strip()
            place = row["place"].strip()
            aliases = [_alias_from_json(a.strip()) for a in row["aliases"].split(";") if a.strip()]
            generated = council_aliases(name, place, row["type"])
            specs.append(
                EntitySpec(
                    entity_type=AUTHORITY,
                    name=name,
                    slug=slugify(name),
                    aliases=_merge_aliases(name, generated + aliases),
                    kind="council",
                    body_type=row["type"],
                    nation=row["nation"],
                    latitude=float(row["lat"]) if row["lat"] else None,
                    longitude=float(row["lon"]) if row["lon"] else None,
                    start_date=_date(row["start"]),
                    end_date=_date(row["end"]),
                    successors=[s for s in row["successors"].split(";") if s],
                    domains=[d.strip() for d in row["domain"].split(";") if d.strip()],
                )
            )
    return specs


_TRUST_SUFFIX = re.compile(r" (?:University )?NHS (?:Foundation )?Trust$")
_TRUST_SHORT_ENDS = ("Hospitals", "Hospital", "Healthcare", "Partnership", "Health", "Care")


def trust_short_forms(name: str) -> list[AliasSpec]:
    """How letters name an NHS trust without "NHS (Foundation) Trust": "Sherwood Forest
    Hospitals", "Avon and Wiltshire Mental Health Partnership", "Southern Health". Only
    when what is left ends in a word that says health service, matched as written."""
    short = _TRUST_SUFFIX.sub("", name)
    if short == name or len(short.split()) < 2 or not short.endswith(_TRUST_SHORT_ENDS):
        return []
    forms = [short] + ([short[4:]] if short.startswith("The ") else [])
    return [AliasSpec(text=f, case_sensitive=True, source="generated") for f in forms]


def read_bodies(path: Path, default_kind: str = "", default_type: str = "") -> list[EntitySpec]:
    data = json.loads(path.read_text(encoding="utf-8"))
    specs = []
    for b in data["bodies"]:
        name = b["name"]
        specs.append(
            EntitySpec(
                entity_type=AUTHORITY,
                name=name,
                slug=slugify(name),
                aliases=_merge_aliases(
                    name,
                    trust_short_forms(name) + [_alias_from_json(a) for a in b.get("aliases", [])],
                ),
                kind=b.get("kind", default_kind),
                body_type=b.get("type", default_type),
                nation=b.get("nation", ""),
                latitude=b.get("lat"),
                longitude=b.get("lon"),
                start_date=_date(b.get("start")),
                end_date=_date(b.get("end")),
                successors=list(b.get("successors", [])),
                domains=list(b.get("domains", [])),
                description=b.get("description", ""),
            )
        )
    return specs


# One health and wellbeing board per upper-tier council in England (Health and Social Care
# Act 2012, from April 2013).
_HWB_COUNCIL_TYPES = frozenset(
    {"county_council", "unitary_authority", "metropolitan_borough", "london_borough", "sui_generis"}
)
HWB_START = date(2013, 4, 1)


def health_and_wellbeing_boards(councils: list[EntitySpec]) -> list[EntitySpec]:
    """ "<Place> Health and Wellbeing Board" for each current upper-tier English council."""
    out = []
    for c in councils:
        if c.kind != "council" or c.nation != "england" or c.body_type not in _HWB_COUNCIL_TYPES:
            continue
        if c.end_date is not None:
            continue
        places = [a.text for a in c.aliases if a.ambiguous and a.source == "generated"]
        if not places:
            continue
        name = f"{places[0]} Health and Wellbeing Board"
        aliases = []
        for place in places:
            for form in (
                f"{place} Health and Wellbeing Board",
                f"{place} Health & Wellbeing Board",
                f"{place} Health and Well-being Board",
                f"{place} Health and Well Being Board",
            ):
                aliases.append(AliasSpec(text=form, source="generated"))
            aliases.append(AliasSpec(text=f"{place} HWB", case_sensitive=True, source="generated"))
        out.append(
            EntitySpec(
                entity_type=AUTHORITY,
                name=name,
                slug=slugify(name),
                aliases=_merge_aliases(name, aliases),
                kind="other",
                body_type="health_and_wellbeing_board",
                nation="england",
                latitude=c.latitude,
                longitude=c.longitude,
                start_date=max(HWB_START, c.start_date) if c.start_date else HWB_START,
                description=f"The health and wellbeing board of {c.name}.",
            )
        )
    return out


def read_companies(path: Path | None = None) -> list[EntitySpec]:
    path = path or DATA_DIR / "companies.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        EntitySpec(
            entity_type=COMPANY,
            name=c["name"],
            slug=slugify(c["name"]),
            aliases=_merge_aliases(c["name"], [_alias_from_json(a) for a in c.get("aliases", [])]),
            domains=list(c.get("domains", [])),
            end_date=_date(c.get("end")),
            successors=list(c.get("successors", [])),
            parent=c.get("parent", ""),
            description=c.get("description", ""),
        )
        for c in data["companies"]
    ]


def read_systems(path: Path | None = None) -> list[EntitySpec]:
    path = path or DATA_DIR / "systems.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        EntitySpec(
            entity_type=SYSTEM,
            name=s["name"],
            slug=slugify(s["name"]),
            aliases=_merge_aliases(s["name"], [_alias_from_json(a) for a in s.get("aliases", [])]),
            vendor=s.get("vendor") or "",
            owner=s.get("owner") or "",
            category=s.get("category", ""),
            description=s.get("description", ""),
        )
        for s in data["systems"]
    ]


def load_specs(data_dir: Path | None = None) -> list[EntitySpec]:
    """Every entity the project's data files define, public bodies first."""
    d = data_dir or DATA_DIR
    specs = (
        read_councils(d / "councils.csv")
        + read_bodies(d / "police.json", default_kind="police", default_type="territorial_police")
        + read_bodies(d / "public_bodies.json")
        + read_bodies(d / "more_bodies.json")
        + read_companies(d / "companies.json")
        + read_systems(d / "systems.json")
    )
    specs += health_and_wellbeing_boards(specs)
    check_specs(specs)
    _align_shared_names(specs)
    return specs


def _align_shared_names(specs: list[EntitySpec]) -> None:
    """A name two bodies share across a reorganisation ("Somerset Council": the county
    council's short form, the new council's official name) must match the same text for
    both, or the date could never choose between them: it matches as the official name
    does."""
    official = {fold(s.name): s for s in specs}
    by_text: dict[tuple[str, str], list[AliasSpec]] = {}
    for s in specs:
        for a in s.aliases:
            if not a.ambiguous:
                by_text.setdefault((s.entity_type, fold(a.text)), []).append(a)
    for (etype, key), aliases in by_text.items():
        owner = official.get(key)
        if len(aliases) < 2 or owner is None or owner.entity_type != etype:
            continue
        case = next(a for a in owner.aliases if fold(a.text) == key).resolved_case_sensitive()
        for a in aliases:
            a.case_sensitive = case


def check_specs(specs: list[EntitySpec]) -> None:
    """Fail loudly on a broken data file: duplicate slugs, dangling references."""
    seen: set[tuple[str, str]] = set()
    names = {(s.entity_type, s.name) for s in specs}
    for s in specs:
        key = (s.entity_type, s.slug)
        if key in seen:
            raise ValueError(f"duplicate {s.entity_type} slug {s.slug!r} ({s.name})")
        seen.add(key)
        for succ in s.successors:
            if (s.entity_type, succ) not in names:
                raise ValueError(f"{s.name}: unknown successor {succ!r}")
        if s.vendor and (COMPANY, s.vendor) not in names:
            raise ValueError(f"{s.name}: unknown vendor {s.vendor!r}")
        if s.owner and (AUTHORITY, s.owner) not in names:
            raise ValueError(f"{s.name}: unknown owner {s.owner!r}")
        if s.parent and (COMPANY, s.parent) not in names:
            raise ValueError(f"{s.name}: unknown parent {s.parent!r}")
        for a in s.aliases:
            if not re.search(r"\w", a.text):
                raise ValueError(f"{s.name}: alias {a.text!r} has no word characters")


def spec_key(spec: EntitySpec) -> str:
    return f"{spec.entity_type}:{spec.slug}"


def build_vocabulary(specs: list[EntitySpec] | None = None, version: str = "files"):
    """A tagger vocabulary straight from specs (no database), keyed "type:slug"."""
    from .tagger import AliasRule, EntityInfo, Vocabulary

    specs = load_specs() if specs is None else specs
    by_name = {(s.entity_type, s.name): spec_key(s) for s in specs}
    entities = {}
    aliases = []
    for s in specs:
        key = spec_key(s)
        entities[key] = EntityInfo(
            key=key,
            kind=s.entity_type,
            name=s.name,
            vendor=by_name.get((COMPANY, s.vendor)) if s.vendor else None,
            domains=tuple(s.domains),
            lookup_names=(s.slug,),
            start_date=s.start_date,
            end_date=s.end_date,
        )
        for a in s.aliases:
            aliases.append(
                AliasRule(
                    text=a.text,
                    entity=key,
                    case_sensitive=a.resolved_case_sensitive(),
                    ambiguous=a.ambiguous,
                    context=tuple(a.context),
                    window=a.window,
                    not_before=tuple(a.not_before),
                    not_after=tuple(a.not_after),
                    need_before=tuple(a.need_before),
                    need_after=tuple(a.need_after),
                    not_sentence_start=a.not_sentence_start,
                )
            )
    return Vocabulary(entities=entities, aliases=aliases, version=version)
