"""Reload the vocabularies: fill the alias fields 0003 added, and the data files' changes."""

from django.db import migrations


def load(apps, schema_editor):
    from datascores.entities.loader import load_vocabularies

    load_vocabularies(apps)


class Migration(migrations.Migration):
    dependencies = [("entities", "0003_alias_adjacency_link_issuer_match_review")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
