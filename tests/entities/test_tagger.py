"""The tagger on its own (no database): aliases, boundaries, ambiguity rules, evidence."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from datascores.entities.tagger import (
    AliasRule,
    EntityInfo,
    Tagger,
    Vocabulary,
    fold,
    normalise,
)

from .conftest import found

HACKNEY = "London Borough of Hackney"


# --- aliases and boundaries ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We wrote to Hackney Council last week.",
        "A reply from LB Hackney arrived.",
        "The London Borough of Hackney holds this information.",
        "The London Borough of\nHackney holds this information.",  # a line break inside
        "Hackney LBC said no.",
        "The council in Hackney said no.",  # bare place name with a council word nearby
    ],
)
def test_hackney_is_found_in_every_common_form(tagger, text):
    assert HACKNEY in found(tagger, text)


@pytest.mark.parametrize(
    "text",
    [
        "The proposal was hackneyed and dull.",
        "The Hackneyed proposal.",
        "Hackney carriage licences are issued to drivers.",  # taxis, not the council
        "A trip to Hackney.",  # a bare place with nothing saying "council"
    ],
)
def test_hackney_is_not_found_where_it_is_not_the_council(tagger, text):
    assert HACKNEY not in found(tagger, text)


def test_longest_name_wins_over_the_place_inside_it(tagger):
    got = found(tagger, "Durham Constabulary and Durham County Council both replied.")
    assert got == {"Durham Constabulary", "Durham County Council"}
    got = found(tagger, "Data is sent to the Kent Integrated Dataset by the council.")
    assert "Kent County Council" not in got
    assert "Kent Integrated Dataset" in got


def test_curly_and_straight_apostrophes_and_hyphen_variants_match_alike(tagger):
    for text in (
        "Information Commissioner’s Office",
        "Information Commissioner's Office",
        "Information Commissioners Office",
    ):
        assert found(tagger, text) == {"Information Commissioner's Office"}
    assert "Stockton-on-Tees Borough Council" in found(tagger, "Stockton on Tees Borough Council")
    assert "Stockton-on-Tees Borough Council" in found(tagger, "Stockton–on–Tees Borough Council")
    assert "i2 Analyst's Notebook" in found(tagger, "charts made in i2 Analyst’s Notebook 8")


def test_ampersand_and_and_are_the_same(tagger):
    a = found(tagger, "the Manchester Research & Intelligence Database")
    b = found(tagger, "the Manchester Research and Intelligence Database")
    assert a == b == {"Manchester Research & Intelligence Database"}


def test_acronyms_match_case_exactly(tagger):
    assert "Department for Work and Pensions" in found(tagger, "Checks with the DWP each month.")
    assert "Department for Work and Pensions" not in found(tagger, "dwp")
    assert "CACI" in found(tagger, "Acorn from CACI.")
    assert "CACI" not in found(tagger, "the word caci in lower case")


def test_acronym_inside_a_longer_token_is_not_a_match(tagger):
    assert found(tagger, "DWPX and XDWP are not departments") == set()


def test_case_insensitive_names_match_in_capitals(tagger):
    assert found(tagger, "BRISTOL CITY COUNCIL") == {"Bristol City Council"}


def test_capita_is_not_per_capita(tagger):
    assert "Capita" in found(tagger, "The contract went to Capita in 2016.")
    assert "Capita" not in found(tagger, "Spending per Capita rose.")


# --- ambiguity rules, each both ways -----------------------------------------------------------


def test_mosaic_with_geodemographic_context_is_experians(tagger):
    got = found(tagger, "Households were profiled with Mosaic geodemographic segmentation.")
    assert "Mosaic (Experian)" in got
    assert "Mosaic (Servelec)" not in got


def test_mosaic_with_social_care_context_is_servelecs(tagger):
    got = found(tagger, "Social workers record every case in Mosaic, our case management system.")
    assert "Mosaic (Servelec)" in got
    assert "Mosaic (Experian)" not in got


def test_mosaic_alone_is_not_tagged(tagger):
    assert found(tagger, "The new library floor has a beautiful mosaic.") == set()


def test_mosaic_follows_the_vendor_named_elsewhere_in_the_document(tagger):
    text = (
        "We licence data from Experian. " + "Filler sentence. " * 40 + "Mosaic is updated yearly."
    )
    got = found(tagger, text)
    assert "Mosaic (Experian)" in got and "Mosaic (Servelec)" not in got


def test_a_former_vendor_name_counts_right_after_a_supplier_cue(tagger):
    got = found(tagger, "We use the Sentinel assessment module, supplied by Northgate, for triage.")
    assert "NEC Software Solutions" in got
    assert "NEC Software Solutions" not in found(tagger, "The Northgate shopping centre opened.")
    assert "Tribal Group" in found(tagger, "We hold a contract with Tribal for the upgrade.")
    assert "Tribal Group" not in found(tagger, "The exhibition of tribal art closed in May.")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Planning applications are processed in Uniform.", "Uniform"),
        ("Incidents are logged in STORM, our command and control system.", "STORM"),
        ("Social workers record assessments in Eclipse.", "Eclipse"),
        ("Payroll is run in iTrent from MHR.", "iTrent"),
        ("The data warehouse is hosted in Azure by Microsoft.", "Microsoft Azure"),
        ("The housing register is held in Abritas.", "Abritas"),
        ("The Trust's mental health record was Rio until 2021.", "RiO"),
        ("Highway defects are logged in Confirm by inspectors.", "Confirm"),
        ("The force records crime and custody in NICHE.", "Niche RMS"),
        ("HMRC uses Connect, its risk analysis tool, to select tax cases.", "HMRC Connect"),
        ("Student records are held in Tribal's SITS.", "SITS:Vision"),
        ("Incidents are managed in Storm, the command and control system.", "STORM"),
        ("Early help is recorded in Mosaic.", "Mosaic (Servelec)"),
        ("Scheduling is supplied by Advanced.", "OneAdvanced"),
        ("Oyster data is shared by TfL under licence.", "Transport for London"),
        (
            "The guidance from NICE was followed.",
            "National Institute for Health and Care Excellence",
        ),
        ("Penalty notices are issued by Jacobs, the enforcement agency.", "Jacobs Enforcement"),
        ("The assistant is built on Microsoft Copilot Studio.", "Microsoft"),
    ],
)
def test_common_public_sector_products_are_known_in_context(tagger, text, name):
    assert name in found(tagger, text)


@pytest.mark.parametrize(
    "text",
    [
        "Staff must follow the uniform policy.",
        "Storm damage closed two schools.",
        "A solar eclipse was visible from the park.",
        "The azure sky was clear. Delius wrote music. Our vision is a fairer city.",
        "Advanced training was given. Each workday starts at nine.",
        "There is a nuance in the foundations. Please tell us once you have moved.",
        "Please confirm your address. Kier Starmer spoke. Write it on the blackboard.",
        "It is a niche market. Connect with us online.",
        "It was a nice day and the local probation service was closed.",
    ],
)
def test_product_names_that_are_ordinary_words_need_context(tagger, text):
    assert found(tagger, text) == set()


def test_i2_needs_ibm_or_analysts_notebook_nearby(tagger):
    assert "i2 Analyst's Notebook" in found(tagger, "IBM i2 charts were drawn by analysts.")
    assert "i2 Analyst's Notebook" not in found(tagger, "See section 4(i2) of the form.")


def test_acorn_needs_classification_context(tagger):
    assert "Acorn" in found(tagger, "Postcodes were given an Acorn classification.")
    assert "Acorn" not in found(tagger, "The Acorn Centre runs youth clubs on Fridays.")
    assert "Acorn" not in found(tagger, "an acorn fell from the tree")


def test_cerberus_needs_border_context(tagger):
    assert "Cerberus" in found(tagger, "The Home Office Cerberus programme targets freight.")
    assert "Cerberus" not in found(tagger, "In myth, Cerberus guards the underworld.")


def test_hart_needs_durham_or_custody_context(tagger):
    assert "Harm Assessment Risk Tool" in found(
        tagger, "HART forecasts reoffending risk for custody decisions."
    )
    assert "Harm Assessment Risk Tool" not in found(
        tagger, "HART paramedics attended the incident."
    )


def test_r_is_a_system_only_among_statistics_tools(tagger):
    assert "R" in found(tagger, "Analysis was done in Excel, SPSS, R and MySQL.")
    assert "R" not in found(tagger, "Signed by Dr R Smith on behalf of the council.")


def test_excel_needs_spreadsheet_context(tagger):
    assert "Excel" in found(tagger, "Projections are done in an excel spreadsheet.")
    assert "Excel" not in found(tagger, "Our staff excel at customer service.")
    assert "Excel" in found(tagger, "Reports are exported to Microsoft Excel.")


def test_microsoft_is_named_with_its_product(tagger):
    got = found(tagger, "The data is accessed with Microsoft SQL Server Management Studio.")
    assert {"Microsoft", "SQL Server Management Studio"} <= got


def test_one_is_a_system_in_a_list_of_systems_only(tagger):
    got = found(tagger, "Other applications: YOIS ONE e-Start PARIS")
    assert {"YOIS", "Capita One", "e-Start", "PARIS"} <= got
    assert "Capita One" not in found(tagger, "ONE MORE THING: reply within twenty days.")


def test_council_acronym_needs_the_council_named_elsewhere(tagger):
    text = "Kent County Council replied. Later, KCC said the data was held by the trust."
    result = tagger.tag([(1, text)])
    kcc = [m for m in result.mentions if m.text == "KCC"]
    assert kcc and tagger.entities[kcc[0].entity].name == "Kent County Council"
    # Alone, KCC could be several councils: not tagged.
    assert found(tagger, "KCC said the data was held by the trust.") == set()


def test_bare_place_name_needs_a_council_word_or_support(tagger):
    assert "Bristol City Council" in found(tagger, "families across the city of Bristol")
    assert found(tagger, "Flights leave from Bristol Airport.") == set()
    assert "Cardiff Council" not in found(tagger, "School of Journalism, Cardiff University")


def test_vendor_named_inside_a_product_name_is_tagged(tagger):
    assert {"Qlik", "Qlik Sense"} <= found(tagger, "Qlik Sense dashboards")
    assert {"Experian", "Mosaic (Experian)"} <= found(tagger, "Experian Mosaic types")
    # "QlikView" is one word: it names the product, not the company.
    assert "Qlik" not in found(tagger, "QlikView dashboards")


# --- evidence --------------------------------------------------------------------------------


def test_evidence_offsets_point_at_the_matched_text(tagger):
    page1 = "Intro line.\n\nThe   London Borough\nof Hackney (LB Hackney) uses  Experian’s Mosaic."
    page2 = "Nothing here.\tBut the DWP is named, and IBM i2 iBase too."
    result = tagger.tag([(1, page1), (2, page2)])
    assert result.mentions
    pages = {1: page1, 2: page2}
    for m in result.mentions:
        assert pages[m.page][m.start : m.end] == m.text
        assert m.text in m.snippet.replace("\n", " ") or " ".join(m.text.split()) in m.snippet
    texts = {(m.page, " ".join(m.text.split())) for m in result.mentions}
    assert (1, "London Borough of Hackney") in texts
    assert (1, "LB Hackney") in texts
    assert (2, "DWP") in texts
    assert (2, "IBM i2 iBase") in texts


def test_normalised_offsets_map_back_through_collapsed_whitespace():
    text = "a  b\n\n\nc d    e"
    norm = normalise(text)
    assert norm.cased == "a b c d e"
    for i, ch in enumerate(norm.cased):
        if ch != " ":
            assert text[norm.to_original(i)] == ch


def test_fold_treats_apostrophes_and_case_alike():
    assert fold("Information Commissioner’s Office") == fold("INFORMATION COMMISSIONER'S OFFICE")


# --- issuer ------------------------------------------------------------------------------------


def test_issuer_from_request_metadata(tagger, names):
    result = tagger.tag([(1, "Thank you for your request.")], metadata={"authority": "Kent CC"})
    assert names[result.issuer] == "Kent County Council"
    assert result.issuer_source == "metadata"


def test_issuer_from_the_foi_importers_metadata(tagger, names):
    """The WhatDoTheyKnow importer writes the request under metadata["foi"]."""
    foi = {"request_id": 1, "authority": "Kent CC", "status": "successful"}
    result = tagger.tag([(1, "Leeds City Council wrote to us.")], metadata={"foi": foi})
    assert names[result.issuer] == "Kent County Council"
    assert result.issuer_evidence == "Request metadata: Kent CC"


def test_issuer_from_letterhead_and_sign_off_not_from_appeal_boilerplate(tagger, names):
    text = (
        "Manchester City Council\nPO Box 532, Town Hall\n\nDear Data Justice Lab,\n"
        "We hold no information.\n"
        "If you are unhappy you can complain to the Information Commissioner's Office, "
        "casework@ico.org.uk.\nYours sincerely\nFOI Officer\nfoi@manchester.gov.uk"
    )
    result = tagger.tag([(1, text)])
    assert names[result.issuer] == "Manchester City Council"
    # Named in the appeal boilerplate: recognised, but neither a tag nor a link.
    assert {names[m.entity] for m in result.mentions} == {"Manchester City Council"}
    assert [names[m.entity] for m in result.boilerplate] == ["Information Commissioner's Office"]
    assert result.boilerplate[0].rule == "boilerplate"


def test_issuer_from_email_domain_alone(tagger, names):
    text = "Dear Sir\nWe do not use predictive analytics.\nRegards\nFOI team\nfoi@essex.gov.uk"
    result = tagger.tag([(1, text)])
    assert names[result.issuer] == "Essex County Council"


def test_recipient_after_dear_is_not_the_issuer(tagger):
    text = (
        "Dear Bristol City Council,\nPlease send me your data strategy.\n"
        "Yours faithfully\nA. Person"
    )
    assert tagger.tag([(1, text)]).issuer is None


def test_no_issuer_when_nothing_says_who_wrote_it(tagger):
    assert tagger.tag([(1, "Predictive models are used widely.")]).issuer is None


# --- links, dates, construction ------------------------------------------------------------------


def test_links_keep_the_distance_between_authority_and_system(tagger, names):
    text = "Kent County Council uses SPSS." + " filler" * 200 + " Also Stata."
    result = tagger.tag([(1, text)])
    dist = {(names[ln.authority], names[ln.entity]): ln.distance for ln in result.links}
    assert dist[("Kent County Council", "SPSS")] < dist[("Kent County Council", "Stata")]
    assert dist[("Kent County Council", "SPSS")] == len(" uses ")


def _tiny_vocab(aliases, entities=None) -> Tagger:
    entities = entities or {
        "old": EntityInfo("old", "authority", "Old Council", end_date=date(2019, 3, 31)),
        "new": EntityInfo("new", "authority", "New Council", start_date=date(2019, 4, 1)),
    }
    return Tagger(Vocabulary(entities=entities, aliases=aliases))


def test_shared_ambiguous_alias_prefers_the_body_that_existed_on_the_date():
    rules = [
        AliasRule("Poole", "old", case_sensitive=True, ambiguous=True, context=("council",)),
        AliasRule("Poole", "new", case_sensitive=True, ambiguous=True, context=("council",)),
    ]
    t = _tiny_vocab(rules)
    early = t.tag([(1, "Poole council said")], doc_date=date(2018, 1, 1))
    late = t.tag([(1, "Poole council said")], doc_date=date(2022, 1, 1))
    assert [m.entity for m in early.mentions] == ["old"]
    assert [m.entity for m in late.mentions] == ["new"]


def _disjoint_in_time(infos) -> bool:
    """Bodies that never existed at the same time (a council and its successor)."""
    spans = sorted((i.start_date or date.min, i.end_date or date.max) for i in infos)
    return all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def test_vocabulary_from_files_has_no_unambiguous_name_shared_by_two_entities(tagger):
    owners: dict[tuple[str, str], set] = {}
    for rule in tagger.rules:
        if not rule.ambiguous:
            key = (tagger.entities[rule.entity].kind, fold(rule.text))
            owners.setdefault(key, set()).add(rule.entity)
    clashes = {
        k: v
        for k, v in owners.items()
        if len(v) > 1 and not _disjoint_in_time([tagger.entities[e] for e in v])
    }
    assert clashes == {}
    # Names shared across a reorganisation exist, and the date tells them apart.
    shared = {k[1] for k, v in owners.items() if len(v) > 1}
    assert {"somerset council", "dorset council", "buckinghamshire council"} <= shared


@pytest.mark.parametrize(
    "text",
    [
        "All services share one system for records.",
        "Please state precisely which data you hold.",
        "The faculty of the university replied.",
        "They had to shut down council offices in winter.",
        "Staff may work from a home office on Fridays.",
        "Putting the policy in practice took two years.",
        "The school uses an EMIS for attendance returns.",
        "We met at the NEC in Birmingham.",
        "From one view, the data is incomplete.",
    ],
)
def test_ordinary_phrases_are_not_entities(tagger, text):
    assert found(tagger, text) == set()


def test_council_forms_match_in_capitals(tagger):
    assert "Kent County Council" in found(tagger, "KENT CC - FREEDOM OF INFORMATION RESPONSE")
    assert HACKNEY in found(tagger, "HACKNEY COUNCIL")


# --- nearby context decides; the rest of the document only breaks ties ------------------------


def test_nearby_context_beats_a_vendor_named_elsewhere(tagger):
    got = found(
        tagger,
        "Mosaic (social care case management) is supplied by Servelec. Experian was not used.",
    )
    assert "Mosaic (Servelec)" in got and "Mosaic (Experian)" not in got


def test_social_care_mosaic_in_a_document_that_names_both_vendors(tagger):
    text = (
        "Hackney Council has bought household data from Experian since 2015. "
        + "Filler sentence. " * 30
        + "The council uses Mosaic as its social care case management system, supplied by "
        "Servelec."
    )
    got = found(tagger, text)
    assert "Mosaic (Servelec)" in got and "Mosaic (Experian)" not in got


def test_ambiguous_name_with_nothing_nearby_and_both_vendors_elsewhere_is_dropped(tagger):
    text = "Experian and Servelec both bid. " + "Filler sentence. " * 40 + "Mosaic was chosen."
    got = found(tagger, text)
    assert not {"Mosaic (Experian)", "Mosaic (Servelec)"} & got
    assert {"Experian", "Servelec"} <= got


# --- places that are common words or other places ---------------------------------------------


@pytest.mark.parametrize(
    "text, council",
    [
        ("Down the road, the council opened a new office.", "Down District Council"),
        ("Reading the council report took an hour.", "Reading Borough Council"),
        ("Sutton Coldfield told the council.", "London Borough of Sutton"),
        ("Boston Consulting Group advised the council.", "Boston Borough Council"),
        ("Staff met at the Bury St Edmunds council offices.", "Bury Metropolitan Borough Council"),
        ("Reading council tax bills is tedious.", "Reading Borough Council"),  # sentence start
        ("They went to Boston. The council paid.", "Boston Borough Council"),
    ],
)
def test_common_word_places_need_a_council_word_right_next_to_them(tagger, text, council):
    assert council not in found(tagger, text)


@pytest.mark.parametrize(
    "text, council",
    [
        ("We asked Reading council for its data.", "Reading Borough Council"),
        ("Data held by the borough of Bury was shared.", "Bury Metropolitan Borough Council"),
        ("In 2017 Sutton council replied.", "London Borough of Sutton"),
        ("Boston Borough Council replied.", "Boston Borough Council"),
        ("The reply came from Down District Council.", "Down District Council"),
        ("The council in Hackney said no.", HACKNEY),  # an ordinary place keeps the window
    ],
)
def test_common_word_places_next_to_a_council_word_are_councils(tagger, text, council):
    assert council in found(tagger, text)


# --- everyday office software does not name its vendor -----------------------------------------


def test_office_software_does_not_tag_its_vendor(tagger, names):
    text = (
        "Kent County Council replied.\nPlease see the attached Microsoft Word document.\n"
        "Sent from Microsoft Outlook. Opened in Google Chrome from Google Docs."
    )
    result = tagger.tag([(1, text)])
    assert {names[m.entity] for m in result.mentions} == {"Kent County Council"}
    assert result.links == []


def test_vendors_of_office_software_count_with_data_context_or_a_data_product(tagger):
    assert "Microsoft" in found(tagger, "Our data warehouse runs on Microsoft technology.")
    assert "Microsoft" in found(tagger, "Reports are built with Microsoft SQL Server.")
    got = found(tagger, "Visits are counted by Google Analytics.")
    assert {"Google", "Google Analytics"} <= got
    assert "Google" in found(tagger, "Records are held on a Google cloud platform.")
    assert "Microsoft" not in found(tagger, "Microsoft Teams meetings were held weekly.")


# --- councils before and after a reorganisation ------------------------------------------------


@pytest.mark.parametrize(
    "text, when, council",
    [
        ("Somerset council said no.", date(2017, 5, 1), "Somerset County Council"),
        ("Somerset council said no.", date(2024, 5, 1), "Somerset Council"),
        ("Somerset Council said no.", date(2017, 5, 1), "Somerset County Council"),
        ("Somerset Council said no.", date(2024, 5, 1), "Somerset Council"),
        ("Somerset Council said no.", None, "Somerset Council"),  # its official name
        ("Dorset Council said no.", date(2016, 1, 1), "Dorset County Council"),
        ("Bucks Council said no.", date(2021, 1, 1), "Buckinghamshire Council"),
    ],
)
def test_council_named_alike_before_and_after_reorganisation_is_chosen_by_date(
    tagger, text, when, council
):
    got = found(tagger, text, kind="authority", doc_date=when)
    assert got == {council}


@pytest.mark.parametrize(
    "text, council",
    [
        ("A letter from Somerset CC.", "Somerset County Council"),
        ("A letter from Dorset CC.", "Dorset County Council"),
        ("A letter from Bucks CC.", "Buckinghamshire County Council"),
        ("A letter from Northants County Council.", "Northamptonshire County Council"),
        ("A letter from North Yorkshire CC.", "North Yorkshire County Council"),
        (
            "A letter from Rhondda Cynon Taff County Borough Council.",
            RCT := ("Rhondda Cynon Taf County Borough Council"),
        ),
        ("Rhondda Cynon Taff council replied.", RCT),
    ],
)
def test_short_forms_of_former_and_welsh_councils(tagger, text, council):
    assert council in found(tagger, text, doc_date=date(2018, 1, 1))


def test_issuer_email_domain_is_date_aware(tagger, names):
    text = "Dear Sir\nWe hold no information.\nRegards\nFOI team\nfoi@somerset.gov.uk"
    assert names[tagger.tag([(1, text)], doc_date=date(2017, 5, 1)).issuer] == (
        "Somerset County Council"
    )
    assert names[tagger.tag([(1, text)], doc_date=date(2024, 5, 1)).issuer] == "Somerset Council"


def test_a_domain_shared_by_several_councils_names_none_of_them(tagger, names):
    text = "Dear Sir\nWe hold no information.\nRegards\nFOI team\n{}"
    shared = tagger.tag([(1, text.format("foi@dorsetforyou.gov.uk"))], doc_date=date(2017, 5, 1))
    assert shared.issuer is None
    own = tagger.tag([(1, text.format("foi@dorsetcc.gov.uk"))], doc_date=date(2017, 5, 1))
    assert names[own.issuer] == "Dorset County Council"


# --- appeal boilerplate and issuer links --------------------------------------------------------

APPEAL = (
    "If you are unhappy with the way your request has been handled, you may ask for an "
    "internal review. If you remain dissatisfied, you have the right to complain to the "
    "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow SK9 5AF."
)


def test_names_in_appeal_boilerplate_are_neither_tags_nor_links(tagger, names):
    text = (
        "Kent County Council\nSessions House, Maidstone\n\nDear Requester,\n"
        "Kent County Council uses SPSS for analysis.\n\n" + APPEAL + "\n\nYours sincerely\n"
        "Information Access Team\nKent County Council"
    )
    result = tagger.tag([(1, text)])
    assert names[result.issuer] == "Kent County Council"
    assert {names[m.entity] for m in result.mentions} == {"Kent County Council", "SPSS"}
    assert {names[m.entity] for m in result.boilerplate} == {"Information Commissioner's Office"}
    assert [(names[ln.authority], names[ln.entity]) for ln in result.links] == [
        ("Kent County Council", "SPSS")
    ]
    # The sign-off after the appeal paragraph is the sender's again.
    assert any(m.start > text.index("Yours sincerely") for m in result.mentions)


def test_the_ico_named_in_earnest_is_still_tagged(tagger):
    text = "The Information Commissioner's Office fined the trust after a data breach."
    assert "Information Commissioner's Office" in found(tagger, text)


def test_issuer_links_rank_first_and_are_flagged(tagger, names):
    text = (
        "Bristol City Council\nPO Box 3176\n\nDear Requester,\n"
        + "Filler sentence. " * 20
        + "Avon and Somerset Constabulary runs SPSS."
        + "\n\nKind regards\nFOI team\nfoi@bristol.gov.uk"
    )
    result = tagger.tag([(1, text)])
    assert names[result.issuer] == "Bristol City Council"
    pairs = [(names[ln.authority], names[ln.entity], ln.issuer) for ln in result.links]
    assert pairs == [
        ("Bristol City Council", "SPSS", True),
        ("Avon and Somerset Constabulary", "SPSS", False),
    ]
    assert result.links[1].distance < result.links[0].distance


def test_a_place_inside_another_organisations_name_is_not_its_council(tagger):
    text = (
        "The Council works with the Kent and Medway Data Partnership and the Hampshire and "
        "Isle of Wight Fraud Hub, and the council's "
        "analysts use the Leeds Data Model. Flights from Bristol Airport were not counted."
    )
    got = found(tagger, text, "authority")
    councils = {
        "Kent County Council",
        "Medway Council",
        "Leeds City Council",
        "Hampshire County Council",
        "Bristol City Council",
    }
    assert not got & councils, got
    assert "Kent County Council" in found(tagger, "Kent County Council uses Mosaic.")
    # named elsewhere in the document, the council is still not the company named for its town
    text = "The Council pays Harlow Data Limited. Data is shared with Harlow Council."
    assert [m.start for m in tagger.tag([(1, text)]).mentions] == [text.index("Harlow Council")]
