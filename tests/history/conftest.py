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


@pytest.fixture
def history(db):
    """The snapshots of commits() for the distribution "azurelinux", oldest first."""
    return build_history("azurelinux", commits())
