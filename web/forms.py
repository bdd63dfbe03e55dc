"""The search state in the URL, and the batch search form.

Every page that shows search results reads the same parameters, so a URL is the
whole state: shareable, bookmarkable, and the browser's back button restores it.

    q        the query text
    council, company, system, source, status, type, year, ...   one multi-valued filter
             per facet (its `param` in search.backends.base.FACETS)
    from, to dates (YYYY-MM-DD) bounding the document date
    sort     relevance | newest | oldest
    page     1-based page number (HTML) ; cursor (API)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from search.backends.base import (
    DEFAULT_PAGE_SIZE,
    FACET_BY_PARAM,
    MAX_FILTER_CHARS,
    MAX_FILTER_VALUES,
    MAX_WINDOW,
    SORTS,
)
from search.query import MAX_QUERY_CHARS

from .labels import facet_label

PAGE_SIZE = DEFAULT_PAGE_SIZE
MAX_PAGE = MAX_WINDOW // PAGE_SIZE  # deep pages cost the engine; the CSV export has everything


def clip_query(text: str | None) -> str:
    """The query text trimmed and cut one past the limit: the parser then says the query
    is too long, rather than quietly searching for a cut-off query."""
    return (text or "").strip()[: MAX_QUERY_CHARS + 1]


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        n = int(value) if value is not None else default
    except (TypeError, ValueError):
        return default
    return max(lo, min(hi, n))


@dataclass(frozen=True)
class SearchState:
    """Everything that decides a result set and how it is shown."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    size: int = PAGE_SIZE

    @classmethod
    def from_params(cls, params: QueryDict, *, max_size: int = PAGE_SIZE) -> SearchState:
        """Read the state from request parameters; unknown or bad values are dropped."""
        q = clip_query(params.get("q"))
        filters: dict[str, tuple[str, ...]] = {}
        for name in FACET_BY_PARAM:
            values: list[str] = []
            for v in params.getlist(name):
                v = v.strip()[:MAX_FILTER_CHARS]
                if v and v not in values:
                    values.append(v)
            if name == "year":
                values = [v for v in values if v.isdigit() and len(v) == 4]
            if values:
                filters[name] = tuple(values[:MAX_FILTER_VALUES])
        sort = params.get("sort", "relevance")
        if sort not in SORTS:
            sort = "relevance"
        d_from, d_to = _parse_date(params.get("from")), _parse_date(params.get("to"))
        if d_from and d_to and d_from > d_to:
            d_from, d_to = d_to, d_from
        return cls(
            q=q,
            filters=filters,
            date_from=d_from,
            date_to=d_to,
            sort=sort,
            page=_int(params.get("page"), 1, 1, MAX_PAGE),
            size=_int(params.get("size"), PAGE_SIZE, 1, max_size),
        )

    # --- URLs -----------------------------------------------------------------------

    def params(self, *, page: bool = True) -> list[tuple[str, str]]:
        """The state as ordered URL parameters (defaults left out, so URLs stay short)."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name in FACET_BY_PARAM:
            out.extend((name, v) for v in self.filters.get(name, ()))
        if self.date_from:
            out.append(("from", self.date_from.isoformat()))
        if self.date_to:
            out.append(("to", self.date_to.isoformat()))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if page and self.page > 1:
            out.append(("page", str(self.page)))
        if self.size != PAGE_SIZE:
            out.append(("size", str(self.size)))
        return out

    def query_string(self, *, page: bool = True) -> str:
        return urlencode(self.params(page=page))

    def with_(self, **changes) -> SearchState:
        """A copy with some fields changed; any change but the page goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return replace(self, **changes)

    def toggled(self, name: str, value: str) -> SearchState:
        """The state with one facet value ticked or unticked."""
        current = list(self.filters.get(name, ()))
        if value in current:
            current.remove(value)
        else:
            current.append(value)
        filters = {k: v for k, v in self.filters.items() if k != name}
        if current:
            filters[name] = tuple(current)
        return self.with_(filters=filters)

    def selected(self, name: str, value: str) -> bool:
        return value in self.filters.get(name, ())

    @property
    def has_filters(self) -> bool:
        return bool(self.filters or self.date_from or self.date_to)

    @property
    def is_empty(self) -> bool:
        """No query and no filter: the caller shows everything (newest first)."""
        return not self.q and not self.has_filters

    def chips(self) -> list[dict[str, str]]:
        """One removable chip per active filter, each with the URL that removes it."""
        chips = []
        if self.q:
            chips.append({"kind": "Query", "value": self.q, "url": self.with_(q="").query_string()})
        for name, facet in FACET_BY_PARAM.items():
            for v in self.filters.get(name, ()):
                chips.append(
                    {
                        "kind": facet.label,
                        "value": facet_label(facet.name, v),
                        "url": self.toggled(name, v).query_string(),
                    }
                )
        if self.date_from:
            chips.append(
                {
                    "kind": "From",
                    "value": self.date_from.isoformat(),
                    "url": self.with_(date_from=None).query_string(),
                }
            )
        if self.date_to:
            chips.append(
                {
                    "kind": "To",
                    "value": self.date_to.isoformat(),
                    "url": self.with_(date_to=None).query_string(),
                }
            )
        return chips

    def cleared(self) -> SearchState:
        """Keep the query and sort, drop every filter."""
        return self.with_(filters={}, date_from=None, date_to=None)


# --- batch search ----------------------------------------------------------------------

MAX_BATCH_TERMS = 200
MAX_BATCH_UPLOAD = 256 * 1024
_UPLOAD_KB = f"{MAX_BATCH_UPLOAD // 1024} KB"


class BatchForm(forms.Form):
    terms = forms.CharField(
        label="Terms or queries, one per line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=(
            'Each line is a full query: plain words, "phrases", OR, -exclusions, '
            f"field filters. Up to {MAX_BATCH_TERMS} lines."
        ),
    )
    file = forms.FileField(
        label="…or upload a text or CSV file",
        required=False,
        help_text=f"One term per line; for a CSV, the first column is used. Up to {_UPLOAD_KB}.",
    )
    split = forms.BooleanField(
        label="Split the counts by public body",
        required=False,
        help_text="Adds one column per public body (the most frequent ones in the results).",
    )

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and f.size > MAX_BATCH_UPLOAD:
            raise forms.ValidationError(f"That file is larger than {_UPLOAD_KB}.")
        return f

    def clean(self):
        data = super().clean()
        lines = parse_terms(data.get("terms") or "")
        f = data.get("file")
        if f:
            raw = f.read(MAX_BATCH_UPLOAD + 1)
            lines += parse_terms(decode_upload(raw), csv_like=f.name.lower().endswith(".csv"))
        unique: list[str] = []
        for line in lines:
            if line not in unique:
                unique.append(line)
        if not unique and not self.errors:
            raise forms.ValidationError("Enter at least one term, or upload a file of terms.")
        if len(unique) > MAX_BATCH_TERMS:
            raise forms.ValidationError(
                f"That is {len(unique)} terms; the limit is {MAX_BATCH_TERMS} per batch."
            )
        data["lines"] = unique
        return data


def decode_upload(raw: bytes) -> str:
    """Bytes of an uploaded list as text: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse_terms(text: str, *, csv_like: bool = False) -> list[str]:
    """Lines of a pasted or uploaded list as queries: trimmed, blanks and # comments dropped."""
    import csv
    import io

    out: list[str] = []
    if csv_like:
        try:
            for row in csv.reader(io.StringIO(text)):
                if row and row[0].strip() and not row[0].lstrip().startswith("#"):
                    out.append(clip_query(row[0]))
        except csv.Error as exc:
            raise forms.ValidationError(f"The file could not be read as CSV ({exc}).") from None
        return out
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(clip_query(line))
    return out
