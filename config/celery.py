"""The Celery application: configuration from Django settings (CELERY_*), tasks
autodiscovered from every installed app's `tasks.py`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("openlima")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
