#!/usr/bin/env python
"""Search benchmark: rebuild speed, query latency (all facets + top-20 snippets), scan speed.

    python benchmarks/search.py                     # 10k and 100k documents, embedded
    python benchmarks/search.py --docs 20000
    python benchmarks/search.py --backend osmem --docs 2000   # osmem: ~2 GB per 10k docs
    python benchmarks/search.py --docs 1000000 --index-dir /tmp/bench-1m --build-only
    python benchmarks/search.py --docs 1000000 --index-dir /tmp/bench-1m --only "rare term"

The corpus is synthetic: Zipf-distributed English-like text (real function and domain
words first, then pronounceable made-up words), about 5 KB per document over 1-4
pages, planted council, company and system names, and dates over 2010-2026.
Targets for the embedded backend at 100k documents on a 2-core machine: p95 <= 30 ms,
rebuild >= 3,000 docs/s, scan >= 100,000 ids/s; backend p95 <= 1.5x raw tantivy's (the
same compiled query, count, facets and stored fields on tantivy alone, no Python layer),
and, for the search with snippets, beside raw tantivy that also gives each hit a
snippet with its own SnippetGenerator. Also measured: counts-only searches
(size=0: total and facets), and scans that read each hit's display fields (what the
CSV export reads), with and without its first snippet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[0] = str(REPO)  # this file is called search.py: import the package, not itself

from search.backends.base import IndexDoc, SearchRequest  # noqa: E402

FUNCTION = [
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "this",
    "are",
    "or",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "they",
    "were",
    "there",
    "been",
    "one",
    "all",
    "we",
    "their",
    "has",
    "would",
    "when",
    "if",
    "so",
    "no",
    "will",
    "what",
    "can",
    "more",
    "out",
    "up",
    "about",
    "who",
    "them",
    "some",
    "could",
    "into",
    "than",
    "then",
    "its",
    "only",
    "other",
    "new",
    "over",
    "also",
    "time",
]
DOMAIN = [
    "data",
    "council",
    "system",
    "risk",
    "information",
    "children",
    "services",
    "support",
    "model",
    "report",
    "analysis",
    "social",
    "care",
    "housing",
    "public",
    "health",
    "local",
    "authority",
    "software",
    "contract",
    "policy",
    "assessment",
    "decision",
    "case",
    "team",
    "officer",
    "review",
    "process",
    "people",
    "work",
    "school",
    "young",
    "score",
    "scoring",
    "predictive",
    "analytics",
    "algorithm",
    "profiling",
    "families",
    "troubled",
    "benefit",
    "fraud",
    "verification",
    "tool",
    "pilot",
    "partner",
    "supplier",
    "licence",
    "procurement",
    "budget",
]
PHRASES = ["troubled families", "predictive analytics", "risk based verification"]
PLACES = [
    "Bristol",
    "Kent",
    "Leeds",
    "Hackney",
    "Manchester",
    "Camden",
    "Essex",
    "Surrey",
    "Norfolk",
    "Devon",
    "Cornwall",
    "York",
    "Sheffield",
    "Bradford",
    "Wakefield",
    "Sunderland",
    "Durham",
    "Cumbria",
    "Lancashire",
    "Cheshire",
    "Derby",
    "Nottingham",
    "Leicester",
    "Coventry",
    "Birmingham",
    "Walsall",
    "Dudley",
    "Solihull",
    "Oxford",
    "Cambridge",
    "Bath",
    "Swindon",
    "Reading",
    "Slough",
    "Luton",
    "Medway",
    "Thurrock",
    "Southend",
    "Brighton",
    "Hastings",
    "Croydon",
    "Barnet",
    "Ealing",
    "Brent",
    "Harrow",
    "Hounslow",
    "Merton",
    "Sutton",
    "Lambeth",
    "Lewisham",
    "Greenwich",
    "Newham",
    "Redbridge",
]
KINDS = ["City Council", "County Council", "Borough Council", "District Council"]


def make_vocabulary(rng: random.Random, size: int = 60_000) -> list[str]:
    onsets = [
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "j",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "w",
        "z",
        "bl",
        "br",
        "ch",
        "cr",
        "dr",
        "fl",
        "gr",
        "pl",
        "pr",
        "sh",
        "st",
        "th",
        "tr",
    ]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "io", "ou"]
    codas = ["", "", "n", "r", "s", "t", "l", "nd", "st", "ng"]
    seen = set(FUNCTION) | set(DOMAIN)
    words = FUNCTION + DOMAIN
    while len(words) < size:
        syllables = rng.choice((1, 2, 2, 3, 3, 4))
        w = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(syllables))
        w += rng.choice(codas)
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


class Corpus:
    """Deterministic synthetic documents; also knows words by frequency rank."""

    QUERY_TYPES = ("rare term", "common term", "two-term AND", "phrase", "prefix")

    def __init__(self, seed: int = 1):
        self.rng = random.Random(seed)
        self.vocab = make_vocabulary(self.rng)
        self.cum = list(itertools.accumulate(1 / (i + 1) ** 1.07 for i in range(len(self.vocab))))
        self.councils = [f"{p} {k}" for p in PLACES for k in KINDS]
        self.companies = [
            f"{w.title()} {s}"
            for w, s in zip(
                self.vocab[3000:3200],
                itertools.cycle(["Ltd", "plc", "Analytics", "Systems"]),
                strict=False,
            )
        ]
        self.systems = [w.title() for w in self.vocab[5000:5060]]
        self.c_cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(self.councils))))

    def text(self, n_words: int) -> str:
        words = self.rng.choices(self.vocab, cum_weights=self.cum, k=n_words)
        out = []
        for i in range(0, len(words), 14):
            sentence = words[i : i + 14]
            sentence[0] = sentence[0].capitalize()
            out.append(" ".join(sentence) + ".")
        return " ".join(out)

    def doc(self, i: int) -> IndexDoc:
        rng = self.rng
        n_pages = rng.choice((1, 2, 3, 4))
        pages = [(p + 1, self.text(780 // n_pages)) for p in range(n_pages)]
        councils = rng.choices(self.councils, cum_weights=self.c_cum, k=rng.choice((1, 1, 2)))
        companies = rng.sample(self.companies, rng.choice((0, 1, 1, 2)))
        systems = rng.sample(self.systems, rng.choice((0, 0, 1)))
        planted = councils[:1] + companies + systems
        for p in PHRASES:
            if rng.random() < 0.04:
                planted.append(p)
        for name in planted:  # names and phrases appear in the text too
            n, text = rng.choice(pages)
            cut = rng.randrange(len(text))
            pages[n - 1] = (n, f"{text[:cut]} {name} {text[cut:]}")
        date = (
            None
            if rng.random() < 0.05
            else dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(6000))
        )
        return IndexDoc(
            i,
            self.text(8).rstrip("."),
            pages,
            source_type=rng.choice(["foi", "web", "upload", "media"]),
            file_type=rng.choice(["pdf", "pdf", "docx", "html", "xlsx"]),
            foi_status=rng.choice(["successful", "partially_successful", "refused", ""]),
            date=date,
            councils=councils,
            companies=companies,
            systems=systems,
        )

    def docs(self, n: int) -> list[IndexDoc]:
        return [self.doc(i) for i in range(1, n + 1)]

    def queries(self) -> dict[str, list[str]]:
        v = self.vocab
        rng = random.Random(5)
        mid = v[300:2000]
        return {
            "rare term": v[20_000:40_000:1000],
            "common term": ["data", "council", "risk", "children", "system", "services"],
            "two-term AND": [
                f"{a} {b}" for a, b in zip(rng.sample(mid, 20), rng.sample(mid, 20), strict=True)
            ],
            "phrase": [f'"{p}"' for p in PHRASES] + ['"social care"', '"local authority"'],
            "prefix": ["analy*", "scor*", "predict*", "famil*", "counc*"]
            + [f"{w[:3]}*" for w in v[500:505]],
        }


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    import tantivy

    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GB RAM; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; tantivy {tantivy.__version__}"
    )


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def open_backend(kind: str, workdir: Path):
    if kind == "embedded":
        from search.backends.embedded import EmbeddedBackend

        return EmbeddedBackend(workdir / "index"), None
    from osmem_server import OsmemServer

    from search.backends.elasticsearch import ElasticsearchBackend
    from tests.search.es_node import PlainJsonNode

    server = OsmemServer.start(japanese=False)
    return ElasticsearchBackend(server.url, "bench", node_class=PlainJsonNode), server


def raw_tantivy(backend, query: str, size: int = 20, snippets: bool = False):
    """The same search done by tantivy alone: the compiled query, top hits with the
    total, the same facet aggregation, and the hits' stored display data; no Python
    layer (parsing, facet ordering, JSON, snippets). With ``snippets``, also what
    tantivy's own SnippetGenerator needs to give each hit one snippet of its text: the
    page texts read by id, and the generator run over them. Returns a callable to time."""
    import tantivy

    from search.backends import compile_tantivy as ct
    from search.backends import embedded as emb
    from search.backends.base import FACETS

    view = backend._searchers()
    searcher, pages = view.searcher, view.page_searcher()
    request = SearchRequest(query, size=size)
    q = ct.compile_query(request.parsed.node, ct.Expander.from_searcher(searcher))
    aggs = {}
    for f in FACETS:
        aggs.update(emb._facet_aggs(f, request))

    def run():
        found = searcher.search(q, size, count=True)
        searcher.aggregate(q, aggs)
        for _, address in found.hits:
            searcher.doc(address)
        if snippets:
            ids = searcher.fast_field_values("id", [a for _, a in found.hits])
            texts = emb._page_texts(pages, ids)
            generator = tantivy.SnippetGenerator.create(searcher, q, ct.SCHEMA, "text")
            for i in ids:
                page_texts = [t for _, t in texts.get(i, [])]
                generator.snippet_from_doc(tantivy.Document(text=page_texts)).to_html()
        return found.count

    return run


def forget(backend) -> None:
    """Drop the embedded backend's cached facet counts (cold measurements)."""
    cache = getattr(backend, "_facet_cache", None)
    if cache is not None:
        cache.clear()


IN_MEMORY = 200_000  # documents generated before the rebuild is timed (about 1 GB)


def build_index(backend, corpus: Corpus, n_docs: int, workdir: Path) -> str:
    """Rebuild, timed on its own: up to IN_MEMORY documents are generated first (making
    one costs about 0.4 ms of CPU, more than indexing it, and the writer's threads index
    while the generator runs, so a streamed time is the generator's); above that they are
    streamed and the row says the time includes generating them."""
    marker = workdir / f"built-{n_docs}"
    if marker.exists():
        return marker.read_text()
    if n_docs <= IN_MEMORY:
        docs = [corpus.doc(i) for i in range(1, n_docs + 1)]
        what = "rebuild (documents generated beforehand)"
    else:
        docs = (corpus.doc(i) for i in range(1, n_docs + 1))
        what = "generate + rebuild (streamed)"
    t = time.perf_counter()
    backend.rebuild(docs)
    rebuild_s = time.perf_counter() - t
    del docs
    size = f"{dir_size(workdir) / 2**20:,.0f} MB"
    row = (
        f"| {n_docs:,} | {what} | {n_docs / rebuild_s:,.0f} docs/s "
        f"| {rebuild_s:,.0f} s | index {size} |"
    )
    marker.write_text(row)
    return row


def measure_queries(backend, kind: str, n_docs: int, category: str, queries, repeats) -> str:
    """One row: a query type's latency (cold facet counts, 3 snippets), and beside it
    the same searches repeated (facet counts cached), without snippets, and by raw
    tantivy without and with its SnippetGenerator, interleaved query by query."""
    for q in queries:  # warm up: first touch of each term's postings
        backend.search(SearchRequest(q, size=20, snippets=3))
    times, bare, raw, raw_snippets, totals, cached = [], [], [], [], [], []
    raws = [raw_tantivy(backend, q) for q in queries] if kind == "embedded" else []
    raws_snippets = (
        [raw_tantivy(backend, q, snippets=True) for q in queries] if kind == "embedded" else []
    )

    def ours(q: str) -> None:
        forget(backend)  # cold: facet counts computed, as for a new query
        t = time.perf_counter()
        result = backend.search(SearchRequest(q, size=20, snippets=3))
        times.append((time.perf_counter() - t) * 1000)
        totals.append(result.total)
        t = time.perf_counter()  # the same query again: facet counts cached
        backend.search(SearchRequest(q, size=20, snippets=3))
        cached.append((time.perf_counter() - t) * 1000)
        forget(backend)
        t = time.perf_counter()
        backend.search(SearchRequest(q, size=20, snippets=0))
        bare.append((time.perf_counter() - t) * 1000)

    def theirs(i: int) -> None:
        t = time.perf_counter()
        raws[i]()
        raw.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        raws_snippets[i]()
        raw_snippets.append((time.perf_counter() - t) * 1000)

    for repeat in range(repeats):
        for i, q in enumerate(queries):
            # Whichever runs second finds the query's postings and stored blocks in the
            # CPU caches the first warmed (worth ~0.1 ms of 0.4 at 100k), so the backend
            # and raw tantivy take turns at going first.
            if raws and repeat % 2:
                theirs(i)
            ours(q)
            if raws and not repeat % 2:
                theirs(i)
    ratio = ""
    if raw:
        r95, b95, s95 = (percentile(x, 0.95) for x in (raw, bare, raw_snippets))
        r50, b50 = statistics.median(raw), statistics.median(bare)
        ratio = (
            f" raw tantivy p95 {r95:.2f} ms (median {r50:.2f}); backend "
            f"without snippets p95 {b95:.2f} ms (median {b50:.2f}) = "
            f"{b95 / r95:.2f}x raw (medians {b50 / r50:.2f}x), "
            f"with 3 snippets {percentile(times, 0.95) / r95:.2f}x raw; raw tantivy with "
            f"its SnippetGenerator (1 per hit) p95 {s95:.2f} ms = backend with 3 snippets "
            f"{percentile(times, 0.95) / s95:.2f}x that; "
            f"repeated (facets cached) p95 {percentile(cached, 0.95):.2f} ms"
        )
    return (
        f"| {n_docs:,} | {category} | median {statistics.median(times):.2f} ms "
        f"| p95 {percentile(times, 0.95):.2f} ms "
        f"| median hits {statistics.median(totals):,.0f};{ratio} |"
    )


def measure_counts(backend, n_docs: int, queries, repeats) -> str:
    """Counts only (size=0: total and facets), cold."""
    times = []
    for _ in range(repeats):
        for q in queries:
            forget(backend)
            t = time.perf_counter()
            backend.search(SearchRequest(q, size=0))
            times.append((time.perf_counter() - t) * 1000)
    return (
        f"| {n_docs:,} | common term, counts only (size=0), cold "
        f"| median {statistics.median(times):.1f} ms | p95 {percentile(times, 0.95):.1f} ms | |"
    )


def measure_scans(backend, n_docs: int):
    scans = (
        ("scan all", "", False, 0, "ids"),
        ("scan 'data'", "data", False, 0, "ids"),
        ("scan 'data', display fields", "data", True, 0, "rows"),
        ("scan 'data', fields + first snippet", "data", True, 1, "rows"),
    )
    for label, q, fields, snippets, unit in scans:
        t = time.perf_counter()
        n = sum(1 for _ in backend.scan(SearchRequest(q, snippets=snippets), fields=fields))
        s = time.perf_counter() - t
        yield f"| {n_docs:,} | {label} | {n / s:,.0f} {unit}/s | | {n:,} {unit} |"


def run(
    n_docs: int,
    kind: str,
    repeats: int,
    index_dir: Path | None = None,
    only: list[str] | None = None,
) -> list[str]:
    """Build (or reuse) the index and measure; ``only``: just these query types (no
    counts-only or scan rows)."""
    corpus = Corpus(seed=n_docs)
    workdir = index_dir or Path(tempfile.mkdtemp(prefix="ds-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    backend, server = open_backend(kind, workdir)
    rows = []
    try:
        rows.append(build_index(backend, corpus, n_docs, workdir))
        print(rows[-1], flush=True)
        queries_by_type = corpus.queries()
        for category, queries in queries_by_type.items():
            if only and category not in only:
                continue
            rows.append(measure_queries(backend, kind, n_docs, category, queries, repeats))
            print(rows[-1], flush=True)
        if not only:
            rows.append(measure_counts(backend, n_docs, queries_by_type["common term"], repeats))
            print(rows[-1], flush=True)
            for row in measure_scans(backend, n_docs):
                rows.append(row)
                print(row, flush=True)
    finally:
        backend.close()
        if server is not None:
            server.close()
        if index_dir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backend", choices=["embedded", "osmem"], default="embedded")
    parser.add_argument("--repeats", type=int, default=20, help="Runs of each query.")
    parser.add_argument(
        "--index-dir",
        type=Path,
        help="Keep the index here and reuse it on the next run (one --docs value).",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(Corpus.QUERY_TYPES),
        help="Measure just these query types (no counts-only or scan rows).",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="Build (or keep) the index in --index-dir and stop: measure in a later run.",
    )
    args = parser.parse_args()
    if args.build_only and (args.index_dir is None or args.backend != "embedded"):
        parser.error("--build-only needs --index-dir and the embedded backend")
    print(f"Machine: {machine()}\nBackend: {args.backend}")
    rows = []
    for n in args.docs:
        if args.build_only:
            backend, _ = open_backend("embedded", args.index_dir)
            rows.append(build_index(backend, Corpus(seed=n), n, args.index_dir))
            backend.close()
            print(rows[-1], flush=True)
            continue
        rows += run(n, args.backend, args.repeats, args.index_dir, args.only)
    print("\n| docs | measure | result | | |\n|---:|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
