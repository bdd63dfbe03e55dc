"""The sample documents: realistic in shape, fictional in content.

The bodies named here are real UK public bodies and the suppliers are real firms that
work in this field, so that searches a journalist would run behave as they would on
real material; every figure, reference, date, officer and quotation is invented, and
every rendered file carries the notice in ``corpus.NOTICE``. Telephone numbers are
from Ofcom's ranges reserved for drama and e-mail domains end in ``.example``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from .model import Attachment, Bundle, Email, Letter, Org, Sample, Sheet, WebPage, Workbook

D = date

# --- who writes ------------------------------------------------------------------------

HACKNEY = Org(
    "London Borough of Hackney",
    "Information Management Team",
    ("Hackney Town Hall", "London E8"),
    "foi@hackney.example · 020 7946 0418",
    "#00664f",
    "banner",
)
MET = Org(
    "Metropolitan Police Service",
    "Information Rights Unit",
    ("PO Box 57192", "London SW1H"),
    "foi-iru@met.example",
    "#0b2b5a",
    "stripe",
)
KENT = Org(
    "Kent County Council",
    "Information Resilience and Transparency Team",
    ("Sessions House", "County Hall", "Maidstone ME14"),
    "freedomofinformation@kent.example · 01632 960 214",
    "#5a2a82",
    "rule",
)
MANCHESTER = Org(
    "Manchester City Council",
    "Corporate Information Governance",
    ("Town Hall Extension", "Lloyd Street", "Manchester M60"),
    "foi@manchester.example · 0161 496 0735",
    "#8a1538",
    "centre",
)
DURHAM = Org(
    "Durham Constabulary",
    "Freedom of Information Unit",
    ("Police Headquarters", "Aykley Heads", "Durham DH1"),
    "foi@durham-police.example",
    "#1f2f5c",
    "stripe",
)
NEWHAM = Org(
    "London Borough of Newham",
    "Information Governance",
    ("Newham Dockside", "London E16"),
    "foi.requests@newham.example · 020 7946 0992",
    "#006bb6",
    "banner",
)
BRISTOL = Org(
    "Bristol City Council",
    "Cabinet report",
    ("City Hall", "College Green", "Bristol BS1"),
    "democratic.services@bristol.example · 0117 496 0650",
    "#b5121b",
    "rule",
)
LEEDS_NHS = Org(
    "Leeds Community Healthcare NHS Trust",
    "Information Governance Team",
    ("Stockdale House", "Leeds LS6"),
    "lch.foi@nhs.example · 0113 496 0281",
    "#005eb8",
    "nhs",
)
NORFOLK = Org(
    "Norfolk County Council",
    "Information Compliance",
    ("County Hall", "Martineau Lane", "Norwich NR1"),
    "infocompliance@norfolk.example · 01632 960 577",
    "#2d5f2e",
    "centre",
)
AVON = Org(
    "Avon and Somerset Constabulary",
    "Freedom of Information and Disclosure",
    ("Police Headquarters", "Portishead", "Bristol BS20"),
    "foi@avonandsomerset-police.example",
    "#14365d",
    "stripe",
)
CAMDEN = Org(
    "London Borough of Camden",
    "Data Protection Officer",
    ("5 Pancras Square", "London N1C"),
    "dpo@camden.example · 020 7946 0137",
    "#1c1c1c",
    "banner",
)
THURROCK = Org(
    "Thurrock Council",
    "Information Governance",
    ("Civic Offices", "New Road", "Grays RM17"),
    "foi@thurrock.example · 01632 960 842",
    "#333333",
    "rule",
)
SHEFFIELD = Org(
    "Sheffield City Council",
    "Information Management",
    ("Town Hall", "Pinstone Street", "Sheffield S1"),
    "foi@sheffield.example · 0114 496 0379",
    "#6b2c91",
    "banner",
)
BRENT = Org(
    "London Borough of Brent",
    "Information Governance Team",
    ("Brent Civic Centre", "32 Engineers Way", "Wembley HA9"),
    "foi@brent.example · 020 7946 0566",
    "#00807f",
    "rule",
)
WMP = Org(
    "West Midlands Police",
    "Freedom of Information Unit",
    ("PO Box 52", "Lloyd House", "Birmingham B4"),
    "foi@west-midlands.police.example",
    "#112e51",
    "stripe",
)
ESSEX = Org(
    "Essex County Council",
    "Information Governance Team",
    ("County Hall", "Market Road", "Chelmsford CM1"),
    "foi@essex.example · 01632 960 403",
    "#004d44",
    "rule",
)
LANCS_POLICE = Org(
    "Lancashire Constabulary",
    "Information Compliance Unit",
    ("Police Headquarters", "Saunders Lane", "Hutton, Preston PR4"),
    "foi@lancashire.police.example",
    "#0d2240",
    "stripe",
)
BSOL = Org(
    "NHS Birmingham and Solihull Integrated Care Board",
    "Corporate Governance — Freedom of Information",
    ("Wesleyan", "Colmore Circus Queensway", "Birmingham B4"),
    "bsol.foi@nhs.example · 0121 496 0914",
    "#005eb8",
    "nhs",
)
BLACKPOOL = Org(
    "Blackpool Council",
    "Information Governance",
    ("Municipal Buildings", "Corporation Street", "Blackpool FY1"),
    "foi@blackpool.example · 01632 960 118",
    "#00558c",
    "banner",
)
GMP = Org(
    "Greater Manchester Police",
    "Information Compliance and Records Management Unit",
    ("Openshaw Complex", "Lawton Street", "Manchester M11"),
    "foi@gmp.police.example",
    "#1b1f4b",
    "stripe",
)
CARDIFF = Org(
    "Cardiff Council",
    "Information Governance Team",
    ("County Hall", "Atlantic Wharf", "Cardiff CF10"),
    "foi@cardiff.example · 029 2018 0476",
    "#c8102e",
    "centre",
)


def _letters() -> list[Sample]:
    out: list[Sample] = []

    out.append(
        Sample(
            "2019-02-hackney-early-help-profiling-system.pdf",
            "pdf",
            "FOI 11478: Early Help Profiling System (Xantura) — contract, data sources and review",
            "foi",
            "London Borough of Hackney",
            Letter(
                HACKNEY,
                "Response to FOI 11478 — Early Help Profiling System",
                D(2019, 2, 12),
                "FOI 11478",
                (
                    (
                        "p",
                        "Thank you for your request for information, received on 15 January "
                        "2019, which has been handled under the Freedom of Information Act 2000. "
                        "You asked:",
                    ),
                    (
                        "request",
                        "1. Does the council use, or has it used since 2015, the Early "
                        "Help Profiling System (EHPS) supplied by Xantura Ltd? 2. Please provide "
                        "the contract, including its value and duration. 3. Which council and "
                        "partner datasets are matched by the system? 4. How many households were "
                        "flagged as at risk in each year? 5. Has the council evaluated the "
                        "accuracy of the risk scores, and if so please provide the evaluation.",
                    ),
                    ("h", "Our response"),
                    (
                        "p",
                        "1. Yes. The council ran the Early Help Profiling System as a pilot "
                        "in Children and Families Service from October 2016. Following a review, "
                        "the council has decided not to renew the arrangement and the system will "
                        "be decommissioned at the end of the current contract period. No new "
                        "profiles have been produced since December 2018.",
                    ),
                    (
                        "p",
                        "2. The contract with Xantura Ltd was awarded through a direct award "
                        "under the council's contract standing orders. Its total value over the "
                        "pilot was £317,600 (excluding VAT), of which £121,000 was funded through "
                        "the Troubled Families programme's service transformation grant. A copy "
                        "of the contract is attached with the supplier's pricing schedule and "
                        "technical appendices redacted under section 43(2) (commercial "
                        "interests); our public interest test is set out below.",
                    ),
                    (
                        "p",
                        "3. The system matched the following council datasets, held in "
                        "pseudonymised form until a risk threshold was met:",
                    ),
                    (
                        "ul",
                        [
                            "Housing Benefit and Council Tax Reduction records (Northgate "
                            "Revenues and Benefits)",
                            "School attendance and exclusions (Capita ONE)",
                            "Children's social care referrals and assessments",
                            "Housing register, rent arrears and temporary accommodation",
                            "Anti-social behaviour case records",
                            "Domestic abuse notifications shared by the Metropolitan Police "
                            "under the information sharing agreement",
                        ],
                    ),
                    (
                        "p",
                        "4. The number of households whose score exceeded the threshold and "
                        "who were passed to an early help practitioner for review was:",
                    ),
                    (
                        "table",
                        [
                            [
                                "Period",
                                "Households profiled",
                                "Flagged for review",
                                "Accepted for early help",
                            ],
                            ["Oct 2016 – Mar 2017", "19,214", "412", "97"],
                            ["Apr 2017 – Mar 2018", "21,006", "871", "203"],
                            ["Apr 2018 – Dec 2018", "20,448", "655", "148"],
                        ],
                    ),
                    (
                        "p",
                        "5. An internal evaluation was completed in November 2018. It "
                        "found that the proportion of flagged households already known to "
                        "children's social care was higher than expected and that the model "
                        "added limited value beyond existing referral routes. The evaluation is "
                        "attached. Names of junior officers have been withheld under section "
                        "40(2) (personal information).",
                    ),
                    ("break",),
                    ("h", "Public interest test — section 43(2)"),
                    (
                        "p",
                        "Section 43(2) is a qualified exemption. We recognise the public "
                        "interest in transparency about how the council spends public money and "
                        "how automated tools are used to make decisions about families. We have "
                        "therefore disclosed the contract value, the datasets used, the volumes "
                        "and the evaluation in full.",
                    ),
                    (
                        "p",
                        "The pricing schedule and technical appendices describe the "
                        "supplier's model design and day rates. Disclosure would be likely to "
                        "prejudice Xantura's position in current tenders with other local "
                        "authorities and the council's ability to obtain value for money in "
                        "future procurements. On balance we consider the public interest favours "
                        "withholding those parts only.",
                    ),
                    ("h", "Your right to complain"),
                    (
                        "p",
                        "If you are dissatisfied with the handling of your request you may "
                        "ask for an internal review within 40 working days by writing to the "
                        "address above. If you remain dissatisfied after the review you may "
                        "complain to the Information Commissioner's Office, Wycliffe House, "
                        "Water Lane, Wilmslow, Cheshire SK9 5AF.",
                    ),
                    (
                        "small",
                        "Attachments: EHPS contract (redacted).pdf; EHPS evaluation "
                        "November 2018.pdf — not reproduced in this sample.",
                    ),
                ),
                to=("Ms R. Farrant", "By e-mail"),
                salutation="Dear Ms Farrant",
                subject="Freedom of Information request FOI 11478 — Early Help Profiling System",
                signer="Marcus Oyelaran",
                signer_role=("Information Governance Officer", "Information Management Team"),
            ),
            received=D(2019, 2, 12),
            reference="FOI 11478",
            tags=("Xantura", "Early Help Profiling System", "s43", "s40"),
        )
    )

    out.append(
        Sample(
            "2017-08-met-police-gangs-matrix.pdf",
            "pdf",
            "01/FOI/17/004123: Gangs Violence Matrix — numbers, ages and data sharing",
            "foi",
            "Metropolitan Police Service",
            Letter(
                MET,
                "Freedom of Information Request Reference No: 01/FOI/17/004123",
                D(2017, 8, 30),
                "01/FOI/17/004123",
                (
                    (
                        "p",
                        "I write in connection with your request for information which was "
                        "received by the Metropolitan Police Service (MPS) on 3 August 2017. I "
                        "note you seek access to the following information:",
                    ),
                    (
                        "request",
                        "Please tell me (a) how many people are currently listed on "
                        "the Gangs Violence Matrix, broken down by age band and by the harm score "
                        "band (red, amber, green); (b) how many were added and removed in each "
                        "of the last three years; (c) which other organisations the Matrix, or "
                        "extracts of it, is shared with; (d) the scoring criteria and weightings "
                        "used to calculate the harm score.",
                    ),
                    ("h", "Decision"),
                    (
                        "p",
                        "Following receipt of your request searches were conducted within "
                        "the MPS Gangs and Organised Crime Command. I can confirm that "
                        "information relevant to your request is held. I have today decided to "
                        "disclose some of the information. Parts (a) to (c) are answered in "
                        "full or in part below. For part (d) I have decided to withhold the "
                        "information under section 31(1)(a) and (b) (law enforcement).",
                    ),
                    ("h", "Part (a) — people on the Matrix at 1 August 2017"),
                    (
                        "table",
                        [
                            ["Age band", "Red", "Amber", "Green", "Total"],
                            ["12–14", "*", "9", "31", "43"],
                            ["15–17", "38", "201", "409", "648"],
                            ["18–24", "246", "702", "1,381", "2,329"],
                            ["25 and over", "64", "188", "416", "668"],
                            ["Total", "351", "1,100", "2,237", "3,688"],
                        ],
                    ),
                    (
                        "small",
                        "* Figures of fewer than five have been suppressed to prevent "
                        "identification, under section 40(2); the total includes them.",
                    ),
                    ("h", "Part (b) — additions and removals"),
                    (
                        "table",
                        [
                            ["Financial year", "Added", "Removed", "Net change"],
                            ["2014/15", "1,402", "1,288", "+114"],
                            ["2015/16", "1,517", "1,373", "+144"],
                            ["2016/17", "1,466", "1,519", "−53"],
                        ],
                    ),
                    ("h", "Part (c) — sharing"),
                    (
                        "p",
                        "Extracts of the Matrix are shared with London local authorities' "
                        "community safety and youth offending teams, the National Probation "
                        "Service and, for specific individuals, housing providers, under "
                        "information sharing agreements. These agreements are reviewed "
                        "annually. The MPS does not share the Matrix with employers, schools or "
                        "the Department for Work and Pensions as a matter of routine.",
                    ),
                    ("break",),
                    ("h", "Part (d) — reasons for decision"),
                    (
                        "p",
                        "Section 31 is a prejudice-based qualified exemption, which means "
                        "that the MPS must evidence the harm in disclosure and consider the "
                        "public interest. The harm score is produced from intelligence and "
                        "offending data and weighted by recency and seriousness. Publishing the "
                        "exact criteria and weightings would allow individuals to understand, "
                        "and to alter, the behaviours that lead to a higher score, and would "
                        "undermine the tactical use of the Matrix to prioritise enforcement and "
                        "diversion.",
                    ),
                    (
                        "p",
                        "Factors favouring disclosure: there is a strong public interest in "
                        "understanding how police data tools affect young people, including any "
                        "disproportionate effect on particular communities, and in scrutiny of "
                        "the lawfulness of the Matrix. Factors favouring non-disclosure: the "
                        "prevention and detection of crime and the safety of those named on the "
                        "Matrix and of the public.",
                    ),
                    (
                        "p",
                        "Balance test: the MPS has disclosed the structure of the Matrix "
                        "(three harm bands) and the volumes above, which meet much of the "
                        "public interest. The balance favours withholding the scoring "
                        "algorithm itself.",
                    ),
                    (
                        "p",
                        "In accordance with the Freedom of Information Act 2000, this "
                        "letter represents a Refusal Notice for part (d) of your request.",
                    ),
                    ("h", "Complaint rights"),
                    (
                        "p",
                        "Should you have any further enquiries concerning this matter, "
                        "please contact me quoting the reference number above. If you are "
                        "dissatisfied you can ask the MPS to review its decision within 40 "
                        "working days of the date of this letter.",
                    ),
                ),
                to=("Mr T. Adebayo", "By e-mail"),
                salutation="Dear Mr Adebayo",
                subject="Freedom of Information Request Reference No: 01/FOI/17/004123",
                signer="Claire Whitmore-Ash",
                signer_role=("Information Manager", "Information Rights Unit"),
            ),
            published=D(2017, 10, 2),
            received=D(2017, 8, 30),
            reference="01/FOI/17/004123",
            tags=("Gangs Matrix", "s31", "s40"),
        )
    )

    out.append(
        Sample(
            "2016-05-kent-experian-mosaic-public-health.pdf",
            "pdf",
            "Kent County Council FOI 4127: Experian Mosaic segmentation in public health",
            "foi",
            "Kent County Council",
            Letter(
                KENT,
                "Freedom of Information request 4127",
                D(2016, 5, 19),
                "FOI/16/4127",
                (
                    (
                        "p",
                        "Thank you for your e-mail of 21 April 2016 requesting information "
                        "about geodemographic segmentation. Your request was:",
                    ),
                    (
                        "request",
                        "Does Kent County Council hold a licence for Experian Mosaic, "
                        "CACI Acorn or any similar consumer segmentation product? If so, what "
                        "does it cost, which directorates use it, and has it been linked to "
                        "individual-level records of service users?",
                    ),
                    (
                        "p",
                        "Kent County Council holds a corporate licence for Experian Mosaic "
                        "Public Sector, renewed annually through the Crown Commercial Service "
                        "framework. The council does not hold a licence for CACI Acorn.",
                    ),
                    (
                        "table",
                        [
                            ["Licence year", "Product", "Cost (ex VAT)", "Main users"],
                            [
                                "2013/14",
                                "Mosaic Public Sector (household level)",
                                "£38,500",
                                "Public Health Observatory",
                            ],
                            [
                                "2014/15",
                                "Mosaic Public Sector (household level)",
                                "£38,500",
                                "Public Health; Strategic Commissioning",
                            ],
                            [
                                "2015/16",
                                "Mosaic Public Sector + Financial Strain",
                                "£44,900",
                                "Public Health; Strategic Commissioning; Libraries",
                            ],
                        ],
                    ),
                    (
                        "p",
                        "Mosaic is used to describe the make-up of local populations, for "
                        "example to target stop-smoking, NHS Health Check and flu vaccination "
                        "campaigns by postcode. Mosaic types are attached to postcodes and "
                        "household addresses in the Kent Integrated Dataset in pseudonymised "
                        "form for population analysis. Mosaic classifications are not used to "
                        "make decisions about individual service users, and the council does "
                        "not hold any record of Mosaic being used to determine eligibility for "
                        "a service.",
                    ),
                    (
                        "p",
                        "The licence terms restrict publication of Experian's type "
                        "descriptions and the postcode-level file. A copy of the council's "
                        "Mosaic user guide for analysts is enclosed.",
                    ),
                    (
                        "p",
                        "If you are unhappy with this response you may ask for a review "
                        "by writing to the team at the address above within two months.",
                    ),
                ),
                to=("Dr H. Lindqvist", "By e-mail"),
                salutation="Dear Dr Lindqvist",
                subject="Your request for information — consumer segmentation (Mosaic/Acorn)",
                closing="Yours sincerely",
                signer="Deborah Finchley",
                signer_role=("Information Access Officer",),
            ),
            received=D(2016, 5, 19),
            reference="FOI/16/4127",
            tags=("Experian Mosaic", "CACI Acorn", "public health"),
        )
    )

    out.append(
        Sample(
            "2021-11-manchester-supporting-families-data-matching.pdf",
            "pdf",
            "Manchester FOI 2021/1930: Supporting Families data matching and payment-by-results "
            "claims",
            "foi",
            "Manchester City Council",
            Letter(
                MANCHESTER,
                "Freedom of Information Act 2000 — Request 2021/1930",
                D(2021, 11, 3),
                "FOI 2021/1930",
                (
                    (
                        "kv",
                        [
                            ("Request reference", "FOI 2021/1930"),
                            ("Received", "6 October 2021"),
                            ("Responded", "3 November 2021"),
                            ("Outcome", "Information partially held — disclosed in full"),
                        ],
                    ),
                    ("h", "Your request"),
                    (
                        "request",
                        "I would like to know how the council identifies families for "
                        "the Troubled Families / Supporting Families programme. In particular: "
                        "whether any data matching or predictive analytics software is used; "
                        "the supplier; the datasets matched; and the number of payment-by-results "
                        "claims made to the Ministry of Housing, Communities and Local Government "
                        "in each year since 2015.",
                    ),
                    ("h", "Our response"),
                    (
                        "p",
                        "Families are identified for the programme by matching council and "
                        "partner data against the programme's headline criteria (crime and "
                        "anti-social behaviour; school attendance; children in need; "
                        "worklessness and financial exclusion; domestic abuse; health). The "
                        "matching is carried out in-house by the council's Performance, Research "
                        "and Intelligence team using SQL Server and QlikView dashboards. No "
                        "predictive analytics or risk-scoring software is used to identify "
                        "families for the programme.",
                    ),
                    (
                        "p",
                        "Between 2015 and 2019 the council commissioned Liquidlogic to add "
                        "an Early Help Module to its children's case management system; the "
                        "module records the outcome plans used as evidence for claims. The "
                        "council does not hold a separate contract for data matching.",
                    ),
                    (
                        "p",
                        "The datasets matched are listed in the table below with the "
                        "frequency of each match run.",
                    ),
                    (
                        "table",
                        [
                            ["Dataset", "Owner", "Match frequency"],
                            [
                                "Youth offending and police ASB data",
                                "GMP / Youth Justice",
                                "Monthly",
                            ],
                            ["School attendance and exclusions", "Education", "Termly"],
                            [
                                "Children in need and child protection",
                                "Children's Services",
                                "Monthly",
                            ],
                            ["Out-of-work benefits (DWP data share)", "DWP", "Quarterly"],
                            ["Domestic abuse notifications", "GMP", "Weekly"],
                            ["Rent arrears and evictions", "Housing providers", "Quarterly"],
                        ],
                    ),
                    ("break",),
                    ("h", "Payment-by-results claims"),
                    (
                        "p",
                        "Successful family outcome claims made by the council were as "
                        "follows. Figures before April 2016 are not held in a reportable form, "
                        "because the case system used at the time was decommissioned; this part "
                        "of the request is therefore information not held.",
                    ),
                    (
                        "table",
                        [
                            ["Year", "Families attached", "Claims made", "Claims value"],
                            ["2016/17", "1,842", "611", "£488,800"],
                            ["2017/18", "2,107", "903", "£722,400"],
                            ["2018/19", "2,355", "1,164", "£931,200"],
                            ["2019/20", "2,298", "1,021", "£816,800"],
                            ["2020/21", "2,011", "744", "£595,200"],
                        ],
                    ),
                    (
                        "p",
                        "Please note that the claims value is the payment-by-results "
                        "element only and excludes the attachment fee and service transformation "
                        "grant.",
                    ),
                    (
                        "p",
                        "If you are dissatisfied with this response you can request an "
                        "internal review within 40 working days. You also have the right to "
                        "complain to the Information Commissioner.",
                    ),
                ),
                layout="form",
                signer="Tomasz Rydel",
                signer_role=("FOI Officer", "Corporate Information Governance"),
                closing="Regards",
            ),
            received=D(2021, 11, 3),
            reference="FOI 2021/1930",
            tags=("Supporting Families", "Troubled Families", "QlikView", "Liquidlogic"),
        )
    )

    out.append(
        Sample(
            "2018-03-durham-constabulary-hart.pdf",
            "pdf",
            "Durham Constabulary FOI 2018/119: Harm Assessment Risk Tool (HART) — accuracy and "
            "costs",
            "foi",
            "Durham Constabulary",
            Letter(
                DURHAM,
                "Freedom of Information Request 2018/119",
                D(2018, 3, 22),
                "FOI 2018/119",
                (
                    (
                        "p",
                        "Your request for information has now been considered. In "
                        "accordance with the Freedom of Information Act 2000 the information "
                        "you requested and our response are detailed below.",
                    ),
                    (
                        "request",
                        "(1) How much has the force spent on developing and running "
                        "the Harm Assessment Risk Tool? (2) How many custody decisions were "
                        "informed by HART in 2017? (3) Please provide the list of predictor "
                        "variables and any validation of the model's accuracy. (4) Please "
                        "provide all correspondence with academic partners about HART since "
                        "2013.",
                    ),
                    ("h", "Question 1"),
                    (
                        "p",
                        "HART was developed with an academic partner at no licence cost to "
                        "the force. Internal staff time is not recorded against the project. "
                        "Hosting and maintenance costs are met within the force's existing IT "
                        "budget and are not separately identifiable.",
                    ),
                    ("h", "Question 2"),
                    (
                        "p",
                        "In the calendar year 2017 the tool produced a forecast for 4,612 "
                        "custody events. The forecast is advisory: a custody officer makes the "
                        "decision on eligibility for the Checkpoint deferred prosecution "
                        "programme.",
                    ),
                    ("h", "Question 3"),
                    (
                        "p",
                        "The model uses 34 predictors drawn from the individual's offending "
                        "history, age, gender and two forms of postcode information. A summary "
                        "of validation is available in published academic work; the force "
                        "holds an internal validation report showing that, on a 2016 test "
                        "sample, forecasts of 'high risk' were accurate in 53 per cent of cases "
                        "and forecasts of 'low risk' in 98 per cent. The full variable "
                        "specification is withheld under section 31(1)(a) and (b): releasing "
                        "the exact thresholds would allow the tool to be gamed.",
                    ),
                    ("h", "Question 4"),
                    (
                        "p",
                        "To locate, retrieve and extract all correspondence since 2013 would "
                        "require a manual search of the mailboxes of at least 14 officers and "
                        "staff. We estimate this would take in excess of 40 hours, which exceeds "
                        "the appropriate limit of £450 (18 hours). Section 12(1) therefore "
                        "applies to this part of your request. You may wish to narrow it, for "
                        "example to a single year or to formal project board papers.",
                    ),
                    (
                        "p",
                        "This letter acts as a refusal notice under section 17 of the Act "
                        "for the parts of your request identified above.",
                    ),
                    ("h", "Complaint rights"),
                    (
                        "p",
                        "Your attention is drawn to the attached sheet, which details your "
                        "right of complaint. If you are dissatisfied with the handling of your "
                        "request you may ask for an internal review by writing to the Freedom "
                        "of Information Unit within 40 working days of this response. If you "
                        "remain dissatisfied after the review you may apply to the Information "
                        "Commissioner, who will not normally consider a complaint until the "
                        "force's own review procedure has been exhausted.",
                    ),
                ),
                to=("Mr J. Okafor", "By e-mail"),
                salutation="Dear Mr Okafor",
                subject="Harm Assessment Risk Tool (HART)",
                signer="Gillian Parkhurst",
                signer_role=("Freedom of Information Officer", "Durham Constabulary"),
            ),
            published=D(2018, 4, 10),
            received=D(2018, 3, 22),
            reference="FOI 2018/119",
            tags=("HART", "s31", "s12", "predictive risk model"),
        )
    )

    out.append(
        Sample(
            "2023-06-newham-fraud-analytics-section-12.pdf",
            "pdf",
            "Newham FOI-2023-06117: Council tax single person discount fraud analytics — refusal "
            "under section 12",
            "foi",
            "London Borough of Newham",
            Letter(
                NEWHAM,
                "FOI-2023-06117 — refusal notice (section 12)",
                D(2023, 6, 14),
                "FOI-2023-06117",
                (
                    ("p", "We have considered your request received on 17 May 2023:"),
                    (
                        "request",
                        "For every data analytics, data matching or fraud risk "
                        "scoring product used by the council since 2018 (for example TransUnion "
                        "or Capita single person discount reviews, National Fraud Initiative, "
                        "or any in-house model), please provide: the supplier; the contract "
                        "value; the number of residents flagged; the number of discounts "
                        "removed; the number of those decisions successfully appealed; and any "
                        "equality impact assessment.",
                    ),
                    ("h", "Decision"),
                    (
                        "p",
                        "We are refusing your request under section 12(1) of the Freedom "
                        "of Information Act 2000, because the cost of complying would exceed the "
                        "appropriate limit of £450, which equates to 18 hours of work.",
                    ),
                    (
                        "p",
                        "Although the contract information is readily available, appeal "
                        "outcomes are not recorded against the review that triggered them. To "
                        "answer that part for the 2018–2023 period we would need to review "
                        "around 2,900 individual council tax accounts at an estimated three "
                        "minutes each: about 145 hours. Where a request has several parts on "
                        "the same overarching theme we may aggregate the cost of all parts.",
                    ),
                    ("h", "Advice and assistance"),
                    (
                        "p",
                        "Under section 16 we suggest that a refined request is likely to "
                        "fall within the limit if it excludes the number of successful appeals. "
                        "To help you, we can tell you now that:",
                    ),
                    (
                        "ul",
                        [
                            "TransUnion (formerly Callcredit) has carried out the council's "
                            "single person discount review each year since 2019, under a "
                            "framework call-off with a combined value of £184,250.",
                            "The council takes part in the mandatory National Fraud Initiative "
                            "run by the Cabinet Office; there is no contract value.",
                            "An equality impact assessment was completed in 2020 for the "
                            "single person discount review and is published on the council's "
                            "website.",
                            "The council does not use an in-house fraud risk scoring model.",
                        ],
                    ),
                    (
                        "p",
                        "If you are unhappy with this decision you may request an "
                        "internal review within 40 working days. If you are still unhappy after "
                        "that you may complain to the Information Commissioner's Office.",
                    ),
                ),
                to=("Mr S. Cavendish-Rao", "By e-mail"),
                salutation="Dear Mr Cavendish-Rao",
                subject="Your Freedom of Information request FOI-2023-06117",
                closing="Kind regards",
                signer="Anjali Sethna",
                signer_role=("Information Governance Lead",),
            ),
            received=D(2023, 6, 14),
            reference="FOI-2023-06117",
            tags=("TransUnion", "Capita", "fraud analytics", "s12", "National Fraud Initiative"),
        )
    )

    out.append(
        Sample(
            "2025-01-bristol-cabinet-data-and-insight-strategy.pdf",
            "pdf",
            "Bristol City Council Cabinet report: Data and Insight Strategy 2025–2028",
            "web",
            "Bristol City Council",
            Letter(
                BRISTOL,
                "Data and Insight Strategy 2025–2028",
                D(2025, 1, 28),
                "CAB-2025-014",
                (
                    (
                        "kv",
                        [
                            ("Decision maker", "Cabinet"),
                            ("Decision forum", "Cabinet meeting, 4 February 2025"),
                            ("Purpose", "Key decision"),
                            ("Ward(s)", "All"),
                            (
                                "Lead officer",
                                "Ruth Penhallow, Head of Insight, Performance and Intelligence",
                            ),
                        ],
                    ),
                    ("h", "1. Purpose of report"),
                    (
                        "p",
                        "1.1 To seek approval of the Data and Insight Strategy 2025–2028 "
                        "and of the principles that will govern the council's use of predictive "
                        "analytics and algorithmic tools, including the Think Family Database.",
                    ),
                    ("h", "2. Background"),
                    (
                        "p",
                        "2.1 Since 2015 the council has built an integrated dataset, the "
                        "Think Family Database, which brings together records from over 30 "
                        "council and partner systems to support the Supporting Families "
                        "programme and early help. Since 2019 the database has included "
                        "risk-of-harm models, developed in-house, which estimate the likelihood "
                        "of a young person being at risk of criminal or sexual exploitation.",
                    ),
                    (
                        "p",
                        "2.2 An external review in 2024 recommended that the council "
                        "strengthen its governance of these models, publish records under the "
                        "Algorithmic Transparency Recording Standard and engage residents on "
                        "their use.",
                    ),
                    ("h", "3. Current tools"),
                    (
                        "table",
                        [
                            ["Tool", "Supplier / platform", "Purpose", "Annual cost"],
                            [
                                "Think Family Database",
                                "In-house (SQL Server)",
                                "Integrated case view for early help",
                                "£212,000 (staff)",
                            ],
                            [
                                "Exploitation risk model",
                                "In-house (R, Python)",
                                "Prioritise practitioner review",
                                "Included above",
                            ],
                            ["Qlik Sense dashboards", "Qlik", "Performance reporting", "£46,300"],
                            [
                                "Children's case management",
                                "Liquidlogic LCS / EHM",
                                "Statutory recording",
                                "£298,000",
                            ],
                            [
                                "Revenues and benefits",
                                "Northgate (NEC Software Solutions)",
                                "Council tax and benefits",
                                "£611,000",
                            ],
                        ],
                    ),
                    ("break",),
                    ("h", "4. Proposal"),
                    (
                        "p",
                        "4.1 Cabinet is asked to approve the strategy at Appendix A, "
                        "which commits the council to:",
                    ),
                    (
                        "ol",
                        [
                            "publish an Algorithmic Transparency Recording Standard record for "
                            "every model used to prioritise or support decisions about residents;",
                            "carry out a Data Protection Impact Assessment and an equality impact "
                            "assessment before any new model is used, reviewed annually;",
                            "ensure that no decision about a resident is made by a model alone, "
                            "and that practitioners record why they agreed or disagreed with a "
                            "risk flag;",
                            "establish a Data Ethics Advisory Group with independent members.",
                        ],
                    ),
                    ("h", "5. Consultation"),
                    (
                        "p",
                        "5.1 Three resident workshops were held in October 2024. "
                        "Participants were broadly supportive of data sharing to help families "
                        "earlier, but wanted clearer information about what data is used and how "
                        "to object.",
                    ),
                    ("h", "6. Financial implications"),
                    (
                        "p",
                        "6.1 The strategy will be delivered within existing budgets. "
                        "The Data Ethics Advisory Group is estimated to cost £8,000 a year in "
                        "member allowances.",
                    ),
                    ("h", "7. Legal implications"),
                    (
                        "p",
                        "7.1 Processing relies on the public task basis under UK GDPR "
                        "Article 6(1)(e) and, for special category data, the substantial public "
                        "interest conditions in Schedule 1 of the Data Protection Act 2018. "
                        "Article 22 is not engaged because no solely automated decisions are "
                        "made.",
                    ),
                    ("h", "8. Recommendation"),
                    ("p", "8.1 That Cabinet approves the Data and Insight Strategy 2025–2028."),
                ),
                layout="report",
                closing="Report author",
                signer="Ruth Penhallow",
                signer_role=("Head of Insight, Performance and Intelligence",),
            ),
            published=D(2025, 1, 28),
            reference="CAB-2025-014",
            tags=("Think Family Database", "Qlik", "Liquidlogic", "Northgate", "ATRS"),
        )
    )

    out.append(
        Sample(
            "2022-09-leeds-community-healthcare-risk-stratification.pdf",
            "pdf",
            "Leeds Community Healthcare FOI 22-314: population risk stratification tool",
            "foi",
            "Leeds Community Healthcare NHS Trust",
            Letter(
                LEEDS_NHS,
                "Freedom of Information request 22-314",
                D(2022, 9, 7),
                "FOI 22-314",
                (
                    (
                        "p",
                        "Thank you for your request under the Freedom of Information Act "
                        "2000, received on 10 August 2022. Please find our response below each "
                        "question.",
                    ),
                    (
                        "request",
                        "Q1. Does the Trust use a risk stratification or predictive "
                        "model to identify patients at risk of emergency admission? Q2. Who "
                        "supplies it and what does it cost? Q3. Please provide the algorithm or "
                        "model documentation. Q4. Please provide the Data Protection Impact "
                        "Assessment.",
                    ),
                    (
                        "p",
                        "A1. The Trust does not itself run a risk stratification model. "
                        "Community teams receive lists of patients identified by GP practices "
                        "and by the Leeds Health and Care Partnership, which commissions risk "
                        "stratification on behalf of primary care. The Trust is a recipient of "
                        "outputs only.",
                    ),
                    (
                        "p",
                        "A2. Information not held. The Trust holds no contract for a risk "
                        "stratification tool. You may wish to redirect this part of your request "
                        "to NHS West Yorkshire Integrated Care Board, which holds commissioning "
                        "information.",
                    ),
                    ("p", "A3. Information not held, for the reason given at A1."),
                    (
                        "p",
                        "A4. The Trust holds a Data Protection Impact Assessment covering "
                        "the receipt of risk-stratified patient lists by community nursing "
                        "teams (version 1.3, March 2021). It is attached with the names and "
                        "direct contact details of staff below Band 8a redacted under section "
                        "40(2). The annex listing the Trust's system security controls is "
                        "withheld under section 31(1)(a), because disclosure would be likely "
                        "to assist a cyber attack.",
                    ),
                    ("h", "Section 31 — public interest test"),
                    (
                        "p",
                        "We acknowledge the public interest in openness about how patient "
                        "data is used. The body of the DPIA, which explains the data flows, the "
                        "lawful basis and the safeguards, is disclosed in full. The security "
                        "annex adds little to public understanding while disclosure would "
                        "increase the risk to patient systems; the balance favours withholding "
                        "it.",
                    ),
                    (
                        "p",
                        "If you are not satisfied you may ask for an internal review within "
                        "40 working days by contacting the Information Governance Team.",
                    ),
                ),
                to=("Ms A. Whitcombe", "By e-mail"),
                salutation="Dear Ms Whitcombe",
                subject="FOI 22-314 — risk stratification",
                closing="Yours sincerely",
                signer="Kwame Adjei-Boateng",
                signer_role=("Information Governance Manager",),
            ),
            received=D(2022, 9, 7),
            reference="FOI 22-314",
            tags=("risk stratification", "NHS", "information not held", "s31", "s40"),
        )
    )

    out.append(
        Sample(
            "2016-11-norfolk-internal-review-predictive-analytics.pdf",
            "pdf",
            "Norfolk County Council internal review IR-2016-0032: children's services predictive "
            "analytics (s12 and s43)",
            "foi",
            "Norfolk County Council",
            Letter(
                NORFOLK,
                "Internal review IR-2016-0032",
                D(2016, 11, 29),
                "IR-2016-0032 (original request FOI-16-2288)",
                (
                    (
                        "p",
                        "I have now completed the internal review you requested on 31 "
                        "October 2016 of the council's response to request FOI-16-2288. I was "
                        "not involved in the original decision.",
                    ),
                    ("h", "The original request"),
                    (
                        "request",
                        "Please provide all business cases, project board minutes and "
                        "contracts relating to the use of predictive analytics in children's "
                        "services, including any work with Deloitte, EY or IBM, and the "
                        "accuracy of any model piloted.",
                    ),
                    ("h", "The original response"),
                    (
                        "p",
                        "The council refused the request in full under section 12, "
                        "estimating that locating all business cases and minutes would take more "
                        "than 18 hours, and said that any contract would in any case be withheld "
                        "under section 43(2).",
                    ),
                    ("h", "My findings"),
                    (
                        "p",
                        "Section 12. I agree that the request as worded is too broad: "
                        "'all business cases and project board minutes' covers at least four "
                        "programmes since 2012. However, the original response did not offer "
                        "advice and assistance under section 16, which it should have. I have "
                        "identified that a single project — the 2015–2016 pilot of a predictive "
                        "model for children at risk of entering care — can be answered within "
                        "the limit, and I have done so below.",
                    ),
                    (
                        "p",
                        "Section 43(2). I do not uphold the blanket application of section "
                        "43(2). The contract value and the deliverables of a completed pilot "
                        "are not commercially sensitive, and the public interest in "
                        "transparency about public spending on analytics is significant. The "
                        "supplier's day rates remain withheld.",
                    ),
                    ("h", "Information now released"),
                    (
                        "table",
                        [
                            ["Item", "Detail"],
                            ["Project", "Children's services predictive model pilot"],
                            [
                                "Supplier",
                                "Deloitte LLP (analytics); model hosted on council infrastructure",
                            ],
                            ["Period", "September 2015 – June 2016"],
                            ["Contract value", "£186,000 (ex VAT), fixed price"],
                            [
                                "Outcome",
                                "Not taken forward: accuracy judged insufficient for "
                                "operational use",
                            ],
                            [
                                "Accuracy",
                                "Of children flagged in the back-test, 31% entered care "
                                "within 12 months (precision); 42% of children who entered care "
                                "had been flagged (recall)",
                            ],
                        ],
                    ),
                    (
                        "p",
                        "The project board minutes for the pilot (seven meetings) are "
                        "attached with personal data of junior staff redacted under section "
                        "40(2).",
                    ),
                    ("h", "Outcome of the review"),
                    (
                        "p",
                        "Your complaint is partially upheld. If you remain dissatisfied you "
                        "may apply to the Information Commissioner under section 50 of the "
                        "Act.",
                    ),
                ),
                to=("Mr P. Danvers-Hale", "By e-mail"),
                salutation="Dear Mr Danvers-Hale",
                subject="Internal review — Freedom of Information request FOI-16-2288",
                signer="Helen Marchbank",
                signer_role=("Senior Information Governance Adviser", "Internal reviewer"),
            ),
            received=D(2016, 11, 29),
            reference="IR-2016-0032",
            tags=("Deloitte", "predictive risk model", "internal review", "s12", "s43"),
        )
    )

    out.append(
        Sample(
            "2020-07-avon-somerset-qlik-offender-risk.pdf",
            "pdf",
            "Avon and Somerset Constabulary FOI 1432/20: Qlik Sense analytics and offender risk "
            "scoring",
            "foi",
            "Avon and Somerset Constabulary",
            Letter(
                AVON,
                "Freedom of Information Request 1432/20",
                D(2020, 7, 16),
                "1432/20",
                (
                    (
                        "p",
                        "Thank you for your request for information which was received by "
                        "Avon and Somerset Constabulary on 18 June 2020.",
                    ),
                    (
                        "request",
                        "Please provide: the cost of the force's Qlik licences and "
                        "support since 2016; a list of the predictive or risk scoring "
                        "applications built on Qlik (for example offender management, "
                        "vulnerability, demand forecasting); whether any equality assessment "
                        "has been made of these applications; and how many officers can view the "
                        "scores.",
                    ),
                    ("h", "Response"),
                    (
                        "p",
                        "The force's spend with Qlik and its reseller on licences, support "
                        "and professional services was:",
                    ),
                    (
                        "table",
                        [
                            [
                                "Financial year",
                                "Licences and support",
                                "Professional services",
                                "Total",
                            ],
                            ["2016/17", "£96,400", "£58,000", "£154,400"],
                            ["2017/18", "£101,250", "£22,500", "£123,750"],
                            ["2018/19", "£104,800", "£12,000", "£116,800"],
                            ["2019/20", "£108,900", "£0", "£108,900"],
                        ],
                    ),
                    (
                        "p",
                        "The force has developed a number of applications on the Qlik "
                        "platform. Those that produce a risk score or ranking for individuals "
                        "are:",
                    ),
                    (
                        "ul",
                        [
                            "Offender management: a likelihood-of-reoffending score used to "
                            "prioritise integrated offender management reviews.",
                            "Vulnerability: a score estimating the risk that a missing person "
                            "episode or a domestic abuse victim will come to serious harm.",
                            "Victim triage: a model recommending the level of follow-up for "
                            "victims of crime.",
                        ],
                    ),
                    (
                        "p",
                        "Demand forecasting models operate on locations and time periods, "
                        "not on individuals.",
                    ),
                    (
                        "p",
                        "An equality impact assessment was carried out for the offender "
                        "management application in 2018; it is attached. No equality "
                        "assessment is held for the other applications: this part of your "
                        "request is information not held.",
                    ),
                    (
                        "p",
                        "Approximately 4,800 officers and staff have access to one or more "
                        "of these applications through role-based permissions.",
                    ),
                    (
                        "p",
                        "The model features and weightings are exempt under section "
                        "31(1)(a) (prevention or detection of crime), for the reasons given in "
                        "the attached public interest test.",
                    ),
                ),
                to=("Ms K. Nwosu", "By e-mail"),
                salutation="Dear Ms Nwosu",
                subject="Request 1432/20 — Qlik analytics",
                closing="Yours sincerely",
                signer="Lydia Crane",
                signer_role=("Freedom of Information Officer",),
            ),
            published=D(2020, 8, 3),
            received=D(2020, 7, 16),
            reference="1432/20",
            tags=("Qlik", "offender management", "s31", "information not held"),
        )
    )

    out.append(
        Sample(
            "2022-04-camden-residents-index-dpia-summary.pdf",
            "pdf",
            "Camden Residents Index: Data Protection Impact Assessment — public summary",
            "web",
            "London Borough of Camden",
            Letter(
                CAMDEN,
                "Camden Residents Index — DPIA public summary",
                D(2022, 4, 5),
                "DPIA-2022-07 v2.1",
                (
                    (
                        "kv",
                        [
                            ("System", "Camden Residents Index (CRI)"),
                            ("Platform", "IBM InfoSphere master data management"),
                            ("Owner", "Chief Information Officer"),
                            ("Review date", "April 2023"),
                        ],
                    ),
                    ("h", "What the system does"),
                    (
                        "p",
                        "The Camden Residents Index matches records about the same person "
                        "held in different council systems — for example council tax, housing, "
                        "adult social care and electoral registration — so that staff can see "
                        "which services a resident is known to. It links records; it does not "
                        "score or rank residents, and it makes no decisions.",
                    ),
                    ("h", "Data sources"),
                    (
                        "table",
                        [
                            ["Source system", "Supplier", "Data items matched"],
                            [
                                "Council tax and benefits",
                                "Northgate",
                                "Name, address, date of birth",
                            ],
                            [
                                "Housing",
                                "Capita (Academy / OHMS)",
                                "Name, address, tenancy reference",
                            ],
                            [
                                "Adult social care",
                                "Servelec (Mosaic)",
                                "Name, date of birth, NHS number",
                            ],
                            ["Children's social care", "Servelec (Mosaic)", "Name, date of birth"],
                            ["Electoral register", "Xpress", "Name, address"],
                        ],
                    ),
                    ("h", "Risks and mitigations"),
                    (
                        "table",
                        [
                            ["Risk", "Mitigation", "Residual"],
                            [
                                "Incorrect match links two people",
                                "Probabilistic thresholds; "
                                "manual review queue for borderline matches",
                                "Low",
                            ],
                            [
                                "Staff see more than they need",
                                "Role-based access; audit logging reviewed monthly",
                                "Medium",
                            ],
                            [
                                "Function creep (use for profiling)",
                                "Use limited by policy; any new use requires a new DPIA",
                                "Medium",
                            ],
                        ],
                    ),
                    ("h", "Your rights"),
                    (
                        "p",
                        "You can ask to see the information the council holds about you, "
                        "and object to its use, by contacting the Data Protection Officer.",
                    ),
                ),
                layout="report",
                closing="Approved by",
                signer="Imran Qadir",
                signer_role=("Data Protection Officer",),
            ),
            published=D(2022, 4, 5),
            reference="DPIA-2022-07",
            tags=("IBM", "Northgate", "Capita", "Servelec", "Mosaic", "data matching"),
        )
    )

    # The scanned letter: rendered as an image so that only OCR can read it.
    out.append(
        Sample(
            "2015-10-thurrock-predictive-model-scanned.pdf",
            "scan",
            "Thurrock Council FOI 1029-15: predictive model in children's social care (scanned "
            "letter)",
            "foi",
            "Thurrock Council",
            Letter(
                THURROCK,
                "FOI 1029-15",
                D(2015, 10, 8),
                "FOI 1029-15",
                (
                    (
                        "p",
                        "Thank you for your request dated 9 September 2015 asking whether "
                        "the council uses a predictive model to identify children at risk of "
                        "abuse or neglect, and if so who supplies it.",
                    ),
                    (
                        "p",
                        "The council is working with Xantura Ltd on a pilot which combines "
                        "data already held by the council and its partners to help social "
                        "workers prioritise referrals. The pilot started in April 2015 and an "
                        "evaluation is due in 2016. The cost of the pilot to date is £48,750.",
                    ),
                    (
                        "p",
                        "The model does not make decisions about children or families. "
                        "Every referral is assessed by a qualified social worker.",
                    ),
                    (
                        "p",
                        "We do not hold a list of the variables used by the model. This "
                        "information is held by the supplier and is therefore not held by the "
                        "council for the purposes of the Act.",
                    ),
                    (
                        "p",
                        "If you are unhappy with this response you may ask for an internal "
                        "review within 40 working days.",
                    ),
                ),
                to=("Mr D. Whitlow", "By post"),
                salutation="Dear Mr Whitlow",
                subject="Freedom of Information request FOI 1029-15",
                signer="Patricia Holloway",
                signer_role=("Information Governance Officer",),
            ),
            received=D(2015, 10, 8),
            reference="FOI 1029-15",
            tags=("Xantura", "scanned", "information not held"),
        )
    )
    return out


def _word_documents() -> list[Sample]:
    out: list[Sample] = []

    out.append(
        Sample(
            "2019-06-brent-childrens-systems.docx",
            "docx",
            "Brent FOI 9934: children's and adults' case management systems and analytics "
            "contracts",
            "foi",
            "London Borough of Brent",
            Letter(
                BRENT,
                "Freedom of Information request — reference 9934",
                D(2019, 6, 25),
                "FOI 9934",
                (
                    ("p", "We received your request on 29 May 2019. You asked:"),
                    (
                        "request",
                        "What case management and analytics systems are used in "
                        "children's and adults' social care and in early help? For each, the "
                        "supplier, the contract start and end dates, and the annual cost. "
                        "Does the council use any predictive analytics or risk scoring?",
                    ),
                    (
                        "p",
                        "The systems used are set out below. Costs are annual licence and "
                        "support charges excluding VAT for 2018/19.",
                    ),
                    (
                        "table",
                        [
                            [
                                "System",
                                "Supplier",
                                "Used by",
                                "Contract start",
                                "Contract end",
                                "Annual cost",
                            ],
                            [
                                "Mosaic",
                                "Servelec",
                                "Children's and adults' social care",
                                "01/04/2015",
                                "31/03/2021",
                                "£264,000",
                            ],
                            [
                                "Capita ONE",
                                "Capita",
                                "Education, SEND and early years",
                                "01/09/2012",
                                "31/08/2020",
                                "£131,500",
                            ],
                            [
                                "Early Help Module",
                                "Servelec (Mosaic add-on)",
                                "Early help",
                                "01/04/2017",
                                "31/03/2021",
                                "£22,000",
                            ],
                            [
                                "QlikView",
                                "Qlik (via reseller)",
                                "Performance team",
                                "01/06/2016",
                                "31/05/2020",
                                "£18,900",
                            ],
                            [
                                "Business Intelligence warehouse",
                                "In-house (Microsoft SQL Server)",
                                "Corporate",
                                "n/a",
                                "n/a",
                                "Staff costs only",
                            ],
                        ],
                    ),
                    (
                        "p",
                        "In 2018 the council worked with IBM on a proof of concept to "
                        "identify residents at risk of homelessness using housing, council tax "
                        "and benefits data. The proof of concept ran for 12 weeks at a cost of "
                        "£86,000 and was not taken forward to live use. The council does not "
                        "currently use predictive analytics or risk scoring in children's or "
                        "adults' social care.",
                    ),
                    (
                        "p",
                        "If you are dissatisfied with this response you may ask for an "
                        "internal review. If you remain dissatisfied you can contact the "
                        "Information Commissioner.",
                    ),
                ),
                to=("Mr F. Oduya",),
                salutation="Dear Mr Oduya",
                subject="Your request for information — reference 9934",
                closing="Yours sincerely",
                signer="Daniel Okonkwo-Reeve",
                signer_role=("Information Governance Officer",),
            ),
            received=D(2019, 6, 25),
            reference="FOI 9934",
            tags=("Servelec", "Mosaic", "Capita", "QlikView", "IBM"),
        )
    )

    out.append(
        Sample(
            "2019-12-west-midlands-police-ndas.docx",
            "docx",
            "West Midlands Police FOI 9047A/19: National Data Analytics Solution — data sources "
            "and most serious violence model",
            "foi",
            "West Midlands Police",
            Letter(
                WMP,
                "Freedom of Information Request 9047A/19",
                D(2019, 12, 11),
                "9047A/19",
                (
                    (
                        "p",
                        "Thank you for your request for information received on 14 "
                        "November 2019. West Midlands Police (WMP) has now considered your "
                        "request:",
                    ),
                    (
                        "request",
                        "Regarding the National Data Analytics Solution (NDAS): what "
                        "datasets are used, which forces have provided data, how much Home "
                        "Office funding has been received, and please provide the features used "
                        "in the 'most serious violence' model and its accuracy.",
                    ),
                    ("h", "Datasets"),
                    (
                        "table",
                        [
                            ["Dataset", "Source", "Records (approx.)", "Period"],
                            ["Crime recording", "WMP CRIMES", "5.0 million", "2013–2019"],
                            ["Custody records", "WMP custody system", "1.2 million", "2013–2019"],
                            [
                                "Intelligence logs",
                                "WMP intelligence system",
                                "3.4 million",
                                "2014–2019",
                            ],
                            ["Stop and search", "WMP", "310,000", "2014–2019"],
                            [
                                "Police National Computer extracts",
                                "PNC",
                                "Not held in a countable form",
                                "2013–2019",
                            ],
                        ],
                    ),
                    ("h", "Forces and funding"),
                    (
                        "p",
                        "Data from West Midlands Police was used in the first phase. "
                        "Discussions were held with eight other forces; data sharing agreements "
                        "had been signed with two at the date of your request. WMP received "
                        "£4.5 million from the Police Transformation Fund for NDAS in 2018/19 "
                        "and 2019/20.",
                    ),
                    ("h", "Features and accuracy"),
                    (
                        "p",
                        "WMP can confirm that the 'most serious violence' model was "
                        "assessed against historic data and was not deployed operationally. "
                        "The list of model features and the validation results are withheld "
                        "under section 31(1)(a) and (b) (law enforcement) and section 24(1) "
                        "(national security) as the model was developed as a national "
                        "capability. The public interest test is set out in the annex to this "
                        "letter. WMP has published a summary of the ethics committee's advice, "
                        "which is reasonably accessible to you and is therefore exempt under "
                        "section 21.",
                    ),
                ),
                to=("Ms L. Moreau",),
                salutation="Dear Ms Moreau",
                subject="Freedom of Information Request 9047A/19",
                closing="Yours sincerely",
                signer="Rosalind Fenwick",
                signer_role=("Freedom of Information Officer", "Information Management"),
            ),
            published=D(2020, 1, 8),
            received=D(2019, 12, 11),
            reference="9047A/19",
            tags=("NDAS", "s31", "s24", "s21", "predictive policing"),
        )
    )

    out.append(
        Sample(
            "2020-10-essex-centre-for-data-analytics-school-readiness.docx",
            "docx",
            "Essex FOI ECC-20-4481: Essex Centre for Data Analytics school readiness model",
            "foi",
            "Essex County Council",
            Letter(
                ESSEX,
                "FOI ECC-20-4481 — response",
                D(2020, 10, 20),
                "ECC-20-4481",
                (
                    (
                        "kv",
                        [
                            ("Reference", "ECC-20-4481"),
                            ("Date received", "22 September 2020"),
                            ("Date of response", "20 October 2020"),
                            ("Outcome", "Part disclosed; part information not held"),
                        ],
                    ),
                    ("h", "Request"),
                    (
                        "request",
                        "Please provide information about the school readiness "
                        "model developed by the Essex Centre for Data Analytics: the datasets it "
                        "uses, whether it produces scores for individual children, who can see "
                        "those scores, and any evaluation or data protection impact "
                        "assessment.",
                    ),
                    ("h", "Response"),
                    (
                        "p",
                        "The Essex Centre for Data Analytics (ECDA) is a partnership "
                        "between Essex County Council, Essex Police and the University of Essex. "
                        "The school readiness project uses de-identified data to understand "
                        "which factors are associated with a child not reaching a good level of "
                        "development at the end of reception year.",
                    ),
                    (
                        "table",
                        [
                            ["Dataset", "Provider", "Identifiable to ECDA?"],
                            [
                                "Early Years Foundation Stage Profile",
                                "Essex County Council",
                                "No — pseudonymised",
                            ],
                            [
                                "Free early education entitlement",
                                "Essex County Council",
                                "No — pseudonymised",
                            ],
                            [
                                "Health visiting contacts",
                                "Community health provider",
                                "No — aggregated",
                            ],
                            ["Indices of Deprivation 2019", "Published data", "Area level only"],
                        ],
                    ),
                    (
                        "p",
                        "The project does not produce scores for individual children and "
                        "no scores are shared with schools or early years settings. Results "
                        "are reported for areas of about 1,500 households. The question of who "
                        "can see individual scores is therefore answered as information not "
                        "held.",
                    ),
                    (
                        "p",
                        "A data protection impact assessment was completed in January 2020 "
                        "and is attached. An evaluation has not yet been carried out; it is "
                        "planned for 2021.",
                    ),
                ),
                layout="form",
                closing="Regards",
                signer="Simon Tregarthen",
                signer_role=("Information Governance Officer",),
            ),
            received=D(2020, 10, 20),
            reference="ECC-20-4481",
            tags=("ECDA", "school readiness", "information not held", "DPIA"),
        )
    )

    out.append(
        Sample(
            "2021-04-lancashire-constabulary-i2-ibase-licences.docx",
            "docx",
            "Lancashire Constabulary FOI 2021/0611: IBM i2 Analyst's Notebook and iBase licences",
            "foi",
            "Lancashire Constabulary",
            Letter(
                LANCS_POLICE,
                "Freedom of Information Act 2000 — Request 2021/0611",
                D(2021, 4, 27),
                "2021/0611",
                (
                    ("p", "I write in response to your request received on 30 March 2021."),
                    (
                        "request",
                        "1) How many licences does the force hold for IBM i2 "
                        "Analyst's Notebook and i2 iBase, and what did they cost in each of the "
                        "last three years? 2) Does the force use Palantir or any other data "
                        "integration platform? 3) What social media monitoring tools are "
                        "used?",
                    ),
                    ("h", "Question 1"),
                    (
                        "table",
                        [
                            [
                                "Product",
                                "Licences 2018/19",
                                "Licences 2019/20",
                                "Licences 2020/21",
                                "Cost 2020/21 (ex VAT)",
                            ],
                            ["i2 Analyst's Notebook", "96", "104", "112", "£61,600"],
                            ["i2 iBase (users)", "240", "240", "265", "£47,700"],
                            ["i2 iBase (database server)", "3", "3", "4", "included above"],
                        ],
                    ),
                    (
                        "p",
                        "The licences are held through a national framework agreement. "
                        "i2 products are now supplied by Harris Computer following the sale of "
                        "the product line by IBM.",
                    ),
                    ("h", "Question 2"),
                    (
                        "p",
                        "The force does not use Palantir. Lancashire Constabulary can "
                        "neither confirm nor deny whether it holds any other information "
                        "relevant to this part of your request, by virtue of section 31(3) "
                        "(law enforcement) and section 24(2) (national security). This should "
                        "not be taken as an indication that the information does or does not "
                        "exist.",
                    ),
                    ("h", "Question 3"),
                    (
                        "p",
                        "Social media monitoring tools are exempt from disclosure under "
                        "section 31(1)(a) and (b). Describing the capability of covert and "
                        "overt open source tools would enable offenders to adapt their "
                        "behaviour.",
                    ),
                ),
                to=("Mr R. Haldane",),
                salutation="Dear Mr Haldane",
                subject="Request 2021/0611 — analytical software",
                closing="Yours faithfully",
                signer="Bethany Ashcroft",
                signer_role=("Information Compliance Officer",),
            ),
            received=D(2021, 4, 27),
            reference="2021/0611",
            tags=("IBM i2 Analyst's Notebook", "iBase", "Palantir", "NCND", "s31", "s24"),
        )
    )

    out.append(
        Sample(
            "2023-02-birmingham-solihull-icb-population-health.docx",
            "docx",
            "NHS Birmingham and Solihull ICB FOI 0238: population health management, risk "
            "stratification and consultancy spend",
            "foi",
            "NHS Birmingham and Solihull Integrated Care Board",
            Letter(
                BSOL,
                "Freedom of Information request 0238",
                D(2023, 2, 15),
                "FOI-BSOL-0238",
                (
                    ("p", "Thank you for your request for information dated 18 January 2023."),
                    (
                        "request",
                        "Please list any contracts since 2019 for population health "
                        "management, risk stratification or predictive analytics, including "
                        "consultancy (for example Deloitte, EY, Optum, Palantir), with supplier, "
                        "value and purpose. Does the ICB or its predecessor CCG use a risk "
                        "score to target patients for proactive care?",
                    ),
                    ("h", "Response"),
                    (
                        "table",
                        [
                            ["Supplier", "Purpose", "Start", "Value (ex VAT)", "Status"],
                            [
                                "Deloitte LLP",
                                "Population health management design support",
                                "2020",
                                "£412,500",
                                "Completed",
                            ],
                            [
                                "Ernst & Young LLP (EY)",
                                "Evaluation of anticipatory care programme",
                                "2021",
                                "£138,000",
                                "Completed",
                            ],
                            [
                                "NHS Arden & GEM CSU",
                                "Risk stratification tool for primary care",
                                "2019",
                                "£96,000 a year",
                                "Live",
                            ],
                            ["Palantir Technologies UK", "None — no contract held", "—", "—", "—"],
                        ],
                    ),
                    (
                        "p",
                        "Yes. GP practices use a risk stratification tool, provided by the "
                        "commissioning support unit, which estimates each registered patient's "
                        "risk of emergency admission in the next 12 months from pseudonymised "
                        "primary and secondary care data. Practices re-identify only their own "
                        "patients. The ICB does not receive identifiable risk scores.",
                    ),
                    (
                        "p",
                        "Spend with Optum: information not held. The ICB has no contract "
                        "with Optum; we understand that some NHS trusts in the area may, and you "
                        "may wish to ask them directly.",
                    ),
                ),
                to=("Dr C. Ferreira",),
                salutation="Dear Dr Ferreira",
                subject="FOI 0238 — population health management",
                closing="Yours sincerely",
                signer="Nadia Farouk",
                signer_role=("Freedom of Information Lead", "Corporate Governance"),
            ),
            received=D(2023, 2, 15),
            reference="FOI-BSOL-0238",
            tags=("Deloitte", "EY", "Palantir", "risk stratification", "NHS"),
        )
    )

    out.append(
        Sample(
            "2024-03-blackpool-lift-information-not-held.docx",
            "docx",
            "Blackpool Council FOI 24-0419: Policy in Practice LIFT dashboard — information not "
            "held",
            "foi",
            "Blackpool Council",
            Letter(
                BLACKPOOL,
                "FOI 24-0419",
                D(2024, 3, 12),
                "FOI 24-0419",
                (
                    (
                        "request",
                        "Does the council use the Low Income Family Tracker (LIFT) "
                        "from Policy in Practice? If so please provide the contract, the number "
                        "of households on the dashboard, and any campaigns targeted using it.",
                    ),
                    (
                        "p",
                        "Blackpool Council does not use the Low Income Family Tracker "
                        "(LIFT) and has never had a contract with Policy in Practice. The "
                        "information you have requested is therefore not held.",
                    ),
                    ("p", "To reach this conclusion the following searches were made:"),
                    (
                        "table",
                        [
                            ["Area searched", "Search made", "Result"],
                            [
                                "Contracts register",
                                "Supplier name 'Policy in Practice'; product 'LIFT'",
                                "No record",
                            ],
                            ["Accounts payable (2016–2024)", "Supplier name", "No payments"],
                            [
                                "Revenues and Benefits",
                                "Enquiry to service manager",
                                "Not used; benefit data analysed in-house with Northgate reports",
                            ],
                            ["Financial inclusion team", "Enquiry to team leader", "Not used"],
                        ],
                    ),
                    (
                        "p",
                        "For your information, the council targets Household Support Fund "
                        "awards using its own reports from the Northgate revenues and benefits "
                        "system.",
                    ),
                ),
                to=("Ms G. Sandoval",),
                salutation="Dear Ms Sandoval",
                subject="Your request — Low Income Family Tracker",
                closing="Kind regards",
                signer="Graham Eccleston",
                signer_role=("Information Governance Officer",),
            ),
            received=D(2024, 3, 12),
            reference="FOI 24-0419",
            tags=("Policy in Practice", "LIFT", "information not held", "Northgate"),
        )
    )
    return out


def _spreadsheets() -> list[Sample]:
    out: list[Sample] = []

    contracts = (
        (
            "LCC-IT-0412",
            "Northgate Public Services",
            "Revenues and Benefits system (council tax support)",
            "Corporate Resources",
            D(2014, 4, 1),
            D(2021, 3, 31),
            1_245_000,
            "Open tender",
            "",
        ),
        (
            "LCC-CF-0188",
            "Liquidlogic Ltd",
            "Children's Social Care System (LCS) and Early Help Module (EHM)",
            "Children and Family Services",
            D(2016, 7, 1),
            D(2023, 6, 30),
            1_980_000,
            "G-Cloud 7",
            "",
        ),
        (
            "LCC-AS-0190",
            "Liquidlogic Ltd",
            "Adults' Social Care System (LAS)",
            "Adults and Communities",
            D(2016, 7, 1),
            D(2023, 6, 30),
            1_410_000,
            "G-Cloud 7",
            "",
        ),
        (
            "LCC-ED-0077",
            "Capita Business Services Ltd",
            "Capita ONE education management system",
            "Children and Family Services",
            D(2013, 9, 1),
            D(2020, 8, 31),
            860_000,
            "Framework call-off",
            "",
        ),
        (
            "LCC-PH-0231",
            "Experian Ltd",
            "Mosaic Public Sector licence (household level)",
            "Public Health",
            D(2017, 4, 1),
            D(2020, 3, 31),
            121_500,
            "Crown Commercial Service",
            "Annual licence",
        ),
        (
            "LCC-PH-0232",
            "CACI Ltd",
            "Acorn and Ocean segmentation data",
            "Public Health",
            D(2015, 4, 1),
            D(2017, 3, 31),
            36_000,
            "Quotation",
            "Not renewed — replaced by Mosaic",
        ),
        (
            "LCC-BI-0311",
            "Qlik Technologies UK Ltd",
            "QlikView server and user licences",
            "Business Intelligence",
            D(2015, 10, 1),
            D(2020, 9, 30),
            214_600,
            "Framework call-off",
            "",
        ),
        (
            "LCC-CF-0402",
            "Xantura Ltd",
            "Supporting Families data matching and early help analytics pilot",
            "Children and Family Services",
            D(2018, 1, 15),
            D(2019, 1, 14),
            74_950,
            "Direct award (below threshold)",
            "Pilot; renewal under review",
        ),
        (
            "LCC-CR-0299",
            "Policy in Practice Ltd",
            "Low Income Family Tracker (LIFT) and Better Off calculator",
            "Corporate Resources",
            D(2019, 5, 1),
            D(2021, 4, 30),
            58_000,
            "G-Cloud 10",
            "",
        ),
        (
            "LCC-CR-0301",
            "TransUnion International UK Ltd",
            "Single person discount review",
            "Corporate Resources",
            D(2018, 6, 1),
            D(2019, 5, 31),
            42_300,
            "Framework call-off",
            "Paid partly by results",
        ),
        (
            "LCC-CF-0415",
            "Ernst & Young LLP",
            "Children's services transformation diagnostic",
            "Children and Family Services",
            D(2018, 3, 1),
            D(2018, 8, 31),
            295_000,
            "Consultancy framework",
            "",
        ),
        (
            "LCC-AS-0420",
            "Deloitte LLP",
            "Adult social care demand modelling",
            "Adults and Communities",
            D(2018, 11, 1),
            D(2019, 3, 31),
            168_000,
            "Consultancy framework",
            "",
        ),
        (
            "LCC-IT-0455",
            "Servelec Group plc",
            "Mosaic case management — options appraisal (not procured)",
            "ICT",
            D(2019, 2, 1),
            D(2019, 3, 31),
            9_800,
            "Quotation",
            "Feasibility only",
        ),
    )
    out.append(
        Sample(
            "2019-09-leicestershire-contracts-register-data-systems.xlsx",
            "xlsx",
            "Leicestershire County Council FOI 19-2207: contracts register extract — data, "
            "analytics and case management systems",
            "foi",
            "Leicestershire County Council",
            Workbook(
                "Contracts register extract — data and analytics systems",
                "Leicestershire County Council — Strategic Procurement (fictional sample)",
                D(2019, 9, 4),
                (
                    Sheet(
                        "Contracts",
                        "Contracts register extract for FOI 19-2207 (data, analytics and case "
                        "management systems)",
                        (
                            "Contract ref",
                            "Supplier",
                            "Description",
                            "Department",
                            "Start date",
                            "End date",
                            "Total value (£, ex VAT)",
                            "Route to market",
                            "Notes",
                        ),
                        contracts,
                        (14, 30, 52, 26, 12, 12, 18, 26, 34),
                        (6,),
                    ),
                    Sheet(
                        "Notes",
                        "About this extract",
                        ("Note",),
                        (
                            (
                                "Extract taken from the council's contracts register on 2 "
                                "September 2019 in response to FOI 19-2207.",
                            ),
                            (
                                "Values are the total contract value over the whole term, "
                                "excluding VAT, as recorded at award.",
                            ),
                            ("Contracts below £5,000 are not included in the register.",),
                            (
                                "Pricing schedules are withheld under section 43(2) of the "
                                "Freedom of Information Act 2000.",
                            ),
                        ),
                        (110,),
                    ),
                ),
            ),
            received=D(2019, 9, 4),
            reference="FOI 19-2207",
            tags=(
                "contracts",
                "Northgate",
                "Liquidlogic",
                "Capita",
                "Experian Mosaic",
                "CACI Acorn",
                "QlikView",
                "Xantura",
                "Policy in Practice",
                "TransUnion",
                "EY",
                "Deloitte",
                "Servelec",
            ),
        )
    )

    licences = (
        (
            "IBM i2 Analyst's Notebook 9",
            "Harris Computer (i2 Group)",
            148,
            510,
            75_480,
            "Intelligence analysis; link charts",
            "2022/23",
        ),
        (
            "i2 iBase 8 (user)",
            "Harris Computer (i2 Group)",
            320,
            175,
            56_000,
            "Intelligence database",
            "2022/23",
        ),
        (
            "i2 iBase 8 (server)",
            "Harris Computer (i2 Group)",
            4,
            3_900,
            15_600,
            "Intelligence database",
            "2022/23",
        ),
        (
            "Qlik Sense Enterprise (professional)",
            "Qlik",
            260,
            1_150,
            299_000,
            "Performance and demand dashboards",
            "2022/23",
        ),
        (
            "Qlik Sense Enterprise (analyser)",
            "Qlik",
            1_900,
            40,
            76_000,
            "Read-only dashboards",
            "2022/23",
        ),
        ("Niche RMS", "Niche Technology", 1, 0, 1_120_000, "Records management system", "2022/23"),
        ("Cellebrite UFED", "Cellebrite", 0, 0, 0, "Exempt — section 31(1)(a)", "—"),
        ("Palantir Gotham", "Palantir Technologies", 0, 0, 0, "Not used", "—"),
    )
    out.append(
        Sample(
            "2022-05-merseyside-police-analytics-licences.xlsx",
            "xlsx",
            "Merseyside Police FOI 22/0893: analytical software licences and costs",
            "foi",
            "Merseyside Police",
            Workbook(
                "Analytical software licences",
                "Merseyside Police — Information Access (fictional sample)",
                D(2022, 5, 18),
                (
                    Sheet(
                        "Licences 2022-23",
                        "FOI 22/0893 — analytical software licences held at 1 April 2022",
                        (
                            "Product",
                            "Supplier",
                            "Licences",
                            "Unit cost (£)",
                            "Annual cost (£)",
                            "Use",
                            "Year",
                        ),
                        licences,
                        (38, 28, 10, 14, 16, 38, 10),
                        (3, 4),
                        (
                            "Unit and annual costs exclude VAT.",
                            "Cellebrite row: the force neither confirms nor denies holding "
                            "further information under section 31(3).",
                            "Palantir Gotham: the force holds no licence and has no contract.",
                        ),
                    ),
                    Sheet(
                        "History",
                        "Annual cost of i2 products, 2017/18 to 2021/22",
                        ("Year", "Analyst's Notebook (£)", "iBase (£)", "Total (£)"),
                        (
                            ("2017/18", 58_100, 60_900, 119_000),
                            ("2018/19", 61_200, 63_400, 124_600),
                            ("2019/20", 66_900, 64_800, 131_700),
                            ("2020/21", 70_300, 67_200, 137_500),
                            ("2021/22", 73_050, 69_900, 142_950),
                        ),
                        (12, 24, 14, 14),
                        (1, 2, 3),
                    ),
                ),
            ),
            received=D(2022, 5, 18),
            reference="FOI 22/0893",
            tags=("IBM i2 Analyst's Notebook", "iBase", "Qlik", "Palantir", "NCND"),
        )
    )

    # Spend over £500: a real-looking mix of analytics suppliers among ordinary payments.
    payees = (
        (
            "Xantura Ltd",
            "Children's Care and Support",
            "Professional services — data analytics",
            (18_750, 18_750, 24_000),
        ),
        (
            "Experian Ltd",
            "Revenues and Benefits",
            "Data services — identity and residency checks",
            (4_310.40, 4_310.40, 4_310.40),
        ),
        (
            "Ernst & Young LLP",
            "Transformation",
            "Consultancy — One View insight hub",
            (62_400, 48_000, 31_250),
        ),
        ("Policy in Practice Ltd", "Community Solutions", "Software licence — LIFT", (14_500,)),
        (
            "Capita Business Services Ltd",
            "Revenues and Benefits",
            "Revenues and benefits processing",
            (212_880.16, 209_114.02, 214_402.77),
        ),
        (
            "TransUnion International UK Ltd",
            "Revenues and Benefits",
            "Single person discount review",
            (9_860,),
        ),
        (
            "Northgate Public Services (UK) Ltd",
            "ICT",
            "Software support and maintenance",
            (38_211.50,),
        ),
        ("CACI Ltd", "Public Health", "Data licence — Acorn", (7_200,)),
        ("Qlik Technologies UK Ltd", "ICT", "Software licence", (11_880,)),
        ("Bright Path Catering Ltd", "Facilities", "Catering — staff events", (612.40, 845)),
        ("Greenway Grounds Maintenance", "Parks", "Grounds maintenance", (5_240, 5_240)),
    )
    months = (D(2016, 10, 14), D(2016, 11, 18), D(2016, 12, 16))
    spend_rows = []
    txn = 580_113
    for month_index, paid in enumerate(months):
        for supplier, service, purpose, amounts in payees:
            if month_index < len(amounts):
                txn += 7
                spend_rows.append(
                    (paid, f"T{txn}", supplier, service, purpose, amounts[month_index])
                )
    out.append(
        Sample(
            "2017-02-barking-dagenham-spend-over-500-q3.xlsx",
            "xlsx",
            "Barking and Dagenham: payments over £500, October to December 2016",
            "web",
            "London Borough of Barking and Dagenham",
            Workbook(
                "Payments over £500 — Q3 2016/17",
                "London Borough of Barking and Dagenham — Finance (fictional sample)",
                D(2017, 2, 28),
                (
                    Sheet(
                        "Q3 2016-17",
                        "Expenditure over £500, October to December 2016 (transparency data)",
                        (
                            "Payment date",
                            "Transaction no.",
                            "Supplier",
                            "Service area",
                            "Purpose",
                            "Amount (£)",
                        ),
                        tuple(spend_rows),
                        (14, 14, 34, 28, 44, 14),
                        (5,),
                        (
                            "Published under the Local Government Transparency Code 2015.",
                            "Payments to individuals and sole traders are redacted.",
                        ),
                    ),
                ),
            ),
            published=D(2017, 2, 28),
            tags=(
                "spend",
                "Xantura",
                "Experian",
                "EY",
                "Policy in Practice",
                "Capita",
                "TransUnion",
                "Northgate",
                "CACI",
                "Qlik",
            ),
        )
    )

    log = (
        (
            "CE-FOI-24-0112",
            D(2024, 1, 9),
            "Use of artificial intelligence and automated decision-making in adult social care",
            "Information not held",
            "—",
        ),
        (
            "CE-FOI-24-0187",
            D(2024, 1, 22),
            "Contracts with Liquidlogic and Servelec, 2018–2024",
            "Released in full",
            "—",
        ),
        (
            "CE-FOI-24-0240",
            D(2024, 2, 5),
            "Council tax single person discount review (TransUnion) outcomes",
            "Part released",
            "s12 for appeal outcomes",
        ),
        (
            "CE-FOI-24-0311",
            D(2024, 2, 27),
            "Predictive analytics for children at risk of exploitation",
            "Information not held",
            "—",
        ),
        (
            "CE-FOI-24-0356",
            D(2024, 3, 8),
            "Experian Mosaic or CACI Acorn licences",
            "Released in full",
            "—",
        ),
        (
            "CE-FOI-24-0402",
            D(2024, 3, 25),
            "Fraud risk scoring of housing benefit claims",
            "Refused",
            "s31(1)(a) — prevention of fraud",
        ),
        (
            "CE-FOI-24-0478",
            D(2024, 4, 16),
            "Supporting Families payment-by-results claims 2015–2024",
            "Part released",
            "Not held before 2017",
        ),
        (
            "CE-FOI-24-0533",
            D(2024, 5, 2),
            "Policy in Practice LIFT dashboard",
            "Released in full",
            "—",
        ),
        (
            "CE-FOI-24-0610",
            D(2024, 5, 29),
            "Data sharing agreements with Cheshire Constabulary",
            "Part released",
            "s31(1)(a); s40(2)",
        ),
        (
            "CE-FOI-24-0697",
            D(2024, 6, 20),
            "Microsoft Copilot and generative AI pilots",
            "Released in full",
            "—",
        ),
        (
            "CE-FOI-24-0754",
            D(2024, 7, 11),
            "Algorithmic Transparency Recording Standard records",
            "Information not held",
            "No records published yet",
        ),
        ("CE-FOI-24-0821", D(2024, 8, 6), "Capita ONE licence costs", "Released in full", "—"),
        (
            "CE-FOI-24-0899",
            D(2024, 9, 3),
            "Risk stratification in public health (NHS Health Check invitations)",
            "Released in full",
            "—",
        ),
    )
    out.append(
        Sample(
            "2024-10-cheshire-east-disclosure-log-data-and-algorithms.xlsx",
            "xlsx",
            "Cheshire East Council FOI disclosure log, January–September 2024 (data and "
            "algorithms requests)",
            "foi",
            "Cheshire East Council",
            Workbook(
                "Disclosure log — data and algorithms",
                "Cheshire East Council — Compliance and Customer Relations (fictional sample)",
                D(2024, 10, 1),
                (
                    Sheet(
                        "Disclosure log",
                        "FOI and EIR disclosure log — requests about data, analytics and "
                        "algorithms, January to September 2024",
                        ("Reference", "Date received", "Subject", "Outcome", "Exemptions / notes"),
                        log,
                        (16, 14, 70, 22, 34),
                    ),
                ),
            ),
            published=D(2024, 10, 1),
            reference="Disclosure log 2024 Q1–Q3",
            tags=(
                "disclosure log",
                "Liquidlogic",
                "Servelec",
                "TransUnion",
                "Experian Mosaic",
                "CACI Acorn",
                "Policy in Practice",
                "Capita",
                "s12",
                "s31",
            ),
        )
    )
    return out


COUNCIL_FOOTER = (
    "Accessibility statement",
    "Cookies",
    "Privacy notice",
    "Contact us",
    "Jobs",
    "Sitemap",
)
LEDGER_NAV = (
    "Home",
    "News",
    "Investigations",
    "Data",
    "Local government",
    "Policing",
    "Health",
    "Opinion",
    "Newsletters",
)
LEDGER_FOOTER = (
    "About The Civic Ledger",
    "Corrections",
    "Complaints",
    "Privacy",
    "Terms of use",
    "Contact the newsroom",
)


def _web_pages() -> list[Sample]:
    out: list[Sample] = []

    out.append(
        Sample(
            "2021-06-wigan-council-how-we-use-data-early-help.html",
            "html",
            "How we use data to offer early help to families — Wigan Council",
            "web",
            "Wigan Council",
            WebPage(
                "council",
                "Wigan Council",
                "How we use data to offer early help to families",
                D(2021, 6, 1),
                (
                    (
                        "p",
                        "We want to help families before problems become a crisis. To do "
                        "this we bring together some of the information that council services "
                        "and our partners already hold, so that our early help teams can see "
                        "where a family might benefit from support.",
                    ),
                    ("h", "What information we use"),
                    (
                        "ul",
                        [
                            "school attendance and exclusions",
                            "contacts with children's social care",
                            "housing, rent arrears and homelessness applications",
                            "council tax support and housing benefit (from our Northgate "
                            "revenues and benefits system)",
                            "police notifications of domestic abuse and anti-social behaviour",
                        ],
                    ),
                    ("h", "How the information is matched"),
                    (
                        "p",
                        "Each month our Business Intelligence team matches these records "
                        "against the Supporting Families criteria. Matching is done by our own "
                        "staff in a secure data warehouse; we do not use a commercial "
                        "predictive analytics product and we do not give families a risk "
                        "score.",
                    ),
                    (
                        "p",
                        "When a family meets two or more of the criteria, an early help "
                        "practitioner looks at the information and decides whether to offer "
                        "support. Taking up early help is voluntary.",
                    ),
                    ("h", "Your rights"),
                    (
                        "p",
                        "You have the right to ask what information we hold about you, to "
                        "ask us to correct it and, in some circumstances, to object to it being "
                        "used. Read our full privacy notice for children's services or contact "
                        "our Data Protection Officer.",
                    ),
                    ("small", "Page last reviewed: 1 June 2021. Next review due: June 2022."),
                ),
                nav=(
                    "Home",
                    "Council tax",
                    "Bins and recycling",
                    "Schools",
                    "Children and families",
                    "Adult social care",
                    "Housing",
                    "Council and democracy",
                ),
                breadcrumbs=("Home", "Children and families", "Early help"),
                related=(
                    "Early help assessment",
                    "Supporting Families programme",
                    "Children's services privacy notice",
                    "Make a Freedom of Information request",
                ),
                footer_links=COUNCIL_FOOTER,
                colour="#005a8c",
            ),
            published=D(2021, 6, 1),
            tags=("Supporting Families", "Northgate", "early help", "privacy"),
        )
    )

    out.append(
        Sample(
            "2018-09-civic-ledger-councils-predictive-analytics-children.html",
            "html",
            "Councils turn to predictive analytics to flag children at risk — The Civic Ledger",
            "media",
            "The Civic Ledger (fictional outlet)",
            WebPage(
                "news",
                "The Civic Ledger",
                "Councils turn to predictive analytics to flag children at risk",
                D(2018, 9, 17),
                (
                    (
                        "p",
                        "At least a dozen English councils have used or piloted "
                        "predictive analytics systems that combine data on hundreds of "
                        "thousands of residents to flag children who may be at risk of abuse "
                        "or neglect, according to responses to Freedom of Information requests "
                        "seen by The Civic Ledger.",
                    ),
                    (
                        "p",
                        "The systems draw on records such as school attendance, housing "
                        "benefit claims, rent arrears and police call-outs for domestic "
                        "incidents. Suppliers named in the responses include Xantura, whose "
                        "Early Help Profiling System has been piloted in several London "
                        "boroughs, as well as consultancies such as EY and Deloitte and in-house "
                        "data science teams.",
                    ),
                    (
                        "p",
                        "One London borough told us it had profiled more than 20,000 "
                        "households in a single year, of which around 4 per cent were flagged "
                        "for review by an early help practitioner. Another council said a "
                        "model it had piloted was dropped because its accuracy was judged too "
                        "low for operational use.",
                    ),
                    ("h", "'Families are not told'"),
                    (
                        "p",
                        "\u201cMost families have no idea that their benefit records and their "
                        "children's school attendance are being fed into a model,\u201d said "
                        "Tariq Bellamy of the Open Algorithms Forum, a campaign group. \u201cIf "
                        "a council is going to score you, you should at least be told.\u201d",
                    ),
                    (
                        "p",
                        "Several councils said in their FOI responses that no decision is "
                        "made by a model alone and that every flag is reviewed by a qualified "
                        "practitioner. Some refused to publish details of their models, citing "
                        "commercial confidentiality under section 43 of the Freedom of "
                        "Information Act.",
                    ),
                    ("h", "How we did this"),
                    (
                        "p",
                        "We sent Freedom of Information requests to all 152 English "
                        "councils with children's services responsibilities between March and "
                        "June 2018 and received responses from 139.",
                    ),
                ),
                nav=LEDGER_NAV,
                byline="By Esther Vaughan, Data Reporter",
                standfirst="FOI responses show systems matching benefit, school and police "
                "data to score households, with little public scrutiny",
                related=(
                    "Inside the Gangs Matrix",
                    "What is the Troubled Families programme?",
                    "How to make a Freedom of Information request",
                ),
                footer_links=LEDGER_FOOTER,
                colour="#8b0000",
            ),
            published=D(2018, 9, 17),
            tags=("Xantura", "EY", "Deloitte", "Early Help Profiling System", "news"),
        )
    )

    out.append(
        Sample(
            "2019-04-civic-ledger-gangs-matrix-review.html",
            "html",
            "Hundreds removed from Gangs Matrix after review — The Civic Ledger",
            "media",
            "The Civic Ledger (fictional outlet)",
            WebPage(
                "news",
                "The Civic Ledger",
                "Hundreds removed from Gangs Matrix after review",
                D(2019, 4, 9),
                (
                    (
                        "p",
                        "Hundreds of people have been taken off the Metropolitan Police's "
                        "Gangs Violence Matrix following a review of how names are added and "
                        "scored, according to figures released under the Freedom of "
                        "Information Act.",
                    ),
                    (
                        "p",
                        "The Matrix is a database of people the police consider to be "
                        "involved in gang violence, each given a 'harm score' that places them "
                        "in a red, amber or green band. Figures released to The Civic Ledger "
                        "show that the number of people listed fell from about 3,700 in "
                        "August 2017 to just over 3,000 in early 2019.",
                    ),
                    (
                        "p",
                        "Those listed with the lowest harm scores — many of them with no "
                        "recorded violent offence — accounted for most of the removals. The "
                        "police declined to release the scoring criteria, citing the law "
                        "enforcement exemption in section 31 of the Act.",
                    ),
                    (
                        "p",
                        "\u201cA score that can follow a teenager into a housing office or a "
                        "job centre needs to be open to challenge,\u201d said Joanne Mercer of "
                        "the Families First Advocacy Network. \u201cRemoving names is welcome, "
                        "but people still cannot find out whether they are on it.\u201d",
                    ),
                    ("h", "Data sharing"),
                    (
                        "p",
                        "FOI responses from London boroughs show that extracts of the "
                        "Matrix have been shared with council youth offending and housing "
                        "teams under information sharing agreements.",
                    ),
                ),
                nav=LEDGER_NAV,
                byline="By Jonah Pilkington, Home Affairs Correspondent",
                standfirst="Figures released under FOI show the number of people on the "
                "police database has fallen, but the scoring criteria remain secret",
                related=(
                    "Councils turn to predictive analytics to flag children at risk",
                    "Explainer: section 31 and police data",
                ),
                footer_links=LEDGER_FOOTER,
                colour="#8b0000",
            ),
            published=D(2019, 4, 9),
            tags=("Gangs Matrix", "s31", "news"),
        )
    )

    out.append(
        Sample(
            "2023-03-wandsworth-privacy-notice-fraud-data-matching.html",
            "html",
            "Privacy notice: fraud prevention and data matching — Wandsworth Council",
            "web",
            "Wandsworth Council",
            WebPage(
                "council",
                "Wandsworth Council",
                "Privacy notice: fraud prevention and data matching",
                D(2023, 3, 1),
                (
                    (
                        "p",
                        "This notice explains how we use your personal information to "
                        "prevent and detect fraud, including in council tax discounts, "
                        "housing, blue badges and benefits.",
                    ),
                    ("h", "National Fraud Initiative"),
                    (
                        "p",
                        "We are required by law to protect the public funds we "
                        "administer. We take part in the Cabinet Office's National Fraud "
                        "Initiative, a data matching exercise. We provide sets of data, such "
                        "as council tax, electoral register, housing tenants and payroll, for "
                        "matching against data from other public bodies. Data matching by the "
                        "Cabinet Office is subject to a Code of Practice.",
                    ),
                    ("h", "Credit reference agency checks"),
                    (
                        "p",
                        "We use TransUnion, a credit reference agency, to check whether "
                        "people receiving a single person discount on their council tax appear "
                        "to be living with another adult. TransUnion compares our records with "
                        "credit and public data it holds and gives each account a likelihood "
                        "rating. A rating is not a decision: an officer reviews every case and "
                        "contacts the account holder before any discount is removed.",
                    ),
                    (
                        "table",
                        [
                            ["Activity", "Data shared", "With", "Lawful basis"],
                            [
                                "National Fraud Initiative",
                                "Council tax, payroll, housing, electoral register",
                                "Cabinet Office",
                                "Legal obligation",
                            ],
                            [
                                "Single person discount review",
                                "Name, address, account number",
                                "TransUnion",
                                "Public task",
                            ],
                            [
                                "Housing tenancy fraud checks",
                                "Tenant name and address",
                                "Experian",
                                "Public task",
                            ],
                        ],
                    ),
                    ("h", "How long we keep it"),
                    (
                        "p",
                        "Results of data matching are kept for up to six years, or longer "
                        "where a fraud investigation is ongoing.",
                    ),
                ),
                nav=(
                    "Home",
                    "Council tax",
                    "Housing",
                    "Parking",
                    "Bins and recycling",
                    "Planning",
                    "Council and elections",
                ),
                breadcrumbs=("Home", "Council and elections", "Data protection", "Privacy notices"),
                related=(
                    "Report fraud",
                    "Council tax discounts",
                    "Data protection and your rights",
                ),
                footer_links=COUNCIL_FOOTER,
                colour="#1f4e79",
            ),
            published=D(2023, 3, 1),
            tags=(
                "TransUnion",
                "Experian",
                "National Fraud Initiative",
                "fraud analytics",
                "privacy",
            ),
        )
    )

    out.append(
        Sample(
            "2024-02-nottinghamshire-healthcare-foi-federated-data-platform.html",
            "html",
            "FOI 2024-0087: NHS Federated Data Platform (Palantir) — Nottinghamshire Healthcare "
            "NHS Foundation Trust disclosure log",
            "foi",
            "Nottinghamshire Healthcare NHS Foundation Trust",
            WebPage(
                "council",
                "Nottinghamshire Healthcare NHS Foundation Trust",
                "FOI 2024-0087: NHS Federated Data Platform",
                D(2024, 2, 6),
                (
                    (
                        "kv",
                        [
                            ("Reference", "FOI 2024-0087"),
                            ("Date of response", "23 January 2024"),
                            ("Published", "6 February 2024"),
                            ("Category", "Information technology"),
                        ],
                    ),
                    ("h", "Request"),
                    (
                        "request",
                        "Has the Trust signed up to the NHS Federated Data Platform "
                        "supplied by Palantir? What data will be processed, has a DPIA been "
                        "completed, and what is the cost to the Trust?",
                    ),
                    ("h", "Response"),
                    (
                        "p",
                        "The Trust has not yet adopted the Federated Data Platform. It is "
                        "considering the platform for theatre scheduling and waiting list "
                        "management; no decision has been made. No patient data has been "
                        "processed on the platform by or for the Trust.",
                    ),
                    (
                        "p",
                        "A DPIA has not been completed, as no processing is taking place; "
                        "this part of the request is information not held. The Trust would "
                        "complete a DPIA before any adoption.",
                    ),
                    (
                        "p",
                        "There is no direct cost to the Trust: the platform contract is "
                        "held by NHS England. Questions about the national contract with "
                        "Palantir Technologies UK should be directed to NHS England.",
                    ),
                ),
                nav=(
                    "Home",
                    "Our services",
                    "Patients and carers",
                    "About us",
                    "Work for us",
                    "Freedom of Information",
                ),
                breadcrumbs=("Home", "About us", "Freedom of Information", "Disclosure log"),
                related=(
                    "Make a Freedom of Information request",
                    "Publication scheme",
                    "Data protection",
                ),
                footer_links=(
                    "Accessibility",
                    "Cookies",
                    "Privacy",
                    "Modern slavery statement",
                    "Contact us",
                ),
                colour="#005eb8",
            ),
            published=D(2024, 2, 6),
            received=D(2024, 1, 23),
            reference="FOI 2024-0087",
            tags=("Palantir", "Federated Data Platform", "NHS", "information not held"),
        )
    )

    out.append(
        Sample(
            "2022-11-northern-review-lift-supporting-families.html",
            "html",
            "The dashboards that decide who gets help — Northern Public Affairs Review",
            "media",
            "Northern Public Affairs Review (fictional outlet)",
            WebPage(
                "news",
                "Northern Public Affairs Review",
                "The dashboards that decide who gets help",
                D(2022, 11, 14),
                (
                    (
                        "p",
                        "As the cost of living rises, councils across the north of "
                        "England are using data dashboards to decide which households to "
                        "contact first about support with bills, food and fuel.",
                    ),
                    (
                        "p",
                        "Many use the Low Income Family Tracker (LIFT), a product from "
                        "Policy in Practice that combines housing benefit and council tax "
                        "support records to estimate each household's monthly shortfall. "
                        "Councils say it helps them reach people who would not otherwise "
                        "apply; critics say households are rarely told that their records "
                        "are being analysed.",
                    ),
                    (
                        "p",
                        "Freedom of Information responses gathered by this publication "
                        "show annual licence costs ranging from about £15,000 to £60,000. "
                        "Several councils also reported using the same data to identify "
                        "families for the Supporting Families programme, the successor to "
                        "Troubled Families, whose payment-by-results model rewards councils "
                        "for evidenced outcomes.",
                    ),
                    (
                        "p",
                        "\u201cThe question is not whether to use data but who gets to see "
                        "how it is used,\u201d said Dr Amara Lindgren, a researcher who "
                        "studies welfare technology. \u201cA dashboard is only as fair as the "
                        "records that feed it.\u201d",
                    ),
                    (
                        "p",
                        "Some councils told us they held no information at all on LIFT, "
                        "while one refused part of a request under section 12, the cost "
                        "limit.",
                    ),
                ),
                nav=(
                    "Front page",
                    "Politics",
                    "Councils",
                    "Economy",
                    "Health",
                    "Data desk",
                    "Podcasts",
                    "Subscribe",
                ),
                byline="By Maya Castellano",
                standfirst="Councils are mining benefit records to target cost-of-living "
                "support. Do residents know?",
                related=("Explainer: Supporting Families", "Council tax support schemes compared"),
                footer_links=("About us", "Editorial standards", "Privacy", "Advertise", "Contact"),
                colour="#24476b",
            ),
            published=D(2022, 11, 14),
            tags=("Policy in Practice", "LIFT", "Supporting Families", "Troubled Families", "news"),
        )
    )
    return out


def _sent(y: int, mo: int, d: int, h: int, mi: int) -> datetime:
    """A UK local time, as mail clients stamp it (BST in summer)."""
    summer = 4 <= mo <= 10
    return datetime(y, mo, d, h, mi, tzinfo=timezone(timedelta(hours=1 if summer else 0)))


def _emails_and_bundles() -> list[Sample]:
    out: list[Sample] = []

    sheffield_letter = Letter(
        SHEFFIELD,
        "FOI/2021/3381 — Low Income Family Tracker",
        D(2021, 8, 9),
        "FOI/2021/3381",
        (
            (
                "request",
                "1. Does the council hold a contract with Policy in Practice for the "
                "Low Income Family Tracker (LIFT)? 2. What is its value? 3. How many households "
                "are included in the dashboard? 4. Has the dashboard been used to target "
                "communications to residents, and if so which campaigns?",
            ),
            (
                "p",
                "1. Yes. The council has a contract with Policy in Practice Ltd for LIFT, "
                "awarded through G-Cloud 11 in March 2020 for two years with an option to extend "
                "by one year.",
            ),
            ("p", "2. The contract value is £49,500 a year (excluding VAT)."),
            (
                "p",
                "3. The dashboard is refreshed monthly from the council's housing benefit "
                "and council tax support data, held in the Northgate system. At the July 2021 "
                "refresh it included 51,316 households.",
            ),
            ("p", "4. Yes. The dashboard has been used to identify households for:"),
            (
                "ul",
                [
                    "Pension Credit take-up letters (2,140 households, January 2021)",
                    "Covid Winter Grant Scheme direct awards (8,922 households, December 2020)",
                    "Discretionary Housing Payment invitations (611 households, May 2021)",
                ],
            ),
            (
                "p",
                "Households are not given a score. The dashboard estimates a household's "
                "income shortfall and eligibility for unclaimed benefits; officers decide whom "
                "to contact.",
            ),
            (
                "p",
                "If you are dissatisfied with the handling of your request, you may ask "
                "for an internal review within 40 working days.",
            ),
        ),
        to=("Ms E. Brightwater",),
        salutation="Dear Ms Brightwater",
        subject="Freedom of Information request FOI/2021/3381",
        signer="Joanna Pettifer",
        signer_role=("Information Management Officer",),
    )
    out.append(
        Sample(
            "2021-08-sheffield-foi-response-lift.eml",
            "eml",
            "Sheffield City Council FOI/2021/3381: Policy in Practice LIFT contract and campaigns "
            "(e-mail with PDF response)",
            "foi",
            "Sheffield City Council",
            Email(
                "Sheffield City Council FOI Team <foi@sheffield.example>",
                "Eleanor Brightwater <requests+e.brightwater@foi-requester.example>",
                "FOI/2021/3381 - Response - Low Income Family Tracker",
                _sent(2021, 8, 9, 15, 42),
                "<foi-2021-3381.response@sheffield.example>",
                "Dear Ms Brightwater,\n\n"
                "Please find attached the council's response to your Freedom of Information "
                "request FOI/2021/3381 about the Low Income Family Tracker (LIFT) supplied by "
                "Policy in Practice.\n\n"
                "In summary: the council holds a contract with Policy in Practice for LIFT "
                "worth £49,500 a year, the dashboard covered 51,316 households in July 2021, "
                "and it has been used to target Pension Credit and Covid Winter Grant "
                "communications. Details are in the attached letter.\n\n"
                "Kind regards,\n\n"
                "Joanna Pettifer\nInformation Management Officer\nSheffield City Council\n\n"
                "--\nSample document generated for the Data Scores demo — fictional content.\n",
                (Attachment("FOI-2021-3381-response.pdf", "pdf", sheffield_letter),),
                html_alternative=True,
                in_reply_to="<request-3381@foi-requester.example>",
            ),
            received=D(2021, 8, 9),
            reference="FOI/2021/3381",
            tags=("Policy in Practice", "LIFT", "Northgate", "email", "attachment"),
        )
    )

    gmp_letter = Letter(
        GMP,
        "Freedom of Information Request 20/0412",
        D(2020, 2, 26),
        "20/0412",
        (
            (
                "request",
                "Does GMP have, or has it had, any contract or trial with Palantir "
                "Technologies? Please provide the value and purpose of each, and any data "
                "protection impact assessment.",
            ),
            (
                "p",
                "Greater Manchester Police can neither confirm nor deny that it holds the "
                "information you have requested, by virtue of the following exemptions:",
            ),
            (
                "table",
                [
                    ["Exemption", "Section", "Type"],
                    ["Law enforcement", "31(3)", "Qualified — public interest test applied"],
                    ["National security", "24(2)", "Qualified — public interest test applied"],
                    [
                        "Information supplied by, or concerning, certain security bodies",
                        "23(5)",
                        "Absolute",
                    ],
                ],
            ),
            ("h", "Harm in confirming or denying"),
            (
                "p",
                "Confirming or denying whether GMP uses a particular analytical platform "
                "would reveal information about the force's capabilities. If forces answered "
                "such requests differently, a picture of national capability could be built up "
                "by comparing responses (the 'mosaic effect').",
            ),
            ("h", "Public interest"),
            (
                "p",
                "There is a public interest in knowing how police forces spend public money "
                "and use personal data. However, the public interest in protecting policing "
                "capabilities outweighs it in this case.",
            ),
            (
                "p",
                "For information, GMP's published contracts over £25,000 are listed on "
                "Contracts Finder. This signposting is provided under section 16 and should not "
                "be read as confirmation that any relevant contract exists.",
            ),
        ),
        to=("Mr B. Ostrowski",),
        salutation="Dear Mr Ostrowski",
        subject="Freedom of Information Request 20/0412",
        closing="Yours sincerely",
        signer="Owen Mallory",
        signer_role=("Disclosure Officer", "Information Compliance and Records Management Unit"),
    )
    out.append(
        Sample(
            "2020-02-gmp-foi-response-palantir-ncnd.eml",
            "eml",
            "Greater Manchester Police FOI 20/0412: Palantir — neither confirm nor deny (e-mail "
            "with DOCX response)",
            "foi",
            "Greater Manchester Police",
            Email(
                "GMP Freedom of Information <foi@gmp.police.example>",
                "Bartosz Ostrowski <b.ostrowski@newsroom.example>",
                "RE: Freedom of Information Request 20/0412 [OFFICIAL]",
                _sent(2020, 2, 26, 10, 5),
                "<20-0412.final@gmp.police.example>",
                "Classification: OFFICIAL\n\n"
                "Dear Mr Ostrowski,\n\n"
                "Freedom of Information Request Reference No: 20/0412\n\n"
                "I write in connection with your request for information about Palantir "
                "Technologies, received on 29 January 2020. Please see the attached letter "
                "for our response: Greater Manchester Police can neither confirm nor deny "
                "whether the information is held, under sections 31(3), 24(2) and 23(5) of "
                "the Freedom of Information Act 2000.\n\n"
                "Yours sincerely,\n\nOwen Mallory\nDisclosure Officer\n\n"
                "This e-mail and any attachments are intended solely for the addressee.\n"
                "--\nSample document generated for the Data Scores demo — fictional content.\n",
                (Attachment("20-0412 Response.docx", "docx", gmp_letter),),
            ),
            received=D(2020, 2, 26),
            reference="20/0412",
            tags=("Palantir", "NCND", "s31", "s24", "s23", "email", "attachment"),
        )
    )

    surrey_book = Workbook(
        "FOI 24-1733 — children's services data and analytics spend",
        "Surrey County Council — Information Governance (fictional sample)",
        D(2024, 7, 2),
        (
            Sheet(
                "Spend 2019-2024",
                "FOI 24-1733: payments for children's services data, analytics and "
                "transformation, 2019/20 to 2023/24",
                (
                    "Supplier",
                    "Purpose",
                    "2019/20 (£)",
                    "2020/21 (£)",
                    "2021/22 (£)",
                    "2022/23 (£)",
                    "2023/24 (£)",
                ),
                (
                    (
                        "Liquidlogic Ltd",
                        "LCS and EHM case management",
                        402_100,
                        411_300,
                        418_950,
                        431_500,
                        446_200,
                    ),
                    (
                        "Capita Business Services Ltd",
                        "Capita ONE education system",
                        188_400,
                        191_200,
                        0,
                        0,
                        0,
                    ),
                    (
                        "Servelec Education",
                        "Synergy education system (replaced Capita ONE)",
                        0,
                        96_000,
                        142_700,
                        146_900,
                        151_300,
                    ),
                    (
                        "Ernst & Young LLP",
                        "Children's services improvement programme",
                        0,
                        612_000,
                        240_500,
                        0,
                        0,
                    ),
                    ("Deloitte LLP", "Demand modelling for placements", 0, 0, 0, 184_000, 0),
                    (
                        "Qlik Technologies UK Ltd",
                        "Performance dashboards",
                        31_200,
                        31_200,
                        32_800,
                        34_400,
                        0,
                    ),
                    ("Microsoft Ltd", "Power BI licences (replaced Qlik)", 0, 0, 0, 6_100, 24_900),
                ),
                (34, 48, 14, 14, 14, 14, 14),
                (2, 3, 4, 5, 6),
                (
                    "Figures are payments excluding VAT, by financial year.",
                    "No predictive analytics or risk scoring product is used in children's "
                    "services; the Deloitte model forecast placement numbers, not individuals.",
                ),
            ),
        ),
    )
    out.append(
        Sample(
            "2024-07-surrey-foi-response-childrens-analytics-spend.eml",
            "eml",
            "Surrey County Council FOI 24-1733: children's services analytics spend (e-mail with "
            "XLSX)",
            "foi",
            "Surrey County Council",
            Email(
                "Surrey County Council Information Governance <foi@surreycc.example>",
                "Hamid Qureshi <hq@accountability-project.example>",
                "Freedom of Information request FOI 24-1733 - response",
                _sent(2024, 7, 2, 9, 17),
                "<FOI-24-1733.20240702@surreycc.example>",
                "Dear Mr Qureshi,\n\n"
                "Thank you for your request of 4 June 2024 for details of the council's "
                "payments to suppliers of children's services data, analytics and "
                "transformation work (including Liquidlogic, Capita, EY and Deloitte) since "
                "2019.\n\n"
                "The information is attached as a spreadsheet. The council does not use any "
                "predictive analytics or risk scoring product in children's services.\n\n"
                "If you are unhappy with the way your request has been handled you can ask "
                "for an internal review within 40 working days.\n\n"
                "Regards,\n\nHarriet Lomax\nInformation Governance Officer\n\n"
                "--\nSample document generated for the Data Scores demo — fictional content.\n",
                (Attachment("FOI 24-1733 spend.xlsx", "xlsx", surrey_book),),
            ),
            received=D(2024, 7, 2),
            reference="FOI 24-1733",
            tags=("Liquidlogic", "Capita", "EY", "Deloitte", "Qlik", "email", "attachment"),
        )
    )

    out.append(
        Sample(
            "2015-06-liverpool-foi-clarification-data-analytics.eml",
            "eml",
            "Liverpool City Council FOI 657214: request for clarification — data analytics and "
            "profiling",
            "foi",
            "Liverpool City Council",
            Email(
                "Liverpool City Council FOI <foi@liverpool.example>",
                "Nia Templeton <nia.templeton@foi-requester.example>",
                "Your Freedom of Information request 657214 - clarification required",
                _sent(2015, 6, 3, 11, 28),
                "<657214.clarify@liverpool.example>",
                "Dear Ms Templeton,\n\n"
                "Freedom of Information request 657214\n\n"
                "Thank you for your request received on 27 May 2015, in which you asked for "
                "'all information about the council's use of data analytics, data mining or "
                "profiling of residents'.\n\n"
                "Under section 1(3) of the Freedom of Information Act 2000 we need further "
                "information to identify and locate the information you want. The council "
                "uses data analysis in almost every service, from highways maintenance to "
                "public health, and a request for all information would exceed the cost "
                "limit under section 12.\n\n"
                "It would help us if you could tell us:\n"
                "  - which service areas you are interested in (for example children's "
                "services, revenues and benefits, or community safety);\n"
                "  - whether you are interested in tools that assess individual residents "
                "(such as risk scores or fraud flags) or in population-level analysis "
                "(such as Experian Mosaic or CACI Acorn segmentation);\n"
                "  - the period you would like us to cover.\n\n"
                "The 20 working day time limit will start again when we receive your "
                "clarification. If we do not hear from you within three months we will "
                "treat the request as withdrawn.\n\n"
                "Yours sincerely,\n\nStephen Garside\nInformation Governance Officer\n"
                "Liverpool City Council\n\n"
                "--\nSample document generated for the Data Scores demo — fictional content.\n",
                html_alternative=True,
            ),
            received=D(2015, 6, 3),
            reference="657214",
            tags=("clarification", "s12", "Experian Mosaic", "CACI Acorn", "email"),
        )
    )

    cardiff_ai = Letter(
        CARDIFF,
        "FOI 25-01187 — algorithmic tools and AI",
        D(2025, 5, 14),
        "FOI 25-01187",
        (
            (
                "request",
                "Please list every algorithmic tool, predictive model or artificial "
                "intelligence product the council uses to support decisions about individual "
                "residents, with the supplier, the service and whether an Algorithmic "
                "Transparency Recording Standard (ATRS) record has been published.",
            ),
            (
                "table",
                [
                    ["Tool", "Supplier", "Service", "Individual decisions?", "ATRS record"],
                    [
                        "Council tax single person discount review",
                        "TransUnion",
                        "Revenues",
                        "Flags accounts for officer review",
                        "In preparation",
                    ],
                    [
                        "Housing benefit risk-based verification",
                        "Capita",
                        "Benefits",
                        "Sets level of evidence required",
                        "Not published",
                    ],
                    [
                        "Speech-to-text for social work case notes",
                        "Microsoft (Copilot pilot)",
                        "Children's Services",
                        "No — drafting aid",
                        "Not published",
                    ],
                    [
                        "Customer contact chatbot",
                        "In-house",
                        "Contact centre",
                        "No — signposting only",
                        "Not published",
                    ],
                ],
            ),
            (
                "p",
                "The council does not use a predictive model to assess risk to children "
                "or adults. In 2018 the council considered the Early Help Profiling System "
                "from Xantura but did not proceed.",
            ),
            (
                "p",
                "The council is not yet required to publish ATRS records. It intends to "
                "publish records for the first two tools listed by March 2026.",
            ),
        ),
        to=("Mr O. Llewellyn",),
        salutation="Annwyl / Dear Mr Llewellyn",
        subject="Freedom of Information Act 2000 — request FOI 25-01187",
        closing="Yn gywir / Yours sincerely",
        signer="Rhian Pryce-Morgan",
        signer_role=("Information Governance Officer",),
    )
    cardiff_cases = Letter(
        CARDIFF,
        "FOI 25-01188 — social care case management",
        D(2025, 5, 14),
        "FOI 25-01188",
        (
            (
                "request",
                "What case management system does the council use for children's "
                "and adults' social care, when does the contract end, and what has it cost "
                "since 2020?",
            ),
            (
                "p",
                "The council uses the Welsh Community Care Information System (WCCIS), "
                "supplied under the national agreement. Costs are shown below.",
            ),
            (
                "table",
                [
                    ["Year", "Licence and support (£)", "Local development (£)"],
                    ["2020/21", "318,400", "41,000"],
                    ["2021/22", "326,900", "12,500"],
                    ["2022/23", "339,100", "0"],
                    ["2023/24", "352,700", "66,300"],
                    ["2024/25", "361,050", "8,200"],
                ],
            ),
            (
                "p",
                "The national agreement for WCCIS ends in 2026. The council is taking part "
                "in a national procurement for its replacement; suppliers under consideration "
                "are exempt from disclosure under section 43(2) while the procurement is live.",
            ),
        ),
        to=("Mr O. Llewellyn",),
        salutation="Dear Mr Llewellyn",
        subject="Freedom of Information Act 2000 — request FOI 25-01188",
        signer="Rhian Pryce-Morgan",
        signer_role=("Information Governance Officer",),
    )
    out.append(
        Sample(
            "2025-05-cardiff-foi-responses-bundle.zip",
            "zip",
            "Cardiff Council FOI 25-01187 and 25-01188: algorithmic tools and social care "
            "systems (ZIP of two responses)",
            "foi",
            "Cardiff Council",
            Bundle(
                (
                    Attachment("FOI 25-01187 algorithmic tools.pdf", "pdf", cardiff_ai),
                    Attachment("FOI 25-01188 case management.docx", "docx", cardiff_cases),
                )
            ),
            received=D(2025, 5, 14),
            reference="FOI 25-01187; FOI 25-01188",
            tags=("ATRS", "TransUnion", "Capita", "Xantura", "s43", "zip"),
        )
    )
    return out


SAMPLES: tuple[Sample, ...] = (
    *_letters(),
    *_word_documents(),
    *_spreadsheets(),
    *_web_pages(),
    *_emails_and_bundles(),
)
