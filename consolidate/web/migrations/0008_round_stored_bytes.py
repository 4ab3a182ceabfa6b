"""The bytes kept for each round (``Round.stored_bytes``, the disk quota's count), counted once here
from the rounds' submissions and then added to as each upload is recorded."""

from typing import Any

from django.db import migrations, models
from django.db.models import Sum


def count_stored(apps: Any, schema_editor: Any) -> None:
    rounds = apps.get_model("web", "Round")
    submissions = apps.get_model("web", "Submission")
    totals = submissions.objects.values("unit__round_id").annotate(total=Sum("size"))
    for row in totals:
        rounds.objects.filter(pk=row["unit__round_id"]).update(stored_bytes=row["total"] or 0)


class Migration(migrations.Migration):
    dependencies = [("web", "0007_contacts_links")]

    operations = [
        migrations.AddField("round", "stored_bytes", models.BigIntegerField(default=0)),
        migrations.RunPython(count_stored, migrations.RunPython.noop),
    ]
