"""The license inventory of the real corpus (the shared ingest) against an independent computation.

The independent side starts from the raw License values the ingest stored (Component.license, and for each
binary package its own value or else the component's) and asks license-expression differently: through
`Licensing.validate()` (which audits.licenses avoids) and its `normalized_expression`, counting with
collections.Counter, with no code of audits.licenses or audits.services.licenses.
"""

from collections import Counter

import license_expression
import pytest

from audits.models import BinaryPackage, Component, Image, ImagePackage, LicenseExpression
from audits.services.licenses import image_license_inventory, license_inventory

pytestmark = [pytest.mark.corpus, pytest.mark.django_db]

LICENSING = license_expression.get_spdx_licensing()


@pytest.fixture(scope="module")
def release(corpus_outcome):
    return corpus_outcome.release


def independent(text: str) -> str | None:
    """The normal form, or None when license-expression's validate() finds any error (or crashes on the value)."""
    try:
        info = LICENSING.validate(" ".join(text.split()))
    except Exception:  # validate() raises AttributeError on some syntax errors: invalid all the same
        return None
    return info.normalized_expression if not info.errors else None


@pytest.fixture(scope="module")
def raw(release, django_db_blocker):
    """(component values, binary values that apply) straight from the stored raw text."""
    with django_db_blocker.unblock():
        components = list(Component.objects.filter(release=release).values_list("license", flat=True))
        binaries = [own or main for own, main in BinaryPackage.objects.filter(component__release=release)
                    .values_list("license", "component__license")]
        inventory = license_inventory(Component.objects.filter(release=release))
        stored = {row.text: row for row in LicenseExpression.objects.filter(release=release)}
    return components, binaries, inventory, stored


def test_every_stored_value_has_the_independent_validity_and_normal_form(raw):
    _, _, _, stored = raw
    assert stored
    mismatches = [(text, row.normalized, independent(text)) for text, row in stored.items()
                  if (row.normalized if row.valid else None) != independent(text)]
    assert mismatches == []


def test_the_validity_figures_equal_an_independent_recount(raw):
    components, binaries, inventory, _ = raw

    def recount(values):
        counts = Counter("missing" if not v.strip() else "valid" if independent(v) else "invalid" for v in values)
        return counts["valid"], counts["invalid"], counts["missing"]

    got = {what: tuple(getattr(getattr(inventory, f), what) for f in ("valid", "invalid", "missing"))
           for what in ("components", "binaries")}
    assert got == {"components": recount(components), "binaries": recount(binaries)}
    print(f"\ncorpus licenses: components valid/invalid/missing {got['components']}, binaries {got['binaries']}")
    print("by family (components, binaries):", [(c.name, c.components, c.binaries) for c in inventory.by_family])


def test_the_per_license_counts_equal_an_independent_recount(raw):
    components, binaries, inventory, _ = raw

    def recount(values):
        counts: Counter = Counter()
        for v in values:
            if v.strip() and independent(v):
                counts.update(set(LICENSING.license_keys(LICENSING.parse(v))))
        return counts

    by_component, by_binary = recount(components), recount(binaries)
    assert {c.name: c.components for c in inventory.by_key if c.components} == dict(+by_component)
    assert {c.name: c.binaries for c in inventory.by_key if c.binaries} == dict(+by_binary)


def test_the_invalid_values_are_listed_with_the_parsers_message(raw):
    components, binaries, inventory, _ = raw
    invalid = {" ".join(v.split()) for v in components + binaries if v.strip() and not independent(v)}
    listed = {" ".join(i.text.split()): i.error for i in inventory.invalid_values}
    assert set(listed) == invalid
    assert all(listed.values())
    assert listed.get("LicenseRef-Callaway-BSD") == "Unknown license key(s): LicenseRef-Callaway-BSD"
    print(f"\n{len(listed)} distinct invalid values, e.g.", sorted(listed.items())[:5])


def test_families_of_simple_expressions_follow_the_scancode_categories(raw):
    """Independent for values with one key or only AND: the most restrictive category of their keys."""
    _, _, _, stored = raw
    category = {}
    for entry in license_expression.get_license_index():
        for key in [entry.get("spdx_license_key"), *entry.get("other_spdx_license_keys", [])]:
            if key:
                category.setdefault(key.lower(), entry["category"])
    order = ["Public Domain", "Permissive", "Copyleft Limited", "Copyleft"]
    names = dict(zip(order, ["public-domain", "permissive", "weak-copyleft", "strong-copyleft"]))
    checked = 0
    for row in stored.values():
        if not row.valid or any(word in row.normalized.split() for word in ("OR", "WITH")):
            continue
        categories = [category.get(k.lower()) for k in row.keys]
        expected = "unknown" if any(c not in order for c in categories) else names[max(categories, key=order.index)]
        assert row.family == expected, row.text
        checked += 1
    assert checked > 100


def test_no_license_keeps_the_text_of_a_dnl_comment_line(raw):
    """Multi-line %{shrink:...} values with %dnl comment lines are stored as rpm expands them."""
    components, binaries, _, _ = raw
    assert [v for v in components + binaries if "%dnl" in v] == []


def test_each_images_inventory_equals_a_recount_of_the_packages_it_holds(release, django_db_blocker):
    """Recounted from the image's package rows (listed and closure), each resolved binary package once, with the
    raw License that applies to it (own or else the component's)."""
    with django_db_blocker.unblock():
        images = list(Image.objects.filter(release=release, error="").order_by("name"))
        assert len(images) == 5
        for image in images:
            held = set(ImagePackage.objects.filter(image=image, role__in=("direct", "closure"), component__isnull=False)
                       .exclude(binary="").values_list("component_id", "binary"))
            values = {(row[0], row[1]): row[2] or row[3] for row in BinaryPackage.objects.filter(
                component_id__in={c for c, _ in held}).values_list("component_id", "name", "license", "component__license")}
            applies = [values[key] for key in held]
            inventory = image_license_inventory(image)
            recount = Counter("missing" if not v.strip() else "valid" if independent(v) else "invalid" for v in applies)
            assert (inventory.components, inventory.binaries) == (len({c for c, _ in held}), len(held)), image.name
            assert (inventory.valid.binaries, inventory.invalid.binaries, inventory.missing.binaries) == (
                recount["valid"], recount["invalid"], recount["missing"]), image.name
            print(f"\nimage {image.name}: {inventory.components} components, {inventory.binaries} binary packages, "
                  f"valid/invalid/missing {recount['valid']}/{recount['invalid']}/{recount['missing']}, "
                  f"families {[(c.name, c.binaries) for c in inventory.by_family if c.binaries]}")
