from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "consolidate.web"
    label = "web"
    verbose_name = "政府信息公开统计表 报送"
    default_auto_field = "django.db.models.BigAutoField"
