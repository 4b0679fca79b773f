"""The REST plumbing every app's API shares: authentication by API key, the permission each
operation needs, the access log of every call, RFC 9457 problems, throttling, keyset pagination,
ETags and file downloads, and the OpenAPI schema hooks."""
