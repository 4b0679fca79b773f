"""Accounts of provider users: made on the first sign-in, roles set from the provider at every one.

The rules, the same for OpenID Connect and LDAP:

- An account is found by its provider identity (ExternalIdentity: the OIDC issuer and `sub`, or the
  LDAP server and user name), never by its name alone.
- A provider user whose name is taken by an account that is not linked to that identity is refused,
  so no provider can sign in as a local account (the break-glass admin) or as another provider's user.
- New accounts get an unusable password: they sign in through their provider only.
- Their role groups become exactly the roles their provider groups map to (other Django groups and
  single permissions an admin granted by hand are left alone). No role: the account signs in, to a
  page that says so (views.no_role).
- A disabled account (is_active off in Pedigree) is refused.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import ExternalIdentity
from ..roles import ROLES

logger = logging.getLogger(__name__)


class SignInRefused(Exception):
    """The provider vouched for the user, but Pedigree will not sign them in; the message says why."""


def set_roles(user, roles: frozenset[str]) -> None:
    """Make the user's role groups exactly `roles`."""
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    missing = sorted(set(roles) - set(groups))
    if missing:
        raise SignInRefused(f"the role groups {', '.join(missing)} do not exist; an administrator must run "
                            "`manage.py setup_roles`")
    current = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if current - roles:
        user.groups.remove(*(groups[name] for name in current - roles))
    if roles - current:
        user.groups.add(*(groups[name] for name in roles - current))


def _clean_username(name: str, source: str) -> str:
    User = get_user_model()
    name = User.normalize_username(str(name or "").strip())
    if not name:
        raise SignInRefused(f"the provider sent no user name ({source})")
    field = User._meta.get_field(User.USERNAME_FIELD)
    try:
        field.run_validators(name)
        if len(name) > field.max_length:
            raise ValidationError("too long")
    except ValidationError:
        raise SignInRefused(f"the user name {name!r} ({source}) is not one Pedigree accepts: at most "
                            f"{field.max_length} letters, digits and @ . + - _") from None
    return name


def refuse_unlinked(existing, method: str, subject: str, issuer: str) -> None:
    """Refuse to sign a provider user in as `existing`, an account of the same name not linked to them."""
    if existing is None:
        return
    logger.warning("sign-in refused: %s user %r (%s) would take over the existing account %r", method, subject, issuer,
                   existing.get_username())
    raise SignInRefused(f"an account named {existing.get_username()!r} already exists in Pedigree and is not linked "
                        "to this sign-in method; an administrator must rename or remove it first")


@transaction.atomic
def provider_account(*, method: str, issuer: str, subject: str, username: str, username_source: str,
                     groups: list[str], roles: frozenset[str], email: str = "", first_name: str = "",
                     last_name: str = "", user=None):
    """The account of a provider identity, made on first sign-in, with its roles set.

    `user` is an account the backend has just made for this identity (django-auth-ldap makes it
    itself, after ldap.DirectoryBackend.get_or_build_user refused names of unlinked accounts).
    """
    User = get_user_model()
    identity = ExternalIdentity.objects.select_related("user").filter(method=method, issuer=issuer, subject=subject).first()
    if identity is not None:
        account = identity.user
        if user is not None and user.pk != account.pk:
            raise SignInRefused(f"the account {user.get_username()!r} is not the one linked to this identity")
    else:
        if user is None:
            name = _clean_username(username, username_source)
            refuse_unlinked(User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": name}).first(), method, subject, issuer)
            account = User(**{User.USERNAME_FIELD: name})
        else:
            account, name = user, user.get_username()
        account.set_unusable_password()
        account.save()
        identity = ExternalIdentity(user=account, method=method, issuer=issuer, subject=subject)
        logger.info("created the account %r for the %s identity %r (%s)", name, method, subject, issuer)
    if not account.is_active:
        raise SignInRefused(f"the account {account.get_username()!r} is disabled in Pedigree")
    changed = [f for f, v in (("email", email), ("first_name", first_name), ("last_name", last_name))
               if v and getattr(account, f) != v[:150]]
    for f in changed:
        setattr(account, f, (email if f == "email" else first_name if f == "first_name" else last_name)[:150])
    if changed:
        account.save(update_fields=changed)
    set_roles(account, roles)
    identity.groups = sorted(groups)[:200]
    identity.roles = sorted(roles)
    identity.last_sign_in_at = timezone.now()
    identity.save()
    return account
