"""access.apikeys: the key format, hashing and network checks (no database)."""

import pytest

from access import apikeys


def test_generated_key_has_its_prefix_and_matches_only_its_digest():
    new = apikeys.generate_key()
    assert new.key.startswith(f"pdg_{new.prefix}_")
    assert apikeys.prefix_of(new.key) == new.prefix
    assert apikeys.matches(new.key, new.digest)
    assert not apikeys.matches(new.key + "x", new.digest)
    assert new.digest == apikeys.hash_key(new.key) and new.key not in new.digest


def test_two_generated_keys_differ():
    assert apikeys.generate_key().key != apikeys.generate_key().key


@pytest.mark.parametrize("text", ["", "pdg_1234", "pdg_zzzzzzzz_" + "a" * 43, "token " + "a" * 50])
def test_malformed_key_has_no_prefix(text):
    assert apikeys.prefix_of(text) is None


def test_networks_are_normalised_and_deduplicated():
    assert apikeys.parse_networks("10.1.2.3/8, 192.0.2.7\n10.0.0.0/8  2001:db8::1/32") == [
        "10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"
    ]


def test_a_bad_network_is_named_in_the_error():
    with pytest.raises(ValueError, match="'10.0.0.300/8'"):
        apikeys.parse_networks("10.0.0.0/8, 10.0.0.300/8")


@pytest.mark.parametrize(
    ("address", "networks", "allowed"),
    [
        ("203.0.113.9", [], True),
        ("10.2.3.4", ["10.0.0.0/8"], True),
        ("11.2.3.4", ["10.0.0.0/8"], False),
        ("::ffff:10.2.3.4", ["10.0.0.0/8"], True),
        ("2001:db8::5", ["10.0.0.0/8", "2001:db8::/32"], True),
        ("not-an-address", ["10.0.0.0/8"], False),
    ],
)
def test_address_allowed(address, networks, allowed):
    assert apikeys.address_allowed(address, networks) is allowed
