"""The five images of the real corpus (base/images/images.toml, two KIWI files), ingested once.

Each image's CycloneDX documents are made and validated (vm-base's also by the CycloneDX JavaScript validators), signed and verified
against the local Sigstore instance. The direct package lists are checked against an independent reading of the KIWI files written here with
regular expressions (no XML parser, none of audits.kiwi); the closures against invariants that hold
whatever the identities resolve to, and against the figures measured at the cut commit as lower bounds.
"""

import json
import re
import subprocess

import pytest

from audits.models import BinaryPackage, Image
from jobs.choices import JobKind, JobStatus
from jobs.services import run_job_in_process
from sbom.models import SbomDocument
from sbom.services.images import generate_image_documents
from signing.models import SignatureVerification
from tests.support import cyclonedx_js
from tests.support.corpus import BRANCH, bundle_path, ingested_corpus

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

PROFILES = {  # image -> (profile, profiles it selects)
    "vm-base": ("", []),
    "container-base": ("core", ["core"]),
    "container-distroless-minimal": ("distroless-minimal", ["distroless-minimal"]),
    "container-distroless-base": ("distroless-base", ["distroless-base", "distroless-minimal"]),
    "container-distroless-debug": ("distroless-debug", ["distroless-debug", "distroless-base", "distroless-minimal"]),
}
MEASURED = {  # image -> (listed, with the closure) at the cut commit
    "vm-base": (75, 188),
    "container-base": (3, 4),
    "container-distroless-minimal": (4, 5),
    "container-distroless-base": (8, 21),
    "container-distroless-debug": (8, 21),
}


@pytest.fixture(scope="module")
def release(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), ingested_corpus() as outcome:
        yield outcome.release


@pytest.fixture(scope="module")
def kiwi_texts(tmp_path_factory):
    path = tmp_path_factory.mktemp("kiwi") / "azl"
    subprocess.run(["git", "clone", "-q", "--no-checkout", "-b", BRANCH, str(bundle_path()), str(path)], check=True)
    read = lambda name: subprocess.run(["git", "-C", str(path), "show", f"HEAD:base/images/{name}"], check=True,
                                       capture_output=True, text=True).stdout
    return {"vm-base": read("vm-base/vm-base.kiwi"), "container": read("container-base/container-base.kiwi")}


def regex_direct_packages(text: str, profile: str) -> set[str]:
    """Names in <packages type="image|bootstrap"> sections that apply to `profile` and the profiles it requires."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    requires = {m[0]: re.findall(r'<requires profile="([^"]+)"', m[1])
                for m in re.findall(r'<profile name="([^"]+)"[^>]*?(?:/>|>(.*?)</profile>)', text, flags=re.S)}
    selected, pending = set(), [profile] if profile else []
    while pending:
        name = pending.pop()
        if name not in selected:
            selected.add(name)
            pending.extend(requires.get(name, []))
    found = set()
    for attrs, body in re.findall(r"<packages([^>]*)>(.*?)</packages>", text, flags=re.S):
        kind = re.search(r'type="([^"]+)"', attrs).group(1)
        profiles = re.search(r'profiles="([^"]+)"', attrs)
        if kind in ("image", "bootstrap") and (not profiles or selected & set(profiles.group(1).split(","))):
            found.update(re.findall(r'<package name="([^"]+)"', body))
    return found


def in_image(image: Image) -> dict[str, object]:
    return {p.name: p for p in image.packages.in_image().select_related("component")}


def test_the_five_images_are_read_with_their_profiles(release):
    images = {i.name: (i.profile, i.profiles, i.error) for i in release.images.all()}
    assert images == {name: (profile, selected, "") for name, (profile, selected) in PROFILES.items()}


@pytest.mark.parametrize("name, kiwi, profile", [
    ("vm-base", "vm-base", ""), ("container-distroless-debug", "container", "distroless-debug"),
    ("container-base", "container", "core"),
])
def test_the_direct_package_list_equals_an_independent_reading_of_the_kiwi_file(release, kiwi_texts, name, kiwi, profile):
    image = release.images.get(name=name)
    listed = set(image.packages.filter(role="direct").values_list("name", flat=True))
    assert listed == regex_direct_packages(kiwi_texts[kiwi], profile)
    assert image.direct_count == len(listed)


def test_the_counts_are_at_least_those_measured_at_the_cut(release):
    figures = {i.name: (i.direct_count, i.closure_count) for i in release.images.all()}
    for name, (listed, closure) in MEASURED.items():
        assert figures[name][0] == listed
        assert figures[name][1] >= closure, name
        assert figures[name][1] == len(in_image(release.images.get(name=name)))


def test_every_resolved_package_is_a_binary_package_of_its_component(release):
    resolved = set(BinaryPackage.objects.filter(component__release=release).values_list("component__name", "name"))
    for image in release.images.all():
        for p in in_image(image).values():
            assert (p.component is None) == (p.binary == "") and (p.component is None) == bool(p.unresolved)
            if p.component:
                assert (p.component.name, p.binary) in resolved


def test_every_closure_package_was_required_by_a_package_of_the_image(release):
    for image in release.images.all():
        packages = in_image(image)
        binaries = {p.binary for p in packages.values()}
        for p in packages.values():
            if p.role == "closure":
                assert p.required_by in binaries and p.requirement, (image.name, p.name)


def test_a_profile_that_requires_another_holds_at_least_its_packages(release):
    closure = {i.name: set(in_image(i)) for i in release.images.all()}
    assert closure["container-distroless-minimal"] <= closure["container-distroless-base"] <= closure["container-distroless-debug"]


def test_unresolved_names_and_requirements_say_why(release):
    for image in release.images.all():
        assert all(u["reason"] and u["requirement"] for u in image.unresolved_requires)
    vm = {p.name: p.unresolved for p in in_image(release.images.get(name="vm-base")).values() if p.unresolved}
    assert vm["wget"].startswith("several binary packages of the release provide wget")


def test_every_image_has_a_valid_signed_and_verified_sbom(release, sigstore_settings, tmp_path):
    made = generate_image_documents(release)
    assert set(made) == set(PROFILES)
    documents = SbomDocument.objects.filter(release=release).exclude(image_name="")
    assert documents.count() == 2 * len(PROFILES)
    assert all(d.validation["valid"] for d in documents)  # the library's schema validation, as for every document
    for document in documents.filter(image_name="vm-base"):  # the biggest, also by the JavaScript validators
        path = tmp_path / document.file_name
        path.write_bytes(bytes(document.content))
        result = cyclonedx_js.validate(path, "json" if document.format == "cyclonedx-json" else "xml")
        assert result["valid"], (document.file_name, result)
    vm = json.loads(bytes(documents.get(image_name="vm-base", format="cyclonedx-json").content))
    image = release.images.get(name="vm-base")
    assert sum(len(c.get("components", [])) for c in vm["components"]) == image.closure_count - len(
        [p for p in in_image(image).values() if not p.binary])
    for kind in (JobKind.SIGN, JobKind.VERIFY):
        job = run_job_in_process(kind, {"release_id": release.pk}, release=release)
        assert job.status == JobStatus.SUCCEEDED, job.error
    assert SignatureVerification.objects.filter(bundle__sbom_document__in=documents, verified=True).count() == 10
