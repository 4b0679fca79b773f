"""API fixtures: keys with chosen scopes, a client that sends them, and the endpoints of the schema."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from audits.apikeys import SCOPES
from audits.services.apikeys import issue_api_key


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttle counts live in the cache, keyed by key id, which the next test's database reuses."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_key(db, portal_admin):
    """make_key("read", "export", name=..., expires_at=..., allowed_networks=[...]) -> (ApiKey, secret)."""
    counter = iter(range(1_000_000))

    def make(*scopes: str, name: str | None = None, **options):
        return issue_api_key(name or f"key-{next(counter)}", list(scopes), created_by=portal_admin, **options)

    return make


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def key_client(make_key):
    """key_client("read", ...) -> a test client authenticated with a new key of those scopes."""

    def make(*scopes: str, **options) -> Client:
        _, secret = make_key(*scopes, **options)
        return bearer(secret)

    return make


@pytest.fixture
def read_client(key_client):
    return key_client("read")


@pytest.fixture
def all_scopes_client(key_client):
    return key_client(*SCOPES)


def yesterday() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=1)
