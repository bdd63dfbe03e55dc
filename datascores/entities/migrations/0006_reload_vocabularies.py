"""Load the added public bodies (fire and rescue services, ICBs, health boards, national
bodies, health and wellbeing boards)."""

from django.db import migrations


def load(apps, schema_editor):
    from datascores.entities.loader import load_vocabularies

    load_vocabularies(apps)


class Migration(migrations.Migration):
    dependencies = [("entities", "0005_candidates")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
