"""The columns ``0005_results_as_data`` moved into the results: the English kept beside the
report (now in each finding) and the annotated copies made at upload (now a per-language cache)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0005_results_as_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="submission", name="annotated"),
        migrations.RemoveField(model_name="submission", name="annotated_en"),
        migrations.RemoveField(model_name="submission", name="annotated_en_name"),
        migrations.RemoveField(model_name="submission", name="annotated_name"),
        migrations.RemoveField(model_name="submission", name="finding_messages"),
    ]
