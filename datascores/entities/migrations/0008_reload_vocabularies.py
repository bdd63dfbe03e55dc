"""Load session 4's companies and systems: consultancies, IT services, data and cloud
vendors, credit reference and identity checking, council software (planning, payments,
engagement, libraries, waste, parking, elections), HR and finance, policing (ANPR, CCTV,
body-worn video, digital forensics), health AI, telecare and education."""

from django.db import migrations


def load(apps, schema_editor):
    from datascores.entities.loader import load_vocabularies

    load_vocabularies(apps)


class Migration(migrations.Migration):
    dependencies = [("entities", "0007_reload_vocabularies")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
