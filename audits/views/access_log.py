"""The access log page: who read or exported what, and who started which job."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.decorators.http import require_GET

from access.choices import AccessAction
from access.models import AccessLog
from access.permissions import access_log_required, can_export

from .common import PAGE_SIZE, render_page


@require_GET
@access_log_required
def access_log(request):
    entries = AccessLog.objects.all()
    username = request.GET.get("user", "").strip()
    if username:
        entries = entries.filter(username=username)
    action = request.GET.get("action", "")
    if action in AccessAction.values:
        entries = entries.filter(action=action)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "audits/access_log.html",
        {"page": page, "username": username, "action": action, "actions": AccessAction.choices, "can_export": can_export(request.user)},
    )
