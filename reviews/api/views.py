"""The review API: read reviews and their history, decide (PATCH with If-Match: the ETag of the version
read; 428 without it, 412 when stale), comment. Decisions and comments are recorded in the access log
by access.api.base.ApiView (action "decide")."""

from __future__ import annotations

import re
from functools import cached_property

from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from access.api.base import ApiView
from access.permissions import DECIDE_REVIEWS, VIEW
from audits.api.views import InRelease

from ..choices import ReviewState
from ..errors import ReviewError, StaleReview
from ..models import Review
from ..services import actor_of, add_comment, clean_decision, decide
from . import serializers as s

_ETAG = re.compile(r'^(?:W/)?"review-(\d{1,18})-v(\d{1,9})"$')


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "A decision needs If-Match with the review's ETag (GET the review first): two reviewers must not overwrite each other."
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The review changed since you read it (its ETag differs); GET it again and decide again."
    default_code = "precondition_failed"


def expected_version(header: str | None, review_id: int) -> int:
    """The version named by an If-Match header (PreconditionRequired without one, PreconditionFailed otherwise
    when it names another review or no version)."""
    if not header:
        raise PreconditionRequired()
    match = _ETAG.match(header.strip())
    if match is None or int(match.group(1)) != review_id:
        raise PreconditionFailed()
    return int(match.group(2))


class ReviewViewSet(ApiView, InRelease, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reviews of a release's divergent components, by id; `?state=` filters."""

    queryset = Review.objects.none()  # the model, for the schema
    action_permissions = {"partial_update": DECIDE_REVIEWS, "comments": DECIDE_REVIEWS}
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        reviews = Review.objects.of_release(self.release).select_related("component", "carried_from")
        if self.action == "list":
            state = self.request.query_params.get("state", "")
            if state:
                if state not in ReviewState.values:
                    raise exceptions.ValidationError({"state": [f"one of {', '.join(ReviewState.values)}"]})
                reviews = reviews.filter(state=state)
            return reviews.order_by("id")
        return reviews

    def get_serializer_class(self):
        return s.ReviewSerializer if self.action == "list" else s.ReviewDetailSerializer

    @cached_property
    def review(self) -> Review:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        self.review_etag = self.review.etag
        return Response(s.ReviewDetailSerializer(self.review).data)

    def finalize_response(self, request, response, *args, **kwargs):
        """A review's ETag is its version (what If-Match names), not a digest of the body."""
        response = super().finalize_response(request, response, *args, **kwargs)
        etag = getattr(self, "review_etag", None)
        if etag and response.status_code == 200:
            response["ETag"] = etag
            if request.method in ("GET", "HEAD"):
                return get_conditional_response(request, etag=etag, response=response) or response
        return response

    @extend_schema(request=s.DecisionSerializer, parameters=[OpenApiParameter(
        "If-Match", str, OpenApiParameter.HEADER, required=True, description="The review's ETag, as last read")],
        responses={200: s.ReviewDetailSerializer,
                   412: OpenApiResponse(description=PreconditionFailed.default_detail),
                   428: OpenApiResponse(description=PreconditionRequired.default_detail)})
    def partial_update(self, request, *args, **kwargs):
        review = self.review
        version = expected_version(request.headers.get("If-Match"), review.pk)
        body = s.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            decision = clean_decision(**body.validated_data)
            review = decide(review.pk, decision, actor_of(request.user), expected_version=version)
        except ReviewError as exc:
            raise exceptions.ValidationError(exc.errors) from None
        except StaleReview:
            raise PreconditionFailed() from None
        self.access_detail = f"{decision.state} review of {review.component.name}"
        self.review_etag = review.etag
        return Response(s.ReviewDetailSerializer(review).data)

    @extend_schema(request=s.CommentSerializer, responses={201: s.ReviewEventSerializer, 200: s.ReviewEventSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, *args, **kwargs):
        """GET: the review's whole history (state changes and comments, oldest first); POST: add a comment."""
        review = self.review
        if request.method == "GET":
            return Response(s.ReviewEventSerializer(review.events.order_by("at", "id"), many=True).data)
        body = s.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            event = add_comment(review, body.validated_data["text"], actor_of(request.user))
        except ReviewError as exc:
            raise exceptions.ValidationError(exc.errors) from None
        self.access_detail = f"commented on the review of {review.component.name}"
        return Response(s.ReviewEventSerializer(event).data, status=status.HTTP_201_CREATED)

    def required_permission(self) -> str:
        """Reading the history needs only VIEW; adding a comment needs DECIDE_REVIEWS."""
        if self.action == "comments" and self.request.method in ("GET", "HEAD"):
            return VIEW
        return super().required_permission()
