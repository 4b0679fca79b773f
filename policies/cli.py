"""What policies adds to `manage.py reviews RELEASE` (its hooks): the policy violations open and waived, the
sign-off state, and `--require-signed-off`, which exits non-zero unless the release is signed off (a release
gate for pipelines)."""

from __future__ import annotations

from .models import Finding, SignOff


def policy_totals(release) -> dict:
    counts = Finding.objects.filter(release=release).counts()
    return {"policy_violations_open": counts["open"], "policy_violations_waived": counts["waived"],
            "signed_off": SignOff.objects.filter(release=release).exists()}


def add_options(parser) -> None:
    parser.add_argument("--require-signed-off", action="store_true",
                        help="exit with status 1 unless the release is signed off")


def require_signed_off(release, totals: dict, options: dict) -> str:
    if options.get("require_signed_off") and not totals["signed_off"]:
        return f"release {release.pk} ({release.commit.sha[:12]}) is not signed off"
    return ""
