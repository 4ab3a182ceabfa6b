"""The roster's contacts on each round unit (联系人, 电话, 邮箱) and the salt its link's secret is
derived from (links issued before keep an empty salt: re-issue them to export them again);
accounts made before there were administrators were all equal: they all become administrators
(``accounts.is_admin``) when none is one yet."""

from typing import Any

from django.conf import settings
from django.db import migrations, models


def admins_from_equals(apps: Any, schema_editor: Any) -> None:
    app, model = settings.AUTH_USER_MODEL.split(".")
    users = apps.get_model(app, model)
    if not users.objects.filter(is_staff=True).exists():
        users.objects.filter(is_active=True).update(is_staff=True)


class Migration(migrations.Migration):
    dependencies = [("web", "0006_draft"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.AddField("roundunit", "link_salt", models.CharField(blank=True, default="", max_length=64)),
        migrations.AddField("roundunit", "contact", models.CharField(blank=True, default="", max_length=100)),
        migrations.AddField("roundunit", "phone", models.CharField(blank=True, default="", max_length=100)),
        migrations.AddField("roundunit", "email", models.CharField(blank=True, default="", max_length=500)),
        migrations.RunPython(admins_from_equals, migrations.RunPython.noop),
    ]
