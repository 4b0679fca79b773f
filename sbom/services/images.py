"""The CycloneDX documents of a release's images (audits.images), made by the SBOM job after the release's own.

Each image's document is built by the same builder as the release's (cyclonedx.build_bom with `image`, see
cyclonedx_image.py) from the same facts, loaded for the components the image holds, validated the same way and
stored as an SbomDocument with `image_name`, so the sign and verify jobs pick it up like any other document.
"""

from __future__ import annotations

from collections import defaultdict

from audits.images import IN_IMAGE
from audits.models import Image, ImagePackage, Release
from jobs.progress import Progress

from ..choices import SbomFormat
from ..models import SbomDocument
from .facts import ImageFacts
from .generate import build_documents, generate_release_documents, load_release_facts, store

IMAGE_FORMATS = [SbomFormat.CYCLONEDX_JSON, SbomFormat.CYCLONEDX_XML]


def image_facts(release: Release) -> list[ImageFacts]:
    """Every image of the release its description could be read for, with the packages it holds (two queries)."""
    images = list(Image.objects.filter(release=release, error="").order_by("name"))
    packages = defaultdict(list)
    unresolved = defaultdict(list)
    for image_id, component, binary, name, why in (
        ImagePackage.objects.filter(image__in=images, role__in=IN_IMAGE).order_by("name")
        .values_list("image_id", "component__name", "binary", "name", "unresolved")
    ):
        if component:
            packages[image_id].append((component, binary))
        else:
            unresolved[image_id].append(f"{name}: {why}")
    return [
        ImageFacts(i.name, i.description, i.profile, i.kiwi_path, tuple(i.build_types), tuple(packages[i.pk]),
                   tuple(unresolved[i.pk]))
        for i in images
    ]


def generate_image_documents(release: Release, *, job=None, progress: Progress | None = None) -> dict[str, dict]:
    """Build, validate and store the CycloneDX JSON and XML of each image; image name -> its formats' results."""
    result = {}
    images = image_facts(release)
    for done, image in enumerate(images):
        if progress:
            progress(done, len(images), f"image SBOMs: {image.name}")
        facts = load_release_facts(release, names={component for component, _ in image.packages})
        result[image.name] = {}
        for built in build_documents(facts, IMAGE_FORMATS, image=image):
            stored = store(release, built, image=image.name, job=job)
            result[image.name][built.format] = {"id": stored.document.pk, "sha256": stored.document.sha256,
                                                "changed": stored.changed}
    return result


def generate_documents(release: Release, *, job=None, progress: Progress | None = None) -> dict:
    """The SBOM job's work: the release's documents, then its images'."""
    result = generate_release_documents(release, job=job, progress=progress)
    result["images"] = generate_image_documents(release, job=job, progress=progress)
    return result


def image_document(release: Release, image_name: str, fmt: str) -> SbomDocument | None:
    """The stored document of an image, or None before the SBOM job has made it."""
    return (SbomDocument.objects.select_related("release__commit", "release__distribution").defer("content", "report")
            .filter(release=release, image_name=image_name, format=fmt).first())
