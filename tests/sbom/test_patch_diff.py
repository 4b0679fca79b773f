"""The upstream verification's declared diff in the CycloneDX pedigree."""

import base64
import datetime as dt
import json

import pytest
from cyclonedx.model.bom import Bom

from audits.azldev.overlays import render_spec
from audits.azldev.verify import verify_component
from audits.models import Overlay, RenderedSpec, UpstreamVerification
from audits.services.blobs import store_text
from sbom.choices import SbomFormat
from sbom.models import SbomDocument
from sbom.services import cyclonedx, cyclonedx_json
from sbom.services.generate import generate_release_documents, load_release_facts
from tests.sbom.conftest import component_of, properties_of

pytestmark = pytest.mark.django_db

DIFF = "--- fedora/bash.spec\n+++ expected/bash.spec\n@@ -1 +1,2 @@\n+# added by overlay\n Name: bash\n"


def verify(release, name, diff=DIFF, *, at="2026-04-01T10:00:00+00:00", verdict="verified-declared-only"):
    return UpstreamVerification.objects.create(
        component=release.components.get(name=name), verdict=verdict, upstream_commit="f00dfeed" * 5,
        declared_diff=diff, verified_at=dt.datetime.fromisoformat(at),
    )


def stored_bom(release) -> dict:
    generate_release_documents(release)  # validates all three documents or raises
    document = SbomDocument.objects.get(release=release, component_name="", format=SbomFormat.CYCLONEDX_JSON)
    return json.loads(bytes(document.content))


def diffs_of(component: dict) -> list[dict]:
    return [p["diff"] for p in component["pedigree"].get("patches", []) if "diff" in p]


def test_a_declared_diff_that_cannot_be_cut_per_overlay_goes_on_a_patch_of_its_own(release):
    verify(release, "bash")  # DIFF does not fit bash's rendered spec: it cannot be cut
    bash = component_of(stored_bom(release), "bash")
    assert diffs_of(bash) == [{"text": {"content": DIFF, "contentType": "text/x-diff"}}]
    assert len(bash["pedigree"]["patches"]) == 2  # the overlay's patch and the declared diff's


def test_the_newest_verification_gives_the_diff(release):
    verify(release, "bash", "--- old\n+++ old\n", at="2026-03-01T10:00:00+00:00")
    verify(release, "bash", at="2026-04-01T10:00:00+00:00")
    (diff,) = diffs_of(component_of(stored_bom(release), "bash"))
    assert diff["text"]["content"] == DIFF


def test_a_property_says_where_the_diff_comes_from(release):
    verify(release, "bash")
    (note,) = [v for k, v in properties_of(component_of(stored_bom(release), "bash")) if k == "pedigree:declared-diff"]
    assert "'verified-declared-only' of 2026-04-01T10:00:00+00:00" in note and "f00dfeed" in note


def test_a_component_without_a_verification_has_no_diff(release):
    bash = component_of(stored_bom(release), "bash")
    assert diffs_of(bash) == [] and len(bash["pedigree"]["patches"]) == 1
    assert "pedigree:declared-diff" not in dict(properties_of(bash))


def test_a_verified_component_without_overlays_gets_no_patch(release):
    verify(release, "curl", "--- fedora/curl.spec\n+++ expected/curl.spec\n", verdict="verified-intact")
    assert "patches" not in component_of(stored_bom(release), "curl")["pedigree"]


def test_a_diff_with_characters_xml_cannot_hold_is_base64_encoded(release):
    verify(release, "bash", DIFF + "+\x0c\n")
    ((diff,),) = [diffs_of(component_of(stored_bom(release), "bash"))]
    assert diff["text"]["encoding"] == "base64"
    assert base64.b64decode(diff["text"]["content"]).decode() == DIFF + "+\x0c\n"


def test_the_bom_with_a_diff_is_byte_identical_to_the_library_output_and_round_trips(release):
    verify(release, "bash")
    facts = load_release_facts(release)
    fast = cyclonedx_json.serialise(cyclonedx.build_bom(facts))
    assert fast == cyclonedx.library_json(cyclonedx.build_bom(facts))
    assert cyclonedx.library_json(Bom.from_json(json.loads(fast))) == fast


BASH_FEDORA = """Name: bash
Version: 5.3
Release: 1%{?dist}
Summary: The GNU Bourne Again shell
License: GPL-3.0-or-later

%description
The shell.

%files
/usr/bin/bash
"""


def test_a_declared_diff_that_can_be_cut_goes_on_each_overlays_own_patch(release):
    bash = release.components.get(name="bash")
    overlays = [o.parameters for o in Overlay.objects.filter(component=bash).order_by("position")]
    rendered = render_spec(BASH_FEDORA, overlays, component_name="bash", build=bash.build).spec_text
    RenderedSpec.objects.filter(component=bash).update(blob_id=store_text(rendered))  # as azldev rendered this Fedora spec
    result = verify_component(BASH_FEDORA, rendered, overlays, bash.build, component_name="bash")
    verify(release, "bash", result.declared_diff, verdict=result.verdict)
    bom_bash = component_of(stored_bom(release), "bash")
    (patch,) = bom_bash["pedigree"]["patches"]  # no separate patch: the overlay's own carries its change
    assert "+Requires: coreutils" in patch["diff"]["text"]["content"]
    assert patch["resolves"] == [{"type": "defect", "references": ["https://bugs.example.org/1"]}]
    assert "each overlay's patch has its own change" in dict(properties_of(bom_bash))["pedigree:declared-diff"]
