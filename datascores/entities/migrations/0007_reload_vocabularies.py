"""Load the added companies and systems of the UK public-sector software market (housing,
revenues and benefits, finance and HR, planning, customer contact, social care,
education, health, policing, fraud, GIS and analytics) and a few public bodies
(commissioning support units, regional organised crime units, Police Digital Service)."""

from django.db import migrations


def load(apps, schema_editor):
    from datascores.entities.loader import load_vocabularies

    load_vocabularies(apps)


class Migration(migrations.Migration):
    dependencies = [("entities", "0006_reload_vocabularies")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
