from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "consolidate.web"
    label = "web"
    verbose_name = _("政府信息公开统计表 报送")
    default_auto_field = "django.db.models.BigAutoField"
