"""Template tags that let audits pages show the policy panels without importing policies."""

from django import template

from ..models import Finding, SignOff

register = template.Library()


@register.inclusion_tag("policies/_release_panel.html")
def release_policy_panel(release):
    """The dashboard's policy line: open and waived violations, sign-off state (two queries)."""
    return {"release": release, "counts": Finding.objects.filter(release=release).counts(),
            "sign_off": SignOff.objects.filter(release=release).select_related("signed_by").first()}


@register.inclusion_tag("policies/_component_findings.html")
def component_findings(release, component):
    findings = Finding.objects.filter(component=component).with_waiver().order_by("rule", "subject")
    return {"release": release, "findings": list(findings)}
