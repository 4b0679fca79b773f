import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def auditor(db):
    return get_user_model().objects.create_user("auditor", password="auditor-password-1")


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


@pytest.fixture
def allow_local_sources(settings):
    settings.PEDIGREE_ALLOW_LOCAL_SOURCES = True
    return settings
