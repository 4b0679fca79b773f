from types import SimpleNamespace

import pytest

from audits.azldev.overlay_words import explain_overlay
from audits.azldev.schema import OVERLAY_TYPES


def overlay(**fields):
    base = dict(type="", tag="", value="", package="", section="", lines=[], regex="", replacement="", file="",
                source="", archive="")
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize("kind", sorted(OVERLAY_TYPES))
def test_every_overlay_type_has_a_sentence_of_its_own(kind):
    assert not explain_overlay(overlay(type=kind)).startswith("applies an overlay of type")


def test_an_unknown_type_is_named_as_such():
    assert explain_overlay(overlay(type="spec-teleport")) == "applies an overlay of type spec-teleport"


def test_a_search_replace_without_replacement_deletes_in_the_named_file_of_an_archive():
    sentence = explain_overlay(overlay(type="file-search-replace", regex="a+", file="x.c", archive="src.tar.gz"))
    assert sentence == "deletes text matching the pattern a+ in file x.c inside archive src.tar.gz"


def test_removing_a_tag_names_its_value_and_the_sub_package():
    sentence = explain_overlay(overlay(type="spec-remove-tag", tag="Requires", value="bash", package="devel"))
    assert sentence == "removes the Requires tag with the value bash from sub-package -devel"
