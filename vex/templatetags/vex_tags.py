"""Template tags that let audits pages show the VEX panels without importing the vex app."""

from django import template

from ..cves import statements
from ..models import VexScan
from ..services.advisories import release_matches
from ..services.statements import release_statements, stored_findings

register = template.Library()


@register.inclusion_tag("vex/_release_panel.html")
def release_vex_panel(release):
    scan = VexScan.objects.filter(release=release).first()
    return {"release": release, "scan": scan, "statements": release_statements(release) if scan else []}


@register.inclusion_tag("vex/_component_panel.html")
def component_vex_panel(release, name):
    """The package's findings, statements and advisory matches: two queries without advisories for it."""
    findings = stored_findings(release, name)
    stated = statements(findings)
    return {"release": release, "name": name, "findings": findings, "statements": stated,
            "matches": release_matches(release, name, stated)}
