"""Who did what: API keys (machines' credentials) and the access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .choices import AccessAction
from .querysets import ApiKeyQuerySet


class ApiKey(models.Model):
    """A machine's credential for the REST API (see apikeys.py): stored as a SHA-256 digest, shown once."""

    name = models.CharField(max_length=100, unique=True)  # recorded in the access log with every call
    prefix = models.CharField(max_length=8, unique=True)  # not secret: finds the row, tells keys apart
    digest = models.CharField(max_length=64)  # sha256 of the whole key
    scopes = models.JSONField(default=list)  # subset of apikeys.SCOPES
    allowed_networks = models.JSONField(default=list)  # CIDR strings; empty: any address
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.CharField(max_length=45, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        db_table = "audits_apikey"  # moved from audits: same table, every row kept
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (pdg_{self.prefix}_…)"

    def state(self, now) -> str:
        """The key's state at `now`: active, revoked or expired."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


class AccessLog(models.Model):
    """Who viewed or exported what, and when (evidence for auditors; visible to admins)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150)  # kept when the account is deleted
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    target = models.CharField(max_length=500)  # plain words: "release 3", "component bash of release 3"
    path = models.CharField(max_length=2000)  # the request path with its query string (filters of an export)
    release = models.ForeignKey("audits.Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    api_key_name = models.CharField(max_length=100, blank=True)  # the API key that made the call, if any
    # Denied calls repeated by the same caller within PEDIGREE_ACCESS_LOG_REPEAT_SECONDS are one row:
    # how many there were, and when the last one came.
    repeats = models.PositiveIntegerField(default=1)
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "audits_accesslog"  # moved from audits: same table, every row kept
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.target}"


class ExternalIdentity(models.Model):
    """The provider identity an account was made for on its first sign-in (access/signin/accounts.py).

    An account signs in through its provider only: its password is unusable, and a provider user whose
    name is taken by an account that is not linked to it (a local break-glass admin, say) is refused.
    """

    OIDC = "oidc"
    LDAP = "ldap"
    METHODS = [(OIDC, "OpenID Connect"), (LDAP, "LDAP directory")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identity")
    method = models.CharField(max_length=10, choices=METHODS)
    issuer = models.CharField(max_length=500)  # the OIDC issuer, or the LDAP server URI
    subject = models.CharField(max_length=500)  # the `sub` claim, or the directory user name (lower case)
    groups = models.JSONField(default=list)  # the provider groups of the last sign-in (the no-role page shows them)
    roles = models.JSONField(default=list)  # the roles they mapped to
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["method", "issuer", "subject"], name="access_external_identity_unique")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.subject} ({self.issuer})"


class UserSession(models.Model):
    """One browser session of a user, recorded at sign-in, so that "sign out everywhere" finds them all."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signin_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    method = models.CharField(max_length=10)  # local, ldap or oidc
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.created_at:%Y-%m-%d %H:%M}"
