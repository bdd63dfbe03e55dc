"""Measure tagger throughput: `python benchmarks/tagger.py [MB]`.

Builds the tagger from the data files and tags synthetic FOI-like pages (council
letters naming bodies, companies and systems amid ordinary prose) until MB megabytes
have been read; prints MB/s. No database needed.
"""

from __future__ import annotations

import random
import sys
import time

WORDS = [
    "the",
    "council",
    "holds",
    "information",
    "about",
    "data",
    "analytics",
    "used",
    "in",
    "children's",
    "services",
    "and",
    "adult",
    "social",
    "care",
    "we",
    "have",
    "considered",
    "your",
    "request",
    "under",
    "the",
    "freedom",
    "of",
    "information",
    "act",
    "section",
    "exemption",
    "applies",
    "public",
    "interest",
    "test",
    "risk",
    "scores",
    "predictive",
    "model",
    "dashboard",
    "families",
    "housing",
    "benefit",
    "council",
    "tax",
    "school",
    "attendance",
    "police",
    "referrals",
    "reports",
]
NAMES = [
    "Bristol City Council", "London Borough of Hackney", "Kent County Council", "DWP",
    "Experian Mosaic", "CACI Acorn", "Qlik Sense", "IBM i2 iBase", "Xantura", "Capita",
    "Information Commissioner's Office", "Durham Constabulary", "HART", "Mosaic", "KCC",
    "Manchester", "SPSS", "Excel spreadsheet", "foi@bristol.gov.uk", "Hackneyed",
]  # fmt: skip


def synthetic_pages(total_bytes: int, seed: int = 1) -> list[tuple[int, str]]:
    rnd = random.Random(seed)
    pages, size, n = [], 0, 0
    while size < total_bytes:
        words = []
        for _ in range(800):
            words.append(rnd.choice(NAMES) if rnd.random() < 0.02 else rnd.choice(WORDS))
            if rnd.random() < 0.08:
                words.append(".\n")
        text = " ".join(words)
        n += 1
        pages.append((n, text))
        size += len(text.encode())
    return pages


def main(megabytes: float = 20.0) -> None:
    import django

    django.setup()
    from datascores.entities.tagger import Tagger
    from datascores.entities.vocabulary import build_vocabulary

    t0 = time.perf_counter()
    tagger = Tagger(build_vocabulary())
    compile_s = time.perf_counter() - t0
    pages = synthetic_pages(int(megabytes * 1_000_000))
    size = sum(len(t.encode()) for _, t in pages)
    docs = [pages[i : i + 10] for i in range(0, len(pages), 10)]  # 10-page documents
    t0, c0 = time.perf_counter(), time.process_time()
    mentions = 0
    for doc in docs:
        mentions += len(tagger.tag(doc).mentions)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(
        f"vocabulary: {len(tagger.entities)} entities, {len(tagger.rules)} alias forms, "
        f"compiled in {compile_s * 1000:.0f} ms"
    )
    print(
        f"tagged {size / 1e6:.1f} MB in {len(docs)} documents in {secs:.2f} s: "
        f"{size / 1e6 / secs:.1f} MB/s wall, {size / 1e6 / cpu:.1f} MB/s per CPU second "
        f"({mentions} mentions)"
    )


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datascores.settings")
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20.0)
