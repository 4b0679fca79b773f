"""Waivers: a release manager accepts a violation for a while. Each approval, change and revocation is
kept as a WaiverEvent; expiry is decided at read time (WaiverQuerySet.active), so a waiver that has
expired waives nothing from that moment on, with no job needed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Finding, SignOff, Waiver, WaiverEvent


class WaiverError(ValueError):
    """The waiver cannot be saved (message for the user)."""


class StaleWaiver(Exception):
    """The waiver changed since the caller read it (optimistic concurrency)."""


def etag(waiver: Waiver) -> str:
    return f"waiver-{waiver.pk}-r{waiver.revision}"


def _refuse_when_signed_off(release_id: int) -> None:
    if SignOff.objects.filter(release_id=release_id).exists():
        raise WaiverError("the release is signed off: its waivers are frozen (a later commit is a new release "
                          "that needs its own sign-off)")


def _check(justification: str, expires_at) -> None:
    if not justification.strip():
        raise WaiverError("a waiver needs a justification")
    if expires_at <= timezone.now():
        raise WaiverError("the expiry must be in the future")


def _event(waiver: Waiver, action: str, *, user, via: str) -> None:
    WaiverEvent.objects.create(waiver=waiver, action=action, user=user, via=via, at=timezone.now(),
                               justification=waiver.justification, expires_at=waiver.expires_at)


def approve(finding: Finding, *, justification: str, expires_at, user, via: str) -> Waiver:
    """Waive `finding` until `expires_at`."""
    _refuse_when_signed_off(finding.release_id)
    _check(justification, expires_at)
    if Waiver.objects.active().filter(component_id=finding.component_id, rule=finding.rule,
                                      subject=finding.subject).exists():
        raise WaiverError("this finding is already waived: change or revoke that waiver")
    with transaction.atomic():
        waiver = Waiver.objects.create(release_id=finding.release_id, component_id=finding.component_id,
                                       rule=finding.rule, subject=finding.subject, justification=justification,
                                       approved_by=user, approved_at=timezone.now(), expires_at=expires_at)
        _event(waiver, WaiverEvent.Action.APPROVED, user=user, via=via)
    return waiver


def _locked(waiver: Waiver, revision: int | None) -> Waiver:
    current = Waiver.objects.select_for_update().get(pk=waiver.pk)
    if revision is not None and revision != current.revision:
        raise StaleWaiver(f"the waiver is at revision {current.revision}, not {revision}: reload it")
    if current.revoked_at is not None:
        raise WaiverError("the waiver is revoked")
    return current


def change(waiver: Waiver, *, justification: str, expires_at, user, via: str, revision: int | None) -> Waiver:
    """New justification and expiry; `revision` is the one the caller read (None: no check)."""
    _refuse_when_signed_off(waiver.release_id)
    _check(justification, expires_at)
    with transaction.atomic():
        current = _locked(waiver, revision)
        current.justification, current.expires_at, current.revision = justification, expires_at, current.revision + 1
        current.save(update_fields=["justification", "expires_at", "revision"])
        _event(current, WaiverEvent.Action.CHANGED, user=user, via=via)
    return current


def revoke(waiver: Waiver, *, user, via: str, revision: int | None) -> Waiver:
    _refuse_when_signed_off(waiver.release_id)
    with transaction.atomic():
        current = _locked(waiver, revision)
        current.revoked_at, current.revision = timezone.now(), current.revision + 1
        current.save(update_fields=["revoked_at", "revision"])
        _event(current, WaiverEvent.Action.REVOKED, user=user, via=via)
    return current


def active_waivers(release, at=None) -> list[Waiver]:
    """The release's waivers in force at `at`, with their components and approvers."""
    return list(Waiver.objects.active(at).filter(release=release).select_related("component", "approved_by"))
