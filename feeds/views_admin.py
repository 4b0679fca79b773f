"""The admins' webhook pages: endpoints (create: the secret is shown once, in the POST's answer; disable,
enable, delete) and each endpoint's delivery log with a redeliver button."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.accesslog import record_access
from access.choices import AccessAction
from access.permissions import Capabilities, webhooks_required

from .forms import EndpointForm
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .services import delivery as deliveries
from .tasks import queue_deliveries

LOG_ROWS = 200


def _page(request, form: EndpointForm, *, new_secret: str = "", new_endpoint=None, status: int = 200):
    counts = {f"n_{s}": Count("deliveries", filter=Q(deliveries__status=s)) for s in DeliveryStatus.values}
    endpoints = WebhookEndpoint.objects.select_related("created_by").annotate(**counts)
    return render(request, "feeds/webhooks.html", {
        "can": Capabilities(request.user), "form": form, "endpoints": endpoints, "new_secret": new_secret,
        "new_endpoint": new_endpoint,
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@webhooks_required
def webhooks(request):
    if request.method == "GET":
        return _page(request, EndpointForm())
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    endpoint, secret = deliveries.create_endpoint(form.cleaned_data["url"], form.cleaned_data["kinds"],
                                                  user=request.user)
    record_access(request, AccessAction.WEBHOOKS, f"created webhook endpoint {endpoint.pk} ({endpoint.url})")
    # The secret is shown in this answer only (never_cache: no-store), like a new API key.
    return _page(request, EndpointForm(), new_secret=secret, new_endpoint=endpoint)


@require_POST
@webhooks_required
def toggle(request, pk: int):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    endpoint.active = not endpoint.active
    endpoint.save(update_fields=["active"])
    state = "enabled" if endpoint.active else "disabled"
    record_access(request, AccessAction.WEBHOOKS, f"{state} webhook endpoint {endpoint.pk} ({endpoint.url})")
    messages.success(request, f"The endpoint {endpoint.url} is {state}.")
    return redirect("feeds:webhooks")


@require_POST
@webhooks_required
def delete(request, pk: int):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    record_access(request, AccessAction.WEBHOOKS, f"deleted webhook endpoint {endpoint.pk} ({endpoint.url})")
    endpoint.delete()
    messages.success(request, f"The endpoint {endpoint.url} and its delivery log are deleted.")
    return redirect("feeds:webhooks")


@require_GET
@webhooks_required
def delivery_log(request, pk: int):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    rows = (WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event").order_by("-id")[:LOG_ROWS])
    return render(request, "feeds/deliveries.html", {"can": Capabilities(request.user), "endpoint": endpoint,
                                                     "deliveries": rows, "limit": LOG_ROWS})


@require_POST
@webhooks_required
def redeliver(request, pk: int):
    old = get_object_or_404(WebhookDelivery.objects.select_related("endpoint", "event"), pk=pk)
    if not old.endpoint.active:
        messages.error(request, "The endpoint is disabled; enable it first.")
        return redirect("feeds:deliveries", pk=old.endpoint_id)
    new = deliveries.redeliver(old)
    queue_deliveries([new.pk])
    record_access(request, AccessAction.WEBHOOKS, f"redelivered event {old.event_id} to webhook endpoint "
                                                  f"{old.endpoint_id} (delivery {new.pk})")
    messages.success(request, f"Event {old.event_id} is queued again as delivery {new.pk}.")
    return redirect("feeds:deliveries", pk=old.endpoint_id)
