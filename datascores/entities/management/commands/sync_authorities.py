"""Match WhatDoTheyKnow's authority list (url_names) to our public bodies."""

from django.core.management.base import BaseCommand, CommandError

from datascores.entities.sync import sync_authorities
from datascores.entities.wdtk import DEFAULT_URL


class Command(BaseCommand):
    help = (
        "Read WhatDoTheyKnow's all-authorities.csv through the project's fetcher and match its "
        "url_names to public bodies: exact name or alias; home-page domain and fuzzy name "
        "matches are proposals for review in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=DEFAULT_URL, help=f"Default: {DEFAULT_URL}")

    def handle(self, *args, url=DEFAULT_URL, **options):
        try:
            run = sync_authorities(url)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:
            if type(exc).__name__.endswith(
                ("FetchError", "BlockedAddress", "RobotsDisallowed", "TooLarge")
            ):
                raise CommandError(f"Could not fetch {url}: {exc}") from exc
            raise
        if run.not_modified:
            self.stdout.write(f"{url} has not changed since the last sync.")
            return
        self.stdout.write(
            f"{run.rows} authorities read: {run.matched_exact} matched by name, "
            f"{run.matched_alias} by alias, {run.proposed} proposals (home-page domain or similar "
            "name) to review, "
            f"{run.unmatched} not in our vocabulary."
        )
