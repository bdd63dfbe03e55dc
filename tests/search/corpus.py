"""The contract suite's fixture corpus, generated in code, and independent answers.

Hand-written documents carry the words the queries look for; filler documents are
made from a vocabulary that shares no word (or English stem) with those queries, so
which documents *should* match is computed here in plain Python, never by an engine.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter

from search.backends.base import FACETS, IndexDoc

COUNCILS = [
    "Bristol City Council",
    "Kent County Council",
    "Leeds City Council",
    "London Borough of Hackney",
    "Manchester City Council",
]
COMPANIES = ["Experian", "Xantura", "Capita", "Northgate"]
SYSTEMS = ["Mosaic", "OneView", "Signs of Safety"]
# Filler documents are tagged with names no test query uses: the default fields search
# tagged names too (a query naming a company finds the documents tagged with it).
FILLER_COMPANIES = ["Capita", "Northgate", "Civica", "Liberata"]
FILLER_SYSTEMS = ["Signs of Safety", "Liquidlogic", "Frameworki"]
SOURCE_TYPES = ["foi", "web", "upload", "media"]
FOI_STATUSES = ["successful", "partially_successful", "refused", ""]
FILE_TYPES = ["pdf", "docx", "html", "xlsx"]
FILLER = [
    "annual",
    "budget",
    "meeting",
    "minutes",
    "officer",
    "housing",
    "transport",
    "library",
    "parking",
    "waste",
    "planning",
    "agenda",
    "item",
    "members",
    "report",
    "review",
    "service",
    "district",
    "public",
    "health",
    "education",
    "school",
    "road",
    "park",
    "staff",
    "training",
    "policy",
    "update",
    "consultation",
    "response",
    "request",
    "information",
    "freedom",
    "act",
    "section",
    "exemption",
    "cabinet",
    "committee",
    "approved",
    "noted",
    "resolved",
    "quarter",
    "financial",
    "capital",
    "revenue",
    "grant",
    "funding",
    "support",
    "community",
    "residents",
]

WORD = re.compile(r"[^\W_]+")


def filler(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(FILLER) for _ in range(n)).capitalize() + "."


def planted() -> list[IndexDoc]:
    """Documents written for particular queries (ids 1-99)."""
    rng = random.Random(7)
    f = lambda n=30: filler(rng, n)  # noqa: E731
    return [
        IndexDoc(
            1,
            "Contract for risk scoring platform",
            [
                (
                    1,
                    "The council signed a contract with Experian for Mosaic profiling. "
                    "Risk scoring of households. " + f(),
                ),
                (2, f(60)),
                (3, "Predictive analytics are used by the council to rank families. " + f()),
            ],
            source_type="foi",
            file_type="pdf",
            foi_status="successful",
            date=dt.date(2019, 3, 4),
            councils=["Bristol City Council"],
            companies=["Experian"],
            systems=["Mosaic"],
            urls=["https://www.whatdotheyknow.com/request/risk_scoring"],
            sources=["https://www.whatdotheyknow.com/request/risk_scoring", "scoring.pdf"],
            request_id=4101,
            request_title="Risk scoring",
            request_url="https://www.whatdotheyknow.com/request/risk_scoring",
        ),
        IndexDoc(
            2,
            "Segmentation notes",
            [(1, f() + " Experian Mosaic groups residents by type. " + f())],
            source_type="web",
            file_type="html",
            date=dt.date(2017, 6, 1),
            councils=["Kent County Council"],
            companies=["Experian"],
            systems=["Mosaic"],
            availability="gone",  # the page it came from now answers 404
        ),
        IndexDoc(
            3,
            "Covid model",
            [(1, "Xantura built a covid risk model for the council. " + f())],
            source_type="media",
            file_type="pdf",
            date=dt.date(2020, 5, 20),
            councils=["London Borough of Hackney"],
            companies=["Xantura"],
            systems=["OneView"],
        ),
        IndexDoc(
            4,
            "Children's services analytics",
            [(1, "Xantura predictive analytics for children's services. " + f())],
            source_type="foi",
            file_type="docx",
            foi_status="partially_successful",
            date=dt.date(2018, 11, 2),
            councils=["London Borough of Hackney"],
            companies=["Xantura"],
            systems=["OneView"],
        ),
        IndexDoc(
            5,
            "Programme report",
            [(1, f() + " The troubled families programme began. " + f())],
            source_type="foi",
            file_type="pdf",
            foi_status="refused",
            date=dt.date(2015, 1, 15),
            councils=["Leeds City Council"],
        ),
        IndexDoc(
            6,
            "Reverse order",
            [(1, "Some families were troubled by the change. " + f())],
            source_type="web",
            file_type="html",
            date=dt.date(2016, 2, 1),
            councils=["Leeds City Council"],
        ),
        IndexDoc(
            7,
            "One word between",
            [(1, "Support for troubled working families. " + f())],
            source_type="upload",
            file_type="pdf",
            date=dt.date(2021, 7, 7),
        ),
        IndexDoc(
            8,
            "Far apart",
            [(1, "The troubled " + " ".join(FILLER[:12]) + " families moved. " + f())],
            source_type="upload",
            file_type="pdf",
            date=dt.date(2022, 8, 8),
        ),
        IndexDoc(
            9,
            "Contact details",
            [(1, "Please send an e-mail to the data team. " + f())],
            source_type="web",
            file_type="html",
            date=dt.date(2023, 1, 1),
        ),
        IndexDoc(
            10,
            "Post room",
            [(1, "The mail room was staffed by e and f shifts. " + f())],
            source_type="web",
            file_type="html",
            date=dt.date(2023, 1, 2),
        ),
        IndexDoc(
            11,
            "Consultant's note",
            [(1, "A report by O'Neill on scoring methods. " + f())],
            source_type="media",
            file_type="docx",
            date=dt.date(2019, 9, 9),
            councils=["Manchester City Council"],
        ),
        IndexDoc(
            12,
            "Software",
            [(1, "The model was written in C++ by contractors. " + f())],
            source_type="upload",
            file_type="docx",
            date=dt.date(2012, 4, 4),
        ),
        IndexDoc(
            13,
            "Data sharing agreement",
            [
                (1, f()),
                (
                    2,
                    "Data sharing <script>alert('xss')</script> agreement & analytics "
                    "<b>bold</b>. " + f(),
                ),
            ],
            source_type="foi",
            file_type="pdf",
            foi_status="successful",
            date=dt.date(2024, 2, 29),
            councils=["Manchester City Council"],
            companies=["Capita"],
        ),
        IndexDoc(
            14,
            "Pilot evaluation",
            [(1, f()), (2, f()), (3, f()), (4, "The chatbot pilot ended. " + f()), (5, f())],
            source_type="foi",
            file_type="pdf",
            foi_status="successful",
            date=dt.date(2020, 10, 10),
            councils=["Kent County Council"],
            companies=["Northgate"],
        ),
        IndexDoc(
            15,
            "Appendix",
            [(2, f()), (7, "An algorithm decides. " + f()), (9, f() + " The algorithm again.")],
            source_type="foi",
            file_type="xlsx",
            foi_status="refused",
            date=dt.date(2014, 3, 3),
            councils=["Bristol City Council"],
        ),
        IndexDoc(
            16,
            "Dashboard",
            [(1, "Risk scores and a scorecard for every household. " + f())],
            source_type="web",
            file_type="html",
            date=dt.date(2021, 12, 31),
            councils=["Leeds City Council"],
            systems=["Signs of Safety"],
        ),
        IndexDoc(
            17,
            "Algorithmic contract review",
            [(1, f() + " Nothing else here.")],
            source_type="upload",
            file_type="pdf",
            date=None,
        ),
        IndexDoc(
            18,
            "Undated memo",
            [(1, "Experion misspelt in this memo. " + f())],
            source_type="upload",
            file_type="docx",
            date=None,
            councils=["Bristol City Council"],
        ),
    ]


def filler_docs(n: int = 42, start: int = 100, seed: int = 11) -> list[IndexDoc]:
    """Documents with random metadata and filler text only."""
    rng = random.Random(seed)
    docs = []
    for i in range(start, start + n):
        date = (
            None
            if rng.random() < 0.1
            else dt.date(rng.randint(2010, 2025), rng.randint(1, 12), rng.randint(1, 28))
        )
        docs.append(
            IndexDoc(
                i,
                " ".join(rng.sample(FILLER, 3)).title(),
                [(p, filler(rng, 40)) for p in range(1, rng.randint(1, 4) + 1)],
                source_type=rng.choice(SOURCE_TYPES),
                file_type=rng.choice(FILE_TYPES),
                foi_status=rng.choice(FOI_STATUSES),
                date=date,
                councils=rng.sample(COUNCILS, rng.randint(0, 2)),
                companies=rng.sample(FILLER_COMPANIES, rng.randint(0, 2)),
                systems=rng.sample(FILLER_SYSTEMS, rng.randint(0, 1)),
            )
        )
    # An "analytics" document in every facet combination the facet tests look at.
    for doc in docs[::5]:
        doc.pages.append((len(doc.pages) + 1, "Performance analytics summary. " + filler(rng, 10)))
    return docs


def corpus() -> list[IndexDoc]:
    return planted() + filler_docs()


# --- independent answers ---------------------------------------------------------------


def words_of(doc: IndexDoc, *, title: bool = True) -> set[str]:
    """The words the default fields hold (text, title, names, references, file names),
    or with ``title=False`` the text's only."""
    text = " ".join(t for _, t in doc.pages)
    if title:
        text += " " + doc.title + " " + " ".join(doc.about())
    return {w.lower() for w in WORD.findall(text)}


def having(docs: list[IndexDoc], *forms: str, title: bool = True) -> set[int]:
    """Ids of documents containing any of these word forms."""
    wanted = {f.lower() for f in forms}
    return {d.id for d in docs if words_of(d, title=title) & wanted}


def facet_counts(docs: list[IndexDoc], facet: str) -> Counter:
    counts: Counter = Counter()
    for d in docs:
        counts.update(d.facet_values(facet))
    return counts


def expected_facets(
    docs: list[IndexDoc], match: set[int], filters: dict[str, list[str]]
) -> dict[str, Counter]:
    """Multi-select counts: each facet under every filter except its own."""
    out = {}
    for facet in FACETS:
        pool = [
            d
            for d in docs
            if d.id in match
            and all(set(d.facet_values(g)) & set(vals) for g, vals in filters.items() if g != facet)
        ]
        out[facet] = facet_counts(pool, facet)
    return out
