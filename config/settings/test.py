"""Test settings: base, with fast password hashing and eager Celery tasks.

The real-broker test (tests/openlima/test_celery_worker.py) turns eagerness off itself.
"""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "openlima.storage.PublicFileSystemStorage"},
    "private": {"BACKEND": "openlima.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
ACCOUNT_RATE_LIMITS = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The anonymous page cache is on only in its own tests (tests/openlima/test_pagecache.py).
PAGE_CACHE_SECONDS = 0
# Deletions take effect at once in tests; the deferred deletion has its own tests
# (tests/openlima/test_restore_drill.py).
STORAGE_DELETE_GRACE_SECONDS = 0
