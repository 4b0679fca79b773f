"""The `id` path converter of every URL (pages and API): a database id (1 to 18 digits), so that an
absurd number is a 404 from the resolver instead of an integer overflow in the database driver;
`parse_id` does the same for ids in query strings."""

from django.urls import register_converter

MAX_ID = 2**63 - 1


def parse_id(value: str) -> int | None:
    """A row id from a query-string value: ASCII digits a database integer holds, else None."""
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        return None
    return int(value)


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
