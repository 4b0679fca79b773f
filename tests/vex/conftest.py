"""A synthetic repository whose overlays name CVEs, ingested and scanned (tests/vex/)."""

import pytest

from audits.models import Release
from audits.services.ingest import ingest_release
from tests.audits import sample_repo
from tests.sbom.conftest import set_identities
from tests.support.gitrepo import init_repo
from vex.services.scan import scan_release

CURL_PATCH = """From 0123 Mon Sep 17 00:00:00 2001
From: Ada Packager <ada@example.org>
Subject: [PATCH] Fix a heap overflow in the cookie parser

Backport of the upstream fix for CVE-2024-0001.

---
diff --git a/lib/cookie.c b/lib/cookie.c
--- a/lib/cookie.c
+++ b/lib/cookie.c
@@ -1 +1 @@
-/* CVE-2099-0099 appears in code, not in the header */
+fixed
"""

VEX_OVERLAYS = {
    "base/comps/curl/curl.comp.toml": """
[components.curl]

[[components.curl.overlays]]
description = "Backport the cookie parser fix"
type = "patch-add"
source = "cookie-fix.patch"

[[components.curl.overlays]]
description = "Say so in the changelog"
type = "spec-append-lines"
section = "%files"
lines = ["# CVE-2024-0003 is mentioned here only"]
""",
    "base/comps/curl/cookie-fix.patch": CURL_PATCH,
    "base/comps/zlib/zlib.comp.toml": """
[components.zlib]

# The bundled minizip is deleted in %prep.
[[components.zlib.overlays]]
description = "Remove the CVE-2025-0002 patch: it targets the bundled minizip, which is deleted in %prep"
type = "patch-remove"
file = "zlib-minizip-cve.patch"

[[components.zlib.overlays]]
description = "Remove the CVE-2025-0004 patch, it does not apply"
type = "patch-remove"
file = "zlib-other.patch"
""",
}


def vex_files() -> dict[str, str]:
    files = sample_repo.files()
    files["base/comps/components.toml"] = files["base/comps/components.toml"].replace(
        "[components.curl]\n[components.zlib]\n", "")
    files.update(VEX_OVERLAYS)
    return files


@pytest.fixture
def vex_repo(tmp_path):
    repo = tmp_path / "distro-config"
    init_repo(repo, vex_files())
    return repo


@pytest.fixture
def vex_release(vex_repo, allow_local_sources) -> Release:
    release = ingest_release(str(vex_repo), "main").release
    set_identities(release)
    return release


@pytest.fixture
def scanned(vex_release):
    return scan_release(vex_release)
