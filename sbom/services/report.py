"""PURE PYTHON: which NTIA minimum elements and BSI TR-03183-2 fields a document has, and why not.

Reads the parsed JSON document (CycloneDX 1.6 or SPDX 2.3), not Pedigree's own data, so the
report describes exactly what a consumer of the file gets.
"""

from __future__ import annotations

from typing import Any, Iterator

MAX_NAMES = 50  # names listed per missing field; the counts are always complete

WHY = {
    "version": "the component's identity is unresolved (no rendered spec, macros Pedigree cannot "
    "expand, or a value the documents cannot hold): it is published without a version, and "
    "pedigree:unresolved names the fields and why",
    "hashes": "Pedigree reads configuration, not build output: no built package exists to hash. The "
    "digests Pedigree knows (upstream source archives from the `sources` file) are given on "
    "source-distribution external references, not as component hashes",
    "dependencies": "the release depends on each source package, and a binary package on the binary "
    "packages its spec's runtime Requires resolve to; a package whose Requires resolve to nothing in "
    "the document has no dependency entry, and the compositions say which lists are incomplete",
    "author": "no author is configured (PEDIGREE_SBOM_AUTHOR_NAME / _EMAIL); the generating tool is "
    "named in metadata.tools",
    "filename": "file names of built packages need the architecture and build output, which Pedigree "
    "does not have",
    "licenses": "the rendered spec has no License tag, or there is no rendered spec",
    "supplier": "no supplier is known for this distribution",
    "purl": "no package URL could be formed",
    "executable": "executable/archive/structured properties describe built artefacts; not recorded",
}


def _status(count: int, total: int) -> str:
    if total and count == total:
        return "present"
    return "partial" if count else "missing"


def _field(element: str, have: list[str], lack: list[str], why: str, where: str) -> dict[str, Any]:
    total = len(have) + len(lack)
    entry: dict[str, Any] = {
        "element": element,
        "status": _status(len(have), total),
        "present": len(have),
        "of": total,
        "where": where,
    }
    if lack:
        entry["missing"] = sorted(lack)[:MAX_NAMES]
        entry["why"] = why
    return entry


def _single(element: str, ok: bool, why: str, where: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"element": element, "status": "present" if ok else "missing", "where": where}
    if not ok:
        entry["why"] = why
    return entry


# ----------------------------------------------------------------------------- CycloneDX


def _walk(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk(component.get("components", []))


def _split(components: list[dict[str, Any]], test) -> tuple[list[str], list[str]]:
    have, lack = [], []
    for c in components:
        (have if test(c) else lack).append(c.get("bom-ref") or c.get("name", "?"))
    return have, lack


def cyclonedx_report(doc: dict[str, Any]) -> dict[str, Any]:
    metadata = doc.get("metadata", {})
    components = list(_walk(doc.get("components", [])))
    in_graph: set[str] = set()
    for dep in doc.get("dependencies", []):
        in_graph.add(dep.get("ref", ""))
        in_graph.update(dep.get("dependsOn", []))
    # a nested component (a binary package in its source package) is related through its parent
    for top in doc.get("components", []):
        if top.get("bom-ref") in in_graph:
            in_graph.update(c.get("bom-ref", "") for c in _walk(top.get("components", [])))
    author = bool(metadata.get("authors"))
    creator_contact = any(a.get("email") for a in metadata.get("authors", [])) or bool(
        metadata.get("supplier", {}).get("url")
    )
    fields = {
        "supplier": _split(components, lambda c: bool(c.get("supplier", {}).get("name"))),
        "name": _split(components, lambda c: bool(c.get("name"))),
        "version": _split(components, lambda c: bool(c.get("version"))),
        "purl": _split(components, lambda c: bool(c.get("purl"))),
        "dependencies": _split(components, lambda c: c.get("bom-ref") in in_graph),
        "licenses": _split(components, lambda c: bool(c.get("licenses"))),
        "hashes": _split(components, lambda c: bool(c.get("hashes"))),
        "sha512": _split(components, lambda c: any(h.get("alg") == "SHA-512" for h in c.get("hashes", []))),
    }
    source_hashes = sum(
        1 for c in components
        if any(r.get("hashes") for r in c.get("externalReferences", []) if r.get("type") == "source-distribution")
    )
    ntia = [
        _field("Supplier name", *fields["supplier"], WHY["supplier"], "components[].supplier.name"),
        _field("Component name", *fields["name"], "", "components[].name"),
        _field("Version of the component", *fields["version"], WHY["version"], "components[].version"),
        _field("Other unique identifiers", *fields["purl"], WHY["purl"], "components[].purl, bom-ref"),
        _field("Dependency relationship", *fields["dependencies"], WHY["dependencies"], "dependencies"),
        _single("Author of SBOM data", author, WHY["author"], "metadata.authors"),
        _single("Timestamp", bool(metadata.get("timestamp")), "", "metadata.timestamp (the release commit's date)"),
    ]
    bsi = [
        _single("Creator of the SBOM (email or URL)", creator_contact, WHY["author"],
                "metadata.authors[].email or metadata.supplier.url"),
        _single("Timestamp", bool(metadata.get("timestamp")), "", "metadata.timestamp"),
        _field("Component creator", *fields["supplier"], WHY["supplier"], "components[].supplier"),
        _field("Component name", *fields["name"], "", "components[].name"),
        _field("Component version", *fields["version"], WHY["version"], "components[].version"),
        _single("Filename of the component", False, WHY["filename"], "not recorded"),
        _field("Dependencies on other components", *fields["dependencies"], WHY["dependencies"], "dependencies"),
        _field("Distribution licences", *fields["licenses"], WHY["licenses"], "components[].licenses"),
        _field("Hash value of the executable component (SHA-512)", *fields["sha512"], WHY["hashes"],
               "components[].hashes"),
        _single("Executable, archive and structured properties", False, WHY["executable"], "not recorded"),
        _field("Other unique identifiers (purl)", *fields["purl"], WHY["purl"], "components[].purl"),
    ]
    return {
        "format": "CycloneDX",
        "spec_version": doc.get("specVersion", ""),
        "serial_number": doc.get("serialNumber", ""),
        "components": len(components),
        "source_archive_digests": source_hashes,
        "ntia_minimum_elements": ntia,
        "bsi_tr_03183_2": bsi,
        "summary": _summary(ntia, bsi),
    }


def _summary(ntia: list[dict[str, Any]], bsi: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ntia_complete": all(e["status"] == "present" for e in ntia),
        "ntia_not_present": [e["element"] for e in ntia if e["status"] != "present"],
        "bsi_not_present": [e["element"] for e in bsi if e["status"] != "present"],
    }


# ----------------------------------------------------------------------------- SPDX


def spdx_report(doc: dict[str, Any]) -> dict[str, Any]:
    packages = doc.get("packages", [])
    related = set()
    for rel in doc.get("relationships", []):
        related.add(rel.get("spdxElementId"))
        related.add(rel.get("relatedSpdxElement"))

    def split(test) -> tuple[list[str], list[str]]:
        have, lack = [], []
        for p in packages:
            (have if test(p) else lack).append(p.get("SPDXID", "?"))
        return have, lack

    def known(value: Any) -> bool:
        return bool(value) and value not in ("NOASSERTION", "NONE")

    creators = doc.get("creationInfo", {}).get("creators", [])
    ntia = [
        _field("Supplier name", *split(lambda p: known(p.get("supplier"))), WHY["supplier"], "packages[].supplier"),
        _field("Component name", *split(lambda p: bool(p.get("name"))), "", "packages[].name"),
        _field("Version of the component", *split(lambda p: bool(p.get("versionInfo"))), WHY["version"],
               "packages[].versionInfo"),
        _field("Other unique identifiers", *split(lambda p: bool(p.get("externalRefs"))), WHY["purl"],
               "packages[].externalRefs (purl)"),
        _field("Dependency relationship", *split(lambda p: p.get("SPDXID") in related), WHY["dependencies"],
               "relationships"),
        _single("Author of SBOM data", any(c.startswith(("Person:", "Organization:")) for c in creators),
                WHY["author"], "creationInfo.creators"),
        _single("Timestamp", bool(doc.get("creationInfo", {}).get("created")), "", "creationInfo.created"),
    ]
    return {
        "format": "SPDX",
        "spec_version": doc.get("spdxVersion", ""),
        "serial_number": doc.get("documentNamespace", ""),
        "components": len(packages),
        "ntia_minimum_elements": ntia,
        "summary": _summary(ntia, []),
    }
