"""The review progress on the release dashboard and the review panel of the package page: audits' templates
load these tags, so audits never imports reviews."""

from __future__ import annotations

from django import template

from ..models import Review
from ..panels import panel_context
from ..services import review_totals

register = template.Library()


@register.inclusion_tag("reviews/_release_progress.html")
def release_review_progress(release):
    return {"release": release, "totals": review_totals(release)}


@register.inclusion_tag("reviews/_component_panel.html", takes_context=True)
def component_review_panel(context, release, component):
    review = Review.objects.with_related().filter(component=component).first()
    panel = panel_context(review) if review is not None else {"review": None}
    return {**panel, "release": release, "component": component, "can": context.get("can")}
