"""Roles and the one place that decides what a signed-in user may see and do.

Roles are Django groups created by `manage.py setup_roles`; each grants model
permissions, and every check below asks for a permission, never for a group name,
so an admin can also grant a single capability to one account.

| role            | may                                                                   |
| --------------- | --------------------------------------------------------------------- |
| (no role)       | nothing: a signed-in account without a role sees only a page saying so |
| auditor         | read releases, components and comparisons; export (CSV, XLSX);        |
|                 | decide reviews of divergences and comment on them; the Atom feed      |
| release-manager | + start ingests and SBOM/signing jobs, upload third-party bundles,    |
|                 |   approve waivers of policy violations, sign releases off             |
| admin           | + read the access log, manage accounts (Django admin) and API keys,   |
|                 |   set a release's expected signer, edit the policy file,             |
|                 |   import advisories (vex), manage webhook endpoints (feeds)           |

The expected signer of a release is not a release manager's decision: a release manager uploads
the third-party bundles that are checked against it, and must not also choose whose signature
counts. That takes an admin (the role that grants roles anyway); every change is kept
(signing.SigningPolicyChange), shown on the release page, recorded in the access log and put in
the release's evidence bundles.

Reading needs a role (the view permission on releases); there is no per-release
visibility yet (every auditor sees every release).

An API key (access/api/authentication.py) acts with the permissions of its scopes
(SCOPE_PERMISSIONS), whoever created it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Callable

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .roles import (  # the names live in access.roles (pure Python)
    ADMIN,
    AUDITOR,
    RELEASE_MANAGER,
    ROLES,
)

VIEW = "audits.view_release"
EXPORT = "audits.export_release"
START_JOB = "jobs.start_job"
VIEW_ACCESS_LOG = "access.view_accesslog"
MANAGE_API_KEYS = "access.add_apikey"
CHANGE_SIGNING_POLICY = "signing.change_signingpolicy"
APPROVE_WAIVERS = "policies.approve_waiver"  # approve, change and revoke waivers of policy violations
SIGN_OFF = "policies.sign_off_release"
EDIT_POLICY = "policies.edit_policy"
DECIDE_REVIEWS = "reviews.change_review"  # decide reviews of divergences and comment on them
MANAGE_ACCOUNTS = "auth.change_user"  # the sessions page: sign a user out everywhere
IMPORT_ADVISORIES = "vex.add_advisory"
READ_FEED = "feeds.view_event"  # the Atom feed of events (feeds)
MANAGE_WEBHOOKS = "feeds.add_webhookendpoint"  # create, disable, delete webhook endpoints; their delivery log

_VIEW_MODELS = (
    "release", "component", "componentreason", "overlay", "sourcefileoverride", "renderedspec", "sourcesentry",
    "binarypackage", "image", "inconsistency", "configfile", "commit", "distribution",
    "componentcommit", "upstreamverification",
)
# Permissions (app_label.codename) each role's group holds; setup_roles applies exactly these.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    AUDITOR: tuple(f"audits.view_{m}" for m in _VIEW_MODELS) + ("jobs.view_job", EXPORT, "reviews.view_review",
                                                                 "reviews.view_reviewevent", DECIDE_REVIEWS)
    + tuple(f"policies.view_{m}" for m in ("policyversion", "finding", "waiver", "waiverevent", "signoff"))
    + tuple(f"vex.view_{m}" for m in ("vexscan", "cvefinding", "advisory", "advisorypackage")) + (READ_FEED,),
}
ROLE_PERMISSIONS[RELEASE_MANAGER] = ROLE_PERMISSIONS[AUDITOR] + (START_JOB, "jobs.add_job", APPROVE_WAIVERS, SIGN_OFF)
ROLE_PERMISSIONS[ADMIN] = ROLE_PERMISSIONS[RELEASE_MANAGER] + (
    VIEW_ACCESS_LOG, MANAGE_API_KEYS, "access.view_apikey", "access.change_apikey", CHANGE_SIGNING_POLICY, EDIT_POLICY,
    "auth.view_user", "auth.add_user", "auth.change_user", "auth.view_group", "auth.change_group",
    IMPORT_ADVISORIES, MANAGE_WEBHOOKS, "feeds.view_webhookendpoint", "feeds.change_webhookendpoint",
    "feeds.delete_webhookendpoint", "feeds.view_webhookdelivery", "feeds.add_webhookdelivery",
)

# What each API-key scope (apikeys.SCOPES) allows.
SCOPE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "read": (VIEW, READ_FEED),
    "export": (EXPORT,),
    "jobs": (START_JOB,),
    "review": (DECIDE_REVIEWS,),
    "waivers": (APPROVE_WAIVERS,),
    "sign-off": (SIGN_OFF,),
    "policy": (EDIT_POLICY,),
    "admin": (VIEW_ACCESS_LOG, IMPORT_ADVISORIES),
    "feed": (READ_FEED,),  # only the Atom feed: for feed readers
}

_CACHE_ATTRIBUTE = "_pedigree_permissions"


def permissions_of(user) -> frozenset[str]:
    """The user's permissions as "app_label.codename", read in one query and kept on the user object.

    One query instead of ModelBackend's two (user and group permissions) keeps
    list pages within their query budget.
    """
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    api_key = getattr(user, "api_key", None)
    if api_key is not None:
        perms: frozenset[str] = frozenset(p for scope in api_key.scopes for p in SCOPE_PERMISSIONS.get(scope, ()))
    elif not (user.is_authenticated and user.is_active):
        perms = frozenset()
    elif user.is_superuser:
        perms = frozenset(p for role in ROLES for p in ROLE_PERMISSIONS[role])
    else:
        rows = (
            Permission.objects.filter(Q(user=user) | Q(group__user=user))
            .values_list("content_type__app_label", "codename")
            .distinct()
        )
        perms = frozenset(f"{app}.{codename}" for app, codename in rows)
    setattr(user, _CACHE_ATTRIBUTE, perms)
    return perms


def can_view(user) -> bool:
    return VIEW in permissions_of(user)


def can_export(user) -> bool:
    return EXPORT in permissions_of(user)


def can_start_jobs(user) -> bool:
    return START_JOB in permissions_of(user)


def can_view_access_log(user) -> bool:
    return VIEW_ACCESS_LOG in permissions_of(user)


def can_manage_api_keys(user) -> bool:
    return MANAGE_API_KEYS in permissions_of(user)


def can_change_signing_policy(user) -> bool:
    return CHANGE_SIGNING_POLICY in permissions_of(user)


def can_decide_reviews(user) -> bool:
    return DECIDE_REVIEWS in permissions_of(user)


def can_approve_waivers(user) -> bool:
    return APPROVE_WAIVERS in permissions_of(user)


def can_sign_off(user) -> bool:
    return SIGN_OFF in permissions_of(user)


def can_edit_policy(user) -> bool:
    return EDIT_POLICY in permissions_of(user)


def can_manage_accounts(user) -> bool:
    return MANAGE_ACCOUNTS in permissions_of(user)


def can_import_advisories(user) -> bool:
    return IMPORT_ADVISORIES in permissions_of(user)


def can_read_feed(user) -> bool:
    return READ_FEED in permissions_of(user)


def can_manage_webhooks(user) -> bool:
    return MANAGE_WEBHOOKS in permissions_of(user)


@dataclass(frozen=True)
class Capabilities:
    """What templates may offer; computed lazily so pages that show no actions pay no query."""

    user: object

    @property
    def export(self) -> bool:
        return can_export(self.user)

    @property
    def start_jobs(self) -> bool:
        return can_start_jobs(self.user)

    @property
    def view_access_log(self) -> bool:
        return can_view_access_log(self.user)

    @property
    def decide_reviews(self) -> bool:
        return can_decide_reviews(self.user)

    @property
    def approve_waivers(self) -> bool:
        return can_approve_waivers(self.user)

    @property
    def sign_off(self) -> bool:
        return can_sign_off(self.user)

    @property
    def edit_policy(self) -> bool:
        return can_edit_policy(self.user)

    @property
    def manage_api_keys(self) -> bool:
        return can_manage_api_keys(self.user)

    @property
    def change_signing_policy(self) -> bool:
        return can_change_signing_policy(self.user)

    @property
    def manage_accounts(self) -> bool:
        return can_manage_accounts(self.user)

    @property
    def import_advisories(self) -> bool:
        return can_import_advisories(self.user)

    @property
    def manage_webhooks(self) -> bool:
        return can_manage_webhooks(self.user)


def require(check: Callable[[object], bool], message: str):
    """View decorator: 403 with `message` unless `check(request.user)`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


viewer_required = require(can_view, "Reading releases needs the auditor role; ask an admin to grant it.")
export_required = require(can_export, "Exporting needs the auditor role.")
job_starter_required = require(can_start_jobs, "Starting jobs needs the release-manager role.")
access_log_required = require(can_view_access_log, "The access log is visible to admins only.")
api_keys_required = require(can_manage_api_keys, "API keys are managed by admins only.")
signing_policy_required = require(can_change_signing_policy,
                                  "The expected signer of a release is set by an admin: a release manager uploads the "
                                  "bundles checked against it, so a second person decides whose signature counts.")
reviews_decider_required = require(can_decide_reviews, "Deciding reviews needs the auditor role.")
waiver_approver_required = require(can_approve_waivers, "Waivers are approved by release managers.")
sign_off_required = require(can_sign_off, "Releases are signed off by release managers.")
policy_editor_required = require(can_edit_policy, "The policy file is edited by admins.")
accounts_required = require(can_manage_accounts, "Accounts and their sessions are managed by admins only.")
advisory_import_required = require(can_import_advisories, "Advisories are imported by admins only.")
webhooks_required = require(can_manage_webhooks, "Webhook endpoints and their deliveries are managed by admins only.")
