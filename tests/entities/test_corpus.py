"""Precision and recall of the tagger on the real FOI corpus (../shared/corpus), against
labels.json. Skipped when the corpus is absent.

Text comes the way the pipeline gets it: sniff, extract, and OCR for the pages that have
no usable text layer. Each document is tagged with its file name as its title (as an
upload's title is). Labels are compared by entity: a label name is resolved through the
vocabulary (official name or alias, case-insensitively, apostrophes alike); a label name
the vocabulary does not know counts as missed. Gold authorities are the document's
``authorities`` plus ``authorities_mentioned`` (our "authorities" tag includes the issuer).

The labels count the Information Commissioner named in a response's appeal paragraph as
mentioned; the tagger deliberately makes no tag of names in appeal boilerplate. The
threshold applies to the tags; a second table, for information, also counts the names
the tagger recognised in boilerplate.
"""

from __future__ import annotations

import json

import pytest

from datascores.entities.tagger import AUTHORITY, COMPANY, SYSTEM, fold

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

THRESHOLD = 0.8


def _text_pages(path) -> list[tuple[int, str]]:
    from datascores.documents.extract import Context, extract
    from datascores.documents.sniff import sniff_mime

    data = path.read_bytes()
    mime = sniff_mime(data, path.name)
    ctx = Context(filename=path.name, mime_type=mime)
    result = extract(data, ctx)
    pages = {p.number: p.text for p in result.pages}
    need = [p.number for p in result.pages if p.needs_ocr]
    if need:
        try:
            from datascores.documents.ocr import ocr_pages
        except ImportError:  # no OCR available: those pages stay as extracted
            ocr_pages = None
        if ocr_pages is not None:
            for p in ocr_pages(data, mime, need, ctx):
                pages[p.number] = p.text
    return sorted(pages.items())


def _resolver(tagger):
    by_name: dict[tuple[str, str], list] = {}
    for key, info in tagger.entities.items():
        by_name.setdefault((info.kind, fold(info.name)), []).append(key)
    for rule in tagger.rules:
        kind = tagger.entities[rule.entity].kind
        by_name.setdefault((kind, fold(rule.text)), []).append(rule.entity)

    def resolve(kind: str, label: str, predicted: set):
        keys = by_name.get((kind, fold(label)), [])
        for k in keys:
            if k in predicted:
                return k
        return keys[0] if keys else f"unknown:{label}"

    return resolve


_PAGES: dict[str, list[tuple[int, str]]] = {}


@pytest.fixture(scope="module")
def corpus_results(tagger):
    from tests.conftest import CORPUS

    if not (CORPUS / "foi").is_dir():
        pytest.skip(f"real corpus not present at {CORPUS}")
    labels = json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
    rows = []
    for label in labels:
        path = CORPUS / "foi" / label["file"]
        pages = _text_pages(path)
        _PAGES[label["file"]] = pages
        result = tagger.tag(pages, title=path.name)
        rows.append((label, result))
    return rows


def _score(tagger, rows, *, boilerplate: bool = False):
    resolve = _resolver(tagger)
    table = {}
    misses: dict[str, list] = {AUTHORITY: [], COMPANY: [], SYSTEM: []}
    extras: dict[str, list] = {AUTHORITY: [], COMPANY: [], SYSTEM: []}
    for kind, fields in (
        (AUTHORITY, ("authorities", "authorities_mentioned")),
        (COMPANY, ("companies",)),
        (SYSTEM, ("systems",)),
    ):
        tp = fp = fn = 0
        for label, result in rows:
            found = result.mentions + (result.boilerplate if boilerplate else [])
            predicted = {m.entity for m in found if m.kind == kind}
            if kind == AUTHORITY and result.issuer is not None:
                predicted.add(result.issuer)
            gold = {resolve(kind, n, predicted) for f in fields for n in label[f]}
            tp += len(predicted & gold)
            fp += len(predicted - gold)
            fn += len(gold - predicted)
            extras[kind] += [(label["file"], tagger.entities[k].name) for k in predicted - gold]
            misses[kind] += [
                (label["file"], tagger.entities[k].name if k in tagger.entities else k)
                for k in gold - predicted
            ]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        table[kind] = (precision, recall, tp, fp, fn)
    return table, misses, extras


def test_precision_and_recall_on_the_corpus(tagger, corpus_results, capsys):
    table, misses, extras = _score(tagger, corpus_results)
    issuer_ok = sum(
        1
        for label, result in corpus_results
        if result.issuer is not None and tagger.entities[result.issuer].name in label["authorities"]
    )
    named, *_ = _score(tagger, corpus_results, boilerplate=True)
    with capsys.disabled():
        print("\n\nEntity tagging on the real FOI corpus (30 documents)")
        print(f"{'tags':<12}{'precision':>10}{'recall':>8}{'TP':>5}{'FP':>5}{'FN':>5}")
        for kind, (p, r, tp, fp, fn) in table.items():
            print(f"{kind:<12}{p:>10.3f}{r:>8.3f}{tp:>5}{fp:>5}{fn:>5}")
        print("names recognised, appeal boilerplate included:")
        for kind, (p, r, tp, fp, fn) in named.items():
            print(f"{kind:<12}{p:>10.3f}{r:>8.3f}{tp:>5}{fp:>5}{fn:>5}")
        print(f"issuing authority correct: {issuer_ok}/{len(corpus_results)}")
        for kind in table:
            if extras[kind]:
                print(f"  {kind} not in labels: {extras[kind]}")
            if misses[kind]:
                print(f"  {kind} missed: {misses[kind]}")
    for kind, (p, r, *_counts) in table.items():
        assert p >= THRESHOLD, f"{kind} precision {p:.3f} below {THRESHOLD}"
        assert r >= THRESHOLD, f"{kind} recall {r:.3f} below {THRESHOLD}"
    assert issuer_ok >= 0.8 * len(corpus_results)


def test_candidates_per_document_on_the_corpus(tagger, corpus_results, capsys):
    """Discovery proposes a handful of names per document, not every capitalised phrase."""
    from datascores.entities.discovery import Discoverer

    def is_known(name):
        return any(s == 0 and e >= len(name.rstrip(". ")) for s, e, *_ in tagger.find(name))

    disc = Discoverer(is_known)
    counts = []
    with capsys.disabled():
        print("\n\nCandidates (names the vocabulary lacks) per corpus document")
        for label, result in corpus_results:
            known: dict[int, list] = {}
            vendors: dict[int, list] = {}
            systems: dict[int, list] = {}
            for m in [*result.mentions, *result.boilerplate]:
                known.setdefault(m.page, []).append((m.start, m.end))
                if m.kind == COMPANY:
                    vendors.setdefault(m.page, []).append((m.start, m.end))
                elif m.kind == SYSTEM:
                    systems.setdefault(m.page, []).append((m.start, m.end))
            cands = disc.discover(_PAGES[label["file"]], known, vendors, system_spans=systems)
            counts.append(len(cands))
            names = ", ".join(f"{c.name} [{c.kind}]" for c in cands[:8])
            print(f"  {len(cands):3}  {label['file'][:50]}: {names}")
        print(f"mean {sum(counts) / len(counts):.2f}, max {max(counts)}")
    assert sum(counts) / len(counts) <= 15
