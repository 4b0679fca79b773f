"""Advisory files written for the tests: OSV and CSAF 2.0, about the synthetic release's curl and zlib
(curl 8.15.0-3.azl4, zlib 1.3-3.azl4, bash 5.3-3.azl4; tests/vex/conftest.py)."""

import json


def osv(id="AZL-2024-0001", cve="CVE-2024-0001", name="curl", events=None, versions=None, **extra) -> dict:
    affected = {"package": {"ecosystem": "Azure Linux:4", "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": events or [{"introduced": "0"}, {"fixed": "8.15.0-4.azl4"}]}]}
    if versions is not None:
        affected["versions"] = versions
    return {"schema_version": "1.6.0", "id": id, "aliases": [cve] if cve else [], "summary": f"{name} advisory",
            "affected": [affected], **extra}


def csaf(cve="CVE-2025-0002", products=(("zlib", "1.3-5.azl4", "fixed"),)) -> dict:
    """A CSAF 2.0 security advisory naming rpm products by purl; `products`: (name, EVR, status key)."""
    versions, status = [], {}
    for i, (name, evr, key) in enumerate(products):
        pid = f"P{i}"
        versions.append({"category": "product_version", "name": evr, "product": {
            "name": f"{name}-{evr}", "product_id": pid,
            "product_identification_helper": {"purl": f"pkg:rpm/azurelinux/{name}@{evr}?arch=src"}}})
        status.setdefault(key, []).append(pid)
    return {
        "document": {"category": "csaf_security_advisory", "csaf_version": "2.0", "title": f"{cve} in zlib",
                     "publisher": {"category": "vendor", "name": "Example", "namespace": "https://example.org"},
                     "tracking": {"id": f"EX-{cve}", "status": "final", "version": "1",
                                  "initial_release_date": "2026-01-01T00:00:00Z",
                                  "current_release_date": "2026-01-01T00:00:00Z",
                                  "revision_history": [{"date": "2026-01-01T00:00:00Z", "number": "1", "summary": "x"}]}},
        "product_tree": {"branches": [{"category": "vendor", "name": "Example", "branches": versions}]},
        "vulnerabilities": [{"cve": cve, "product_status": status}],
    }


def raw(document: dict) -> bytes:
    return json.dumps(document).encode()
