"""Pure-Python RPM spec expansion: truthful identities from untrusted specs (issue 12)."""
