"""Usage: python tests/entities/split_blind.py BLIND.json OUT.json [...]

Turn a blind set ({"names": {kind: [surface forms]}}) into the test format
({"known": {kind: [canonical names]}, "unknown": {kind: [surface forms]}}) with the
vocabulary of the moment. Prints labels whose vocabulary kind differs for a manual look."""

import json
import re
import sys
from pathlib import Path

from datascores.entities.tagger import Tagger
from datascores.entities.vocabulary import build_vocabulary

SUFFIX = re.compile(
    r"(\s*\((UK|U\.K\.)\)|\s*\([A-Z0-9]{2,8}\)|\s+(UK|Ltd|Limited|plc|LLP|Inc|Corporation|Group))+\.?$",
    re.I,
)


def main(args: list[str]) -> None:
    tagger = Tagger(build_vocabulary())
    for path, out in zip(args[0::2], args[1::2], strict=True):
        split(tagger, Path(path), Path(out))


def split(tagger: Tagger, path: Path, out: Path) -> None:
    """Write ``path``'s documents to ``out`` with known and unknown labels."""
    ents = tagger.entities
    d = json.loads(path.read_text())
    for doc in d["documents"]:
        known, unknown = {}, {}
        mentions = tagger.tag([(1, doc["text"])]).mentions
        for kind, names in doc.pop("names").items():
            for n in names:
                assert n in doc["text"], (path, n)
                spans = [
                    (i, i + len(n)) for i in range(len(doc["text"])) if doc["text"].startswith(n, i)
                ]
                # Which entity the label is: the tagger's mention over the label's words in
                # this document when there is one (it picks between same-named entities by
                # context: 'Mosaic (Servelec ...)'); else the vocabulary's entry for the label
                # with at most a legal suffix, bracketed acronym or edition word left over.
                same = [
                    (0, 0, m.entity, False)
                    for m in mentions
                    if m.kind == kind
                    and m.rule != "vendor-in-name"
                    and 2 * (m.end - m.start) >= len(SUFFIX.sub("", n))
                    and any(m.start < e and s < m.end for s, e in spans)
                ]
                hits = [
                    h
                    for h in tagger.find(n)
                    if h[0] <= 4 and (h[1] - h[0]) >= 0.5 * len(n.rstrip(". "))
                ]
                if not same:
                    same = [h for h in hits if ents[h[2]].kind == kind]
                if (
                    kind == "system"
                ):  # earlier sets' convention: a vendor named in the product's name is labelled too
                    for m in mentions:
                        if m.rule == "vendor-in-name" and any(
                            m.start < e and s < m.end for s, e in spans
                        ):
                            known.setdefault("company", []).append(ents[m.entity].name)
                if same:
                    known.setdefault(kind, []).append(ents[same[0][2]].name)
                else:
                    if hits:
                        print(
                            "KIND?",
                            path,
                            kind,
                            n,
                            "->",
                            [(ents[h[2]].kind, ents[h[2]].name) for h in hits],
                        )
                    unknown.setdefault(kind, []).append(n)
        doc["known"] = {k: sorted(set(v)) for k, v in known.items()}
        doc["unknown"] = unknown
    out.write_text(json.dumps(d, indent=1, ensure_ascii=False) + "\n")
    print(path, "->", out)


if __name__ == "__main__":
    main(sys.argv[1:])
