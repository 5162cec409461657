"""Fixtures for the core's own tests: switching the Celery app's broker and eagerness."""

import contextlib

import pytest

from config.celery import app as celery_app

BROKER_KEYS = ("broker_url", "broker_write_url", "broker_read_url")


def _conf_set(key: str, value) -> None:
    # The app reads Django settings with the CELERY_ namespace, which shadows the plain
    # key: set both.
    celery_app.conf[key] = value
    celery_app.conf[f"CELERY_{key.upper()}"] = value


@contextlib.contextmanager
def celery_conf(**values):
    """Change the Celery app's configuration for a while, and put it back."""
    previous = {k: celery_app.conf[k] for k in values}
    for key, value in values.items():
        _conf_set(key, value)
    celery_app._pool = None  # connection pools are per broker URL
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        for key, value in previous.items():
            _conf_set(key, value)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def celery_broker(url: str, transport_options: dict | None = None):
    """Send Celery messages to `url` for a while."""
    return celery_conf(
        **dict.fromkeys(BROKER_KEYS, url),
        broker_transport_options=transport_options or {},
    )


@pytest.fixture
def broker_down():
    """The broker is unreachable (a closed port)."""
    with celery_broker("redis://127.0.0.1:1/0"):
        yield


@pytest.fixture
def not_eager():
    """Tasks go through the broker, as in production (tests run them eagerly otherwise)."""
    with celery_conf(task_always_eager=False):
        yield
