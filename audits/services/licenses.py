"""License inventories of a set of components, their tabular export, and the License compared with Fedora's.

`license_inventory` takes any queryset of components (a release's, an image's, a filtered table's) and, for an
image, the binary packages to count: three grouped queries, whatever the size; the arithmetic is
audits.licenses.build_inventory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from django.db.models import Count, QuerySet

from ..azldev.specfile import parse_spec
from ..licenses import FAMILY_LABELS, LicenseFacts, LicenseInventory, analyse_license, build_inventory
from ..models import BinaryPackage, Component, Image, LicenseExpression

INVENTORY_COLUMNS = ("section", "license", "components", "binary_packages", "detail")


def license_inventory(components: QuerySet[Component], binaries: QuerySet[BinaryPackage] | None = None) -> LicenseInventory:
    """Licenses by key, by family, valid/invalid/missing, and the invalid values with the parser's message, counted
    over `components` and `binaries` (default: every binary package of `components`), each binary by the License
    that applies to it."""
    if binaries is None:
        binaries = BinaryPackage.objects.filter(component__in=components.order_by().values("pk"))
    by_component = dict(components.order_by().values_list("license_expression").annotate(n=Count("pk")))
    by_binary = dict(binaries.order_by().values_list("license_expression").annotate(n=Count("pk")))
    ids = (by_component.keys() | by_binary.keys()) - {None}
    facts = {row.pk: row.facts for row in LicenseExpression.objects.filter(pk__in=ids)}
    return build_inventory(
        (facts[pk] if pk is not None else None, by_component.get(pk, 0), by_binary.get(pk, 0))
        for pk in by_component.keys() | by_binary.keys()
    )


def image_license_inventory(image: Image) -> LicenseInventory:
    """An image's inventory: the components it holds, and of their binary packages only those in the image."""
    return license_inventory(Component.objects.in_image(image), BinaryPackage.objects.in_image(image))


def inventory_rows(inventory: LicenseInventory) -> Iterable[list[object]]:
    """Rows for INVENTORY_COLUMNS (CSV/XLSX): totals, families, keys, then the invalid values."""
    for count in (inventory.valid, inventory.invalid, inventory.missing):
        yield ["validity", count.name, count.components, count.binaries, ""]
    for count in inventory.by_family:
        yield ["family", FAMILY_LABELS[count.name], count.components, count.binaries, ""]
    for count in inventory.by_key:
        yield ["license", count.name, count.components, count.binaries, ""]
    for invalid in inventory.invalid_values:
        yield ["invalid", invalid.text, invalid.components, invalid.binaries, invalid.error]


@dataclass(frozen=True)
class FedoraLicense:
    """The component's License against the Fedora spec upstream verification fetched."""

    fedora: LicenseFacts | None  # None: not comparable (see reason)
    comparable: bool
    differs: bool
    reason: str  # why not comparable; empty otherwise


def compare_with_fedora(component: Component, upstream_spec: str) -> FedoraLicense:
    """Expand the Fedora spec's License as the ingest expands the rendered spec's (audits.azldev.specfile), parse
    both, compare their normal forms (or texts, for invalid ones). Macros left unexpanded: not comparable."""
    if not upstream_spec:
        return FedoraLicense(None, False, False, "upstream verification has no Fedora spec for this component")
    parsed = parse_spec(upstream_spec)
    text = parsed.license_expanded or parsed.license or ""
    if not text.strip():
        return FedoraLicense(None, False, False, "the Fedora spec states no License")
    if "%" in text:
        return FedoraLicense(None, False, False, f"the Fedora spec's License does not expand without a build: {text}")
    fedora = analyse_license(text)
    ours = component.license_expression.facts if component.license_expression else analyse_license(component.license)
    if fedora.valid and ours.valid:
        differs = fedora.normalized != ours.normalized
    else:
        differs = " ".join(fedora.text.split()) != " ".join(ours.text.split())
    return FedoraLicense(fedora, True, differs, "")
