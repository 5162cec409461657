"""The production storage: django-storages' S3 backend with deferred deletion
(openlima/storage.py, docs/operations.md "Restore drill"). Its own module so that the
embedded default never imports boto3."""

from storages.backends.s3 import S3Storage as BaseS3Storage

from .storage import DeferredDeleteMixin


class S3Storage(DeferredDeleteMixin, BaseS3Storage):
    pass
