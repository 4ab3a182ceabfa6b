"""Results kept as data (issue 18): the unit's latest and counted versions, the findings'
English kept inside each finding (older rows have no source to render from), the annotated
copies as a per-language cache, the contact for the 催报名单.

Existing rows: each finding of a stored report gets the English it was kept with
(``finding_messages``) as ``message_en``; the annotated copies made at upload become the
cache's entries; each unit points at its latest upload and at its counted version (its
latest upload that was read and not refused). The old columns go in the next migration
(``0005_results_cleanup``: PostgreSQL alters no table with this one's pending row checks)."""

import django.db.models.deletion
from django.db import migrations, models

COUNTED_STATES = ("valid", "invalid")


def _contact(report):
    unit = (report or {}).get("unit") or {}
    return "\t".join(p for p in (unit.get("filler") or "", unit.get("phone") or "") if p)[:200]


def forward(apps, schema_editor):
    Submission = apps.get_model("web", "Submission")
    RoundUnit = apps.get_model("web", "RoundUnit")
    for sub in Submission.objects.all().iterator(chunk_size=500):
        report = sub.report
        english = (sub.finding_messages or {}).get("en")
        if report and isinstance(report.get("findings"), list):
            findings = report["findings"]
            if isinstance(english, list) and len(english) == len(findings):
                for finding, message in zip(findings, english, strict=True):
                    if isinstance(finding, dict) and message:
                        finding["message_en"] = message
        copies = {}
        if sub.annotated:
            copies["zh"] = {"sha256": sub.annotated, "name": sub.annotated_name}
        if sub.annotated_en:
            copies["en"] = {"sha256": sub.annotated_en, "name": sub.annotated_en_name}
        sub.copies = copies
        sub.contact = _contact(report)
        sub.save(update_fields=["report", "copies", "contact"])
    for unit in RoundUnit.objects.all().iterator(chunk_size=500):
        subs = Submission.objects.filter(unit_id=unit.id).order_by("-version")
        latest = subs.first()
        counted = subs.filter(state__in=COUNTED_STATES).first()
        unit.latest_id = latest.id if latest else None
        unit.counted_id = counted.id if counted else None
        unit.changed_at = latest.received_at if latest else None
        unit.save(update_fields=["latest", "counted", "changed_at"])


def backward(apps, schema_editor):
    Submission = apps.get_model("web", "Submission")
    for sub in Submission.objects.all().iterator(chunk_size=500):
        findings = (sub.report or {}).get("findings") or []
        sub.finding_messages = {"en": [f.get("message_en") or f.get("message") or "" for f in findings]}
        zh, en = (sub.copies or {}).get("zh") or {}, (sub.copies or {}).get("en") or {}
        sub.annotated, sub.annotated_name = zh.get("sha256", ""), zh.get("name", "")
        sub.annotated_en, sub.annotated_en_name = en.get("sha256", ""), en.get("name", "")
        sub.save(update_fields=["finding_messages", "annotated", "annotated_name", "annotated_en",
                                "annotated_en_name"])


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0004_queue"),
    ]

    operations = [
        migrations.AddField(
            model_name="roundunit", name="changed_at",
            field=models.DateTimeField(blank=True, db_index=True, null=True)),
        migrations.AddField(
            model_name="roundunit", name="counted",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="web.submission")),
        migrations.AddField(
            model_name="roundunit", name="latest",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="web.submission")),
        migrations.AddField(
            model_name="submission", name="contact", field=models.CharField(blank=True, max_length=200)),
        migrations.AddField(
            model_name="submission", name="copies", field=models.JSONField(blank=True, default=dict)),
        migrations.RunPython(forward, backward),
    ]
