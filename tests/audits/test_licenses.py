"""audits.licenses: License values as SPDX expressions, families and the inventory arithmetic (no database)."""

import pytest

from audits.licenses import (
    NO_LICENSE_ERROR,
    PERMISSIVE,
    PUBLIC_DOMAIN,
    STRONG_COPYLEFT,
    UNKNOWN,
    WEAK_COPYLEFT,
    analyse_license,
    build_inventory,
    family_of_key,
)


def test_a_valid_spdx_id_is_valid_and_keeps_its_form():
    facts = analyse_license("MIT")
    assert (facts.valid, facts.normalized, facts.error, facts.keys) == (True, "MIT", "", ("MIT",))


@pytest.mark.parametrize(("text", "normalized"), [
    ("mit", "MIT"),
    ("GPL-2.0+", "GPL-2.0-or-later"),
    ("MIT or  Apache-2.0", "MIT OR Apache-2.0"),
    ("LGPL-2.1-or-later AND MIT OR BSD-3-Clause", "(LGPL-2.1-or-later AND MIT) OR BSD-3-Clause"),
])
def test_valid_values_are_normalised_by_the_library(text, normalized):
    facts = analyse_license(text)
    assert facts.valid and facts.normalized == normalized


def test_an_unknown_key_is_invalid_with_the_parsers_message_and_the_keys_it_named():
    facts = analyse_license("BSD and MIT and GPL+")
    assert not facts.valid and facts.normalized == ""
    assert facts.error == "Unknown license key(s): BSD, GPL+"
    assert facts.keys == ("BSD", "MIT", "GPL+")


def test_a_syntax_error_is_invalid_with_the_parsers_message():
    # license-expression's own validate() raises AttributeError here; the module must not.
    facts = analyse_license("MIT and")
    assert not facts.valid and "AND requires two or more licenses" in facts.error


def test_an_exception_used_as_a_license_is_invalid():
    facts = analyse_license("Classpath-exception-2.0")
    assert not facts.valid and "exception" in facts.error


def test_a_licenseref_the_index_does_not_know_is_invalid():
    facts = analyse_license("LicenseRef-Callaway-BSD")
    assert not facts.valid and "LicenseRef-Callaway-BSD" in facts.error


def test_a_blank_value_is_invalid_and_says_there_is_none():
    facts = analyse_license("  \n")
    assert (facts.valid, facts.error, facts.family) == (False, NO_LICENSE_ERROR, UNKNOWN)


@pytest.mark.parametrize(("key", "family"), [
    ("MIT", PERMISSIVE),
    ("Unlicense", PUBLIC_DOMAIN),
    ("LGPL-2.1-or-later", WEAK_COPYLEFT),
    ("MPL-2.0", WEAK_COPYLEFT),
    ("GPL-3.0-only", STRONG_COPYLEFT),
    ("no-such-license", UNKNOWN),
])
def test_families_come_from_the_scancode_category_of_each_key(key, family):
    assert family_of_key(key) == family


@pytest.mark.parametrize(("text", "family"), [
    ("MIT AND GPL-2.0-or-later", STRONG_COPYLEFT),  # AND: the most restrictive
    ("MIT OR GPL-2.0-or-later", PERMISSIVE),  # OR: the least restrictive, the recipient chooses
    ("MIT AND (Unlicense OR GPL-2.0-only)", PERMISSIVE),
    ("GPL-2.0-only WITH Classpath-exception-2.0", WEAK_COPYLEFT),  # an exception only grants permissions
    ("Apache-2.0 WITH LLVM-exception", PERMISSIVE),
])
def test_a_compound_expression_gets_one_family_by_restrictiveness(text, family):
    assert analyse_license(text).family == family


def test_an_invalid_value_is_of_unknown_family():
    assert analyse_license("GPLv2+").family == UNKNOWN


def test_the_inventory_counts_each_key_of_a_value_and_each_package_once_per_family():
    mit, dual, gpl_and_mit, bad = (analyse_license(t) for t in ("MIT", "MIT OR Apache-2.0", "GPL-2.0-only AND MIT", "GPLv2+"))
    inventory = build_inventory([(mit, 3, 5), (dual, 1, 2), (gpl_and_mit, 2, 2), (bad, 1, 4), (None, 2, 0)])
    assert (inventory.components, inventory.binaries) == (9, 13)
    keys = {c.name: (c.components, c.binaries) for c in inventory.by_key}
    assert keys == {"MIT": (6, 9), "Apache-2.0": (1, 2), "GPL-2.0-only": (2, 2)}
    assert [c.name for c in inventory.by_key][0] == "MIT"
    families = {c.name: (c.components, c.binaries) for c in inventory.by_family}
    assert families[PERMISSIVE] == (4, 7) and families[STRONG_COPYLEFT] == (2, 2)
    assert families[UNKNOWN] == (3, 4)  # the invalid value and the packages without one
    assert sum(c.components for c in inventory.by_family) == inventory.components


def test_the_inventory_lists_invalid_values_with_their_message_and_separates_missing_ones():
    inventory = build_inventory([(analyse_license("GPLv2+"), 1, 4), (None, 2, 0), (analyse_license("MIT"), 1, 1)])
    (invalid,) = inventory.invalid_values
    assert (invalid.text, invalid.error, invalid.components, invalid.binaries) == (
        "GPLv2+", "Unknown license key(s): GPLv2+", 1, 4)
    assert (inventory.valid.components, inventory.invalid.components, inventory.missing.components) == (1, 1, 2)
