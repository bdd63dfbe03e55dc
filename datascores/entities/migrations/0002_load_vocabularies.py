"""Fill a fresh database with the project's vocabularies (later updates: load_vocabularies)."""

from django.db import migrations


def load(apps, schema_editor):
    from datascores.entities.loader import load_vocabularies

    load_vocabularies(apps)


class Migration(migrations.Migration):
    dependencies = [("entities", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
