"""Feeds fixtures: a loopback webhook receiver, endpoints allowed to reach it, rows for events."""

from __future__ import annotations

import pytest

from tests.feeds.receiver import start_receiver


@pytest.fixture
def loopback_webhooks(settings):
    """Endpoints on 127.0.0.1 (http://) allowed, as PEDIGREE_WEBHOOK_ALLOW_LOOPBACK does for tests."""
    settings.PEDIGREE_WEBHOOK_ALLOW_LOOPBACK = True
    settings.PEDIGREE_BASE_URL = "https://pedigree.example.org"
    return settings


@pytest.fixture
def receiver(loopback_webhooks):
    state, server = start_receiver()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(db, receiver):
    from feeds.services.delivery import create_endpoint

    made, _ = create_endpoint(receiver.url, [])
    return made


@pytest.fixture
def eager_tasks():
    """Celery runs `.delay` in this process (CELERY_TASK_ALWAYS_EAGER), as the delivery task does in these tests."""
    from portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def job_failed_event(**options):
    from feeds.models import EventKind
    from feeds.services.events import record_event

    return record_event(EventKind.JOB_FAILED, title=options.pop("title", "Ingest job 1 failed"),
                        summary="the repository could not be fetched", link="/", payload={"job_id": 1}, **options)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The accounts of these tests never sign in with a password; hashing one properly takes 0.2 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
