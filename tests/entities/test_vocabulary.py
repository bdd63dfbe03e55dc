"""The vocabulary data files: complete, consistent, and read the way they are meant."""

from __future__ import annotations

from collections import Counter

import pytest

from datascores.entities.vocabulary import (
    AUTHORITY,
    COMPANY,
    SYSTEM,
    council_aliases,
    default_case_sensitive,
    load_specs,
)


@pytest.fixture(scope="module")
def specs():
    return load_specs()


def _by_name(specs):
    return {(s.entity_type, s.name): s for s in specs}


def test_every_current_principal_council_is_there(specs):
    current = [s for s in specs if s.kind == "council" and s.end_date is None]
    per_nation = Counter(s.nation for s in current)
    assert per_nation == {"england": 317, "scotland": 32, "wales": 22, "northern_ireland": 11}
    types = Counter(s.body_type for s in current if s.nation == "england")
    assert types == {
        "district_council": 164,
        "unitary_authority": 62,
        "metropolitan_borough": 36,
        "london_borough": 32,
        "county_council": 21,
        "sui_generis": 2,
    }


@pytest.mark.parametrize(
    "abolished, successors",
    [
        ("Aylesbury Vale District Council", {"Buckinghamshire Council"}),
        ("Christchurch Borough Council", {"Bournemouth, Christchurch and Poole Council"}),
        ("West Dorset District Council", {"Dorset Council"}),
        ("Kettering Borough Council", {"North Northamptonshire Council"}),
        ("Daventry District Council", {"West Northamptonshire Council"}),
        (
            "Northamptonshire County Council",
            {"North Northamptonshire Council", "West Northamptonshire Council"},
        ),
        (
            "Cumbria County Council",
            {"Cumberland Council", "Westmorland and Furness Council"},
        ),
        ("South Lakeland District Council", {"Westmorland and Furness Council"}),
        ("Harrogate Borough Council", {"North Yorkshire Council"}),
        ("Mendip District Council", {"Somerset Council"}),
        ("Taunton Deane Borough Council", {"Somerset West and Taunton Council"}),
        ("Forest Heath District Council", {"West Suffolk Council"}),
        ("Coleraine Borough Council", {"Causeway Coast and Glens Borough Council"}),
    ],
)
def test_abolished_councils_have_an_end_date_and_successors(specs, abolished, successors):
    s = _by_name(specs)[(AUTHORITY, abolished)]
    assert s.end_date is not None
    assert set(s.successors) == successors


def test_police_forces_45_territorial(specs):
    police = [s for s in specs if s.kind == "police"]
    territorial = [s for s in police if s.body_type == "territorial_police"]
    assert len(territorial) == 45
    names = {s.name for s in territorial}
    assert {"Police Scotland", "Police Service of Northern Ireland", "Durham Constabulary"} <= names
    # British Transport Police is a special force, listed but not counted among the 45.
    assert "British Transport Police" in {s.name for s in police} - names


def test_other_public_bodies_present(specs):
    names = {s.name for s in specs if s.entity_type == AUTHORITY}
    assert {
        "Home Office",
        "Department for Work and Pensions",
        "HM Revenue and Customs",
        "Ministry of Housing, Communities and Local Government",
        "Cabinet Office",
        "Department for Education",
        "Ministry of Justice",
        "Information Commissioner's Office",
        "NHS England",
        "NHS Digital",
        "NHS Manchester Clinical Commissioning Group",
        "Greater Manchester Combined Authority",
    } <= names


def test_companies_and_systems_are_many_and_well_formed(specs):
    companies = {s.name for s in specs if s.entity_type == COMPANY}
    systems = [s for s in specs if s.entity_type == SYSTEM]
    assert len(companies) >= 40 and len(systems) >= 40
    for name in (
        "Experian", "CACI", "Xantura", "Capita", "Callcredit", "TransUnion", "Equifax", "IBM",
        "Qlik", "Palantir Technologies", "Microsoft", "Civica", "NEC Software Solutions",
        "Liquidlogic", "System C Healthcare", "Servelec", "Mastodon C", "EY", "Deloitte",
        "Accenture", "BAE Systems", "GB Group", "Dun & Bradstreet", "LexisNexis Risk Solutions",
        "Policy in Practice",
    ):  # fmt: skip
        assert name in companies
    for s in systems:
        assert s.category, s.name
    by_name = {s.name: s for s in systems}
    assert by_name["Mosaic (Experian)"].vendor == "Experian"
    assert by_name["Mosaic (Servelec)"].vendor == "Servelec"
    assert by_name["Harm Assessment Risk Tool"].owner == "Durham Constabulary"


def test_council_lat_lon_are_in_the_uk(specs):
    for s in specs:
        if s.kind == "council":
            assert 49.8 < s.latitude < 61 and -8.5 < s.longitude < 2.0, s.name


def test_generated_council_forms():
    texts = {
        a.text for a in council_aliases("London Borough of Hackney", "Hackney", "london_borough")
    }
    assert {"Hackney Council", "LB Hackney", "Hackney", "Hackney LBC"} <= texts
    texts = {a.text for a in council_aliases("Kent County Council", "Kent", "county_council")}
    assert {"Kent CC", "Kent Council"} <= texts
    place = next(
        a
        for a in council_aliases(
            "Bury Metropolitan Borough Council", "Bury", "metropolitan_borough"
        )
        if a.text == "Bury"
    )
    assert place.ambiguous and place.case_sensitive  # "bury" the verb never matches


def test_default_case_sensitivity():
    assert default_case_sensitive("DWP")
    assert default_case_sensitive("DfE")
    assert not default_case_sensitive("Defra")
    assert not default_case_sensitive("Home Office")


def test_generated_forms_for_every_spelling_of_a_place():
    texts = {
        a.text
        for a in council_aliases(
            "Northamptonshire County Council", "Northamptonshire;Northants", "county_council"
        )
    }
    assert {"Northants County Council", "Northants CC", "Northamptonshire CC"} <= texts


def test_common_word_places_must_stand_next_to_a_council_word():
    def place(name, place, kind):
        return next(a for a in council_aliases(name, place, kind) if a.text == place)

    reading = place("Reading Borough Council", "Reading", "unitary_authority")
    assert "council" in reading.need_after and "borough of" in reading.need_before
    assert reading.not_sentence_start
    sutton = place("London Borough of Sutton", "Sutton", "london_borough")
    assert sutton.need_after and not sutton.not_sentence_start  # a place, not a word
    kent = place("Kent County Council", "Kent", "county_council")
    assert not kent.need_after and not kent.need_before  # a council word nearby will do


def test_former_county_councils_have_their_short_forms_and_shared_domains(specs):
    by_name = _by_name(specs)
    for name, form in (
        ("Somerset County Council", "Somerset CC"),
        ("Dorset County Council", "Dorset CC"),
        ("Buckinghamshire County Council", "Bucks CC"),
        ("North Yorkshire County Council", "North Yorkshire CC"),
    ):
        assert form in {a.text for a in by_name[(AUTHORITY, name)].aliases}, name
    # dorsetforyou.gov.uk served Dorset's county and district councils alike.
    sharing = {s.name for s in specs if "dorsetforyou.gov.uk" in s.domains}
    assert {"Dorset County Council", "West Dorset District Council"} <= sharing
