"""Sources are found by location through an index on the location's sha256."""

import hashlib

from django.db import migrations, models

CHUNK = 2000


def fill_hashes(apps, schema_editor) -> None:
    """The hash of every existing source's location, a chunk at a time."""
    Source = apps.get_model("documents", "Source")
    last = 0
    while True:
        rows = list(
            Source.objects.filter(pk__gt=last).order_by("pk").only("pk", "location")[:CHUNK]
        )
        if not rows:
            return
        for row in rows:
            row.location_hash = hashlib.sha256(
                row.location.encode("utf-8", "surrogatepass")
            ).hexdigest()
        Source.objects.bulk_update(rows, ["location_hash"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_page_layout"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="location_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(fill_hashes, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["location_hash"], name="source_location_hash"),
        ),
    ]
