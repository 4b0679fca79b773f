import pytest

from tests.support.history import altered, build_history, state

BASH_ALTERED = altered("bash", ("spec-add-tag", "CVE fix"))
CURL_11 = state("curl", evr="1.1-1.azl4", version="1.1")


def commits() -> list[dict]:
    """Five commits, 6 hours apart from 2026-03-01 09:00 UTC: bash altered at 1 and back to intact at 4; curl's
    version at 2 and build at 4; zlib's License at 2, zlib removed and newpkg added at 3."""
    zlib = state("zlib", license="Zlib", binaries=())
    return [
        {"bash": state("bash"), "curl": state("curl"), "zlib": zlib},
        {"bash": BASH_ALTERED, "curl": state("curl"), "zlib": zlib},
        {"bash": BASH_ALTERED, "curl": CURL_11, "zlib": state("zlib", license="MIT", binaries=())},
        {"bash": BASH_ALTERED, "curl": CURL_11, "newpkg": state("newpkg")},
        {"bash": state("bash"), "curl": state("curl", evr="1.1-1.azl4", version="1.1", build='{"with": ["x"]}'),
         "newpkg": state("newpkg")},
    ]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The accounts of these tests sign in with force_login; hashing their passwords properly takes 0.2 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def history(db):
    """The snapshots of commits() for the distribution "azurelinux", oldest first."""
    return build_history("azurelinux", commits())


@pytest.fixture
def read_client(db, portal_admin):
    """A client with an API key of the `read` scope."""
    from django.test import Client

    from access.services import issue_api_key

    _, secret = issue_api_key("history-reader", ["read"], created_by=portal_admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
