"""Load or update web sources by name from a YAML file (a list of mappings)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

FIELDS = (
    "name", "kind", "urls", "search_url", "terms", "keyword_filter", "allowed_domains",
    "include", "exclude", "max_pages", "max_depth", "authority", "schedule", "enabled",
)  # fmt: skip
LIST_FIELDS = ("urls", "terms", "keyword_filter", "allowed_domains", "include", "exclude")


def source_fields(entry: dict, where: str) -> dict:
    """Model field values from one YAML mapping (lists become one item a line)."""
    from datascores.entities.models import PublicBody

    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise CommandError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}."
        )
    if not entry.get("name"):
        raise CommandError(f"{where}: every source needs a name.")
    values = {}
    for key, value in entry.items():
        if key == "keyword_filter" and isinstance(value, bool):
            value = (entry.get("terms") or []) if value else []  # true: filter on the terms
        if key in LIST_FIELDS:
            if isinstance(value, str):
                value = [value]
            value = "\n".join(str(v).strip() for v in (value or []))
        elif key == "authority":
            if value:
                body = (
                    PublicBody.objects.filter(name__iexact=str(value)).first()
                    or PublicBody.objects.filter(slug=str(value)).first()
                )
                if body is None:
                    raise CommandError(f"{where}: no public body called {value!r}.")
                value = body
            else:
                value = None
        elif key == "schedule":
            value = str(value or "")
        values[key] = value
    return values


class Command(BaseCommand):
    help = "Load or update web sources from a YAML file: a list of mappings with keys " + ", ".join(
        FIELDS
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        import yaml

        from scrapers.models import Source

        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CommandError(f"Could not read {file}: {exc}") from exc
        if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
            raise CommandError(f"{file}: expected a list of mappings, one per source.")
        created = updated = 0
        with transaction.atomic():
            for n, entry in enumerate(data, 1):
                where = f"{file} entry {n} ({entry.get('name', '?')})"
                values = source_fields(entry, where)
                source = Source.objects.filter(name=values["name"]).first() or Source()
                is_new = source.pk is None
                for key, value in values.items():
                    setattr(source, key, value)
                try:
                    source.full_clean()
                except ValidationError as exc:
                    problems = "; ".join(
                        f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
                    )
                    raise CommandError(f"{where}: {problems}") from exc
                source.save()
                created += is_new
                updated += not is_new
        self.stdout.write(f"{created} source(s) created, {updated} updated.")
