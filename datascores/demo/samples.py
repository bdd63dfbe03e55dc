"""The sample documents: realistic in shape, fictional in content.

The content lives in YAML files under ``data/`` (``orgs.yaml`` for who writes, then one
file per group of samples); this module reads them into the shapes of ``model.py``,
which ``corpus.py`` renders. A sample's ``kind`` says what its ``spec`` is: a letter for
pdf, scan and docx, a workbook for xlsx, a web page for html, an e-mail for eml and a
bundle of attachments for zip. Letters name their organisation by its key in
``orgs.yaml``; a block is ``{kind: payload}`` (see ``model.py``) or the word ``break``.

The bodies named are real UK public bodies and the suppliers are real firms that work in
this field, so that searches a journalist would run behave as they would on real
material; every figure, reference, date, officer and quotation is invented, and every
rendered file carries the notice in ``corpus.NOTICE``. Telephone numbers are from
Ofcom's ranges reserved for drama and e-mail domains end in ``.example``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .model import Attachment, Block, Bundle, Email, Letter, Org, Sample, Sheet, WebPage, Workbook

DATA = Path(__file__).with_name("data")
# The sample files, in the order the corpus lists them.
GROUPS = ("letters", "word", "spreadsheets", "web", "emails")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(name: str) -> Any:
    with (DATA / f"{name}.yaml").open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader (C or Python)


def _tuple(values) -> tuple:
    return tuple(values or ())


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _block(item) -> Block:
    if isinstance(item, str):
        return (item,)  # ("break",)
    ((kind, payload),) = item.items()
    return (kind, payload)


def _org(data: dict) -> Org:
    return Org(**{**data, "address": _tuple(data["address"])})


@cache
def orgs() -> dict[str, Org]:
    """Who writes the letters, by key."""
    return {key: _org(value) for key, value in _read("orgs").items()}


def _letter(data: dict) -> Letter:
    return Letter(
        **{
            **data,
            "org": orgs()[data["org"]],
            "date": _date(data["date"]),
            "blocks": tuple(_block(b) for b in data["blocks"]),
            "to": _tuple(data.get("to")),
            "signer_role": _tuple(data.get("signer_role")),
        }
    )


def _sheet(data: dict) -> Sheet:
    return Sheet(
        **{
            **data,
            "header": _tuple(data["header"]),
            "rows": tuple(tuple(row) for row in data["rows"]),
            "widths": _tuple(data.get("widths")),
            "money_columns": _tuple(data.get("money_columns")),
            "notes": _tuple(data.get("notes")),
        }
    )


def _workbook(data: dict) -> Workbook:
    return Workbook(
        **{
            **data,
            "created": _date(data["created"]),
            "sheets": tuple(_sheet(s) for s in data["sheets"]),
        }
    )


def _web_page(data: dict) -> WebPage:
    tuples = ("nav", "breadcrumbs", "related", "footer_links")
    return WebPage(
        **{
            **data,
            "date": _date(data["date"]),
            "blocks": tuple(_block(b) for b in data["blocks"]),
            **{name: _tuple(data.get(name)) for name in tuples},
        }
    )


def _attachment(data: dict) -> Attachment:
    return Attachment(data["filename"], data["kind"], _spec(data["kind"], data["spec"]))


def _email(data: dict) -> Email:
    return Email(
        **{
            **data,
            "sent": _datetime(data["sent"]),
            "attachments": tuple(_attachment(a) for a in data.get("attachments") or ()),
        }
    )


def _bundle(data: dict) -> Bundle:
    return Bundle(tuple(_attachment(a) for a in data["members"]))


SPEC_BY_KIND = {
    "pdf": _letter,
    "scan": _letter,
    "docx": _letter,
    "xlsx": _workbook,
    "html": _web_page,
    "eml": _email,
    "zip": _bundle,
}


def _spec(kind: str, data: dict) -> Any:
    return SPEC_BY_KIND[kind](data)


def _sample(data: dict) -> Sample:
    return Sample(
        **{
            **data,
            "spec": _spec(data["kind"], data["spec"]),
            "published": _date(data["published"]) if data.get("published") else None,
            "received": _date(data["received"]) if data.get("received") else None,
            "tags": _tuple(data.get("tags")),
        }
    )


def load_samples() -> tuple[Sample, ...]:
    """Every sample, read from the data files."""
    return tuple(_sample(item) for group in GROUPS for item in _read(group))


SAMPLES: tuple[Sample, ...] = load_samples()
