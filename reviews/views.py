"""The review pages: the queue of a release (filters, bulk decisions) and one review's page (decision form,
comment thread, full history). Writes go through services.decisions and are recorded in the access log;
every form works without JavaScript (static/js/reviews.js only adds the queue's keys)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.accesslog import record_access
from access.choices import AccessAction
from access.permissions import reviews_decider_required, viewer_required
from audits.models import ComponentReason, Overlay, Release
from audits.views.common import PAGE_SIZE, render_page

from .choices import ReviewState
from .errors import ReviewError, StaleReview
from .forms import BulkDecisionForm, CommentForm, DecisionForm
from .models import Review
from .panels import panel_context
from .queue_filters import queue_filters
from .services import actor_of, add_comment, clean_decision, decide, decide_many, review_totals
from .services.decisions import parse_versions



# What a queue row shows; the component's big JSON and the review's divergence document stay in the database.
_ROW_FIELDS = ("id", "state", "version", "decided_by_name", "decided_at", "carried_from", "changed_since",
               "component__name", "component__headline")


def _queue_reviews(release: Release, params):
    reviews = (Review.objects.of_release(release).select_related("component").only(*_ROW_FIELDS)
               .annotate(carried_from_release=F("carried_from__release_id")).queue_order()
               .prefetch_related(Prefetch("component__reasons", ComponentReason.objects.only("component_id", "code"))))
    state, reason, category = params.get("state", ""), params.get("reason", ""), params.get("category", "")
    if state in ReviewState.values:
        reviews = reviews.filter(state=state)
    # IN (subquery of this release's rows) rather than a correlated EXISTS per review: one scan, not one per row.
    if reason:
        reviews = reviews.filter(component__in=ComponentReason.objects.filter(
            component__release=release, code=reason).values("component_id"))
    if category:
        reviews = reviews.filter(component__in=Overlay.objects.filter(
            component__release=release, category=category).values("component_id"))
    for queue_filter in queue_filters():  # e.g. the policy rule (policies registers it)
        if value := params.get(queue_filter.name, ""):
            reviews = reviews.filter(component__in=queue_filter.components(release, value))
    return reviews


def _render_queue(request, release: Release, form: BulkDecisionForm, status: int = 200):
    page = Paginator(_queue_reviews(release, request.GET), PAGE_SIZE).get_page(request.GET.get("page"))
    divergent = Review.objects.of_release(release).values("component_id")
    reason_codes = ComponentReason.objects.filter(component__in=divergent).order_by("code").values_list("code", flat=True)
    categories = (Overlay.objects.filter(component__in=divergent).exclude(category="").order_by("category")
                  .values_list("category", flat=True))
    return render_page(request, "reviews/queue.html", {
        "release": release, "page": page, "reviews": page.object_list,
        "totals": review_totals(release), "form": form, "states": ReviewState.choices,
        "reason_codes": list(reason_codes.distinct()), "categories": list(categories.distinct()),
        "extra_filters": [(f.name, f.label, f.choices(release), request.GET.get(f.name, "")) for f in queue_filters()],
        "filters": request.GET, "review_base_url": reverse("reviews:queue", args=[release.pk]),
    }, status=status)


def _add_errors(form, exc: Exception) -> None:
    if isinstance(exc, ReviewError):
        for field, errors in exc.errors.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, str(exc))


@viewer_required
@require_GET
def review_queue(request, pk: int):
    """Every review of the release, pending first, with filters by state, reason, overlay category and what other
    apps add (the policy rule)."""
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    return _render_queue(request, release, BulkDecisionForm(initial={"state": request.GET.get("decide", "")}))


@reviews_decider_required
@require_POST
def bulk_decide(request, pk: int):
    """One decision with one justification for every selected review; all or none (a stale one refuses all)."""
    release = get_object_or_404(Release.objects.with_related(), pk=pk)
    form = BulkDecisionForm(request.POST)
    try:
        expected = parse_versions(request.POST.getlist("review"))
        if not expected:
            raise ReviewError({"reviews": ["select at least one review"]})
        if form.is_valid():
            data = form.cleaned_data
            decision = clean_decision(data["state"], data["justification"], data["ticket_url"], data["waived_until"])
            decided = decide_many(expected, decision, actor_of(request.user), release_id=release.pk)
            record_access(request, AccessAction.DECIDE, f"{decision.state} reviews "
                          f"{', '.join(r.component.name for r in decided)} of release {release.pk}"[:500],
                          release=release)
            messages.success(request, f"{len(decided)} review{'s' if len(decided) != 1 else ''}: {decision.state}.")
            query = request.GET.urlencode()
            return redirect(reverse("reviews:queue", args=[release.pk]) + (f"?{query}" if query else ""))
    except (ReviewError, StaleReview) as exc:
        _add_errors(form, exc)
    except Review.DoesNotExist:
        form.add_error(None, "A selected review does not belong to this release.")
    return _render_queue(request, release, form, status=409 if form.non_field_errors() else 400)


def _review(pk: int, review_id: int) -> Review:
    return get_object_or_404(Review.objects.with_related(), pk=review_id, release_id=pk)


@viewer_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int, review_id: int):
    """One review: what diverges, what changed since the last decision, the history, the forms."""
    review = _review(pk, review_id)
    if request.method == "POST":
        return _decide(request, review)
    form = DecisionForm(initial={"state": request.GET.get("decide", ""), "version": review.version})
    return render_page(request, "reviews/review.html", {**panel_context(review), "form": form,
                                                        "comment_form": CommentForm()})


@reviews_decider_required
def _decide(request, review: Review):
    form = DecisionForm(request.POST)
    status = 400
    try:
        if form.is_valid():
            data = form.cleaned_data
            decision = clean_decision(data["state"], data["justification"], data["ticket_url"], data["waived_until"])
            decide(review.pk, decision, actor_of(request.user), expected_version=data["version"])
            record_access(request, AccessAction.DECIDE,
                          f"{decision.state} review of {review.component.name} in release {review.release_id}",
                          release=review.release_id)
            messages.success(request, f"{review.component.name}: {decision.state}.")
            return redirect("reviews:review", review.release_id, review.pk)
    except StaleReview as exc:
        _add_errors(form, exc)
        status = 409
    except ReviewError as exc:
        _add_errors(form, exc)
    review.refresh_from_db()
    return render_page(request, "reviews/review.html", {**panel_context(review), "form": form,
                                                        "comment_form": CommentForm()}, status=status)


@reviews_decider_required
@require_POST
def comment(request, pk: int, review_id: int):
    review = _review(pk, review_id)
    form = CommentForm(request.POST)
    try:
        if form.is_valid():
            add_comment(review, form.cleaned_data["text"], actor_of(request.user))
            record_access(request, AccessAction.DECIDE,
                          f"commented on the review of {review.component.name} in release {review.release_id}",
                          release=review.release_id)
            messages.success(request, "Comment added.")
            return redirect("reviews:review", review.release_id, review.pk)
    except ReviewError as exc:
        _add_errors(form, exc)
    form_state = DecisionForm(initial={"version": review.version})
    return render_page(request, "reviews/review.html", {**panel_context(review), "form": form_state,
                                                        "comment_form": form}, status=400)
