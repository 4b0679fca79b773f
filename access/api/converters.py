"""The `id` path converter of API URLs: a database id (1 to 18 digits), so that an absurd number is a
404 from the resolver instead of an integer overflow in the database driver."""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
