"""The policies API: the policy file (PUT with If-Match), a release's findings, its waivers (POST; PATCH
and revoke with If-Match), its sign-off. 428 without If-Match, 412 when stale, as for reviews. Every
write is recorded in the access log by access.api.base.ApiView (actions waive, sign-off, edit-policy)."""

from __future__ import annotations

import json
import re

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from access.api.authentication import acting_user
from access.api.base import ApiView
from access.permissions import APPROVE_WAIVERS, EDIT_POLICY, SIGN_OFF
from audits.api.urls import RELEASE
from audits.api.views import InRelease
from reviews.api.views import PreconditionFailed, PreconditionRequired

from . import rules
from .forms import FindingFilter
from .models import Finding, PolicyVersion, SignOff, Waiver
from .services import policy as policies
from .services import signoff, waivers
from .services.evaluation import evaluate_all


def _via(request) -> str:
    api_key = getattr(request.user, "api_key", None)
    return f"api key {api_key.name}" if api_key is not None else "api"


def _if_match(request, pattern: str) -> re.Match:
    """The If-Match header matched against `pattern` (428 without one, 412 when it names something else)."""
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired("This change needs If-Match with the ETag you read (GET it first).")
    match = re.fullmatch(r'(?:W/)?"' + pattern + '"', header.strip())
    if match is None:
        raise PreconditionFailed("It changed since you read it (the ETag differs); GET it again.")
    return match


class PolicyVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None)

    class Meta:
        model = PolicyVersion
        fields = ("number", "sha256", "created_by", "created_via", "created_at", "comment", "text")
        read_only_fields = fields


class PolicyWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=rules.MAX_POLICY_BYTES, trim_whitespace=False)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PolicyViewSet(ApiView, viewsets.ViewSet):
    """The policy file in force (GET; its ETag is its version) and a new version (PUT, If-Match)."""

    action_permissions = {"update": EDIT_POLICY}
    etag = ""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.etag and response.status_code in (200, 201):
            response["ETag"] = f'"{self.etag}"'
        return response

    @extend_schema(responses=PolicyVersionSerializer)
    def list(self, request):
        version = policies.current_version()
        self.etag = policies.etag(version)
        return Response(PolicyVersionSerializer(version).data)

    @extend_schema(request=PolicyWriteSerializer, responses=PolicyVersionSerializer)
    def update(self, request):
        number = int(_if_match(request, r"policy-v(\d{1,9})").group(1))
        body = PolicyWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            version = policies.save_policy(body.validated_data["text"], user=acting_user(request), via=_via(request),
                                           comment=body.validated_data["comment"], based_on=number)
        except rules.PolicyError as exc:
            raise exceptions.ValidationError({"text": [str(p) for p in exc.problems]}) from None
        except policies.StalePolicy:
            raise PreconditionFailed("The policy changed since you read it; GET it again.") from None
        evaluate_all(version)
        self.etag = policies.etag(version)
        self.access_detail = f"saved policy version {version.number}"
        return Response(PolicyVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class FindingSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.name")
    policy_version = serializers.IntegerField(source="policy_version.number")
    waived = serializers.BooleanField()

    class Meta:
        model = Finding
        fields = ("id", "component", "rule", "severity", "subject", "message", "waived", "policy_version")
        read_only_fields = fields


class FindingViewSet(ApiView, InRelease, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A release's policy findings, each open or waived as of now; `?rule=`, `?severity=`, `?status=open|waived`."""

    queryset = Finding.objects.none()
    serializer_class = FindingSerializer

    def get_queryset(self):
        filters = FindingFilter(self.request.query_params)
        if not filters.is_valid():
            raise exceptions.ValidationError(filters.errors)
        findings = Finding.objects.filter(release=self.release).with_waiver()
        return filters.apply(findings.select_related("component", "policy_version")).order_by("id")


class WaiverEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    user = serializers.CharField(source="user.username", default=None)
    via = serializers.CharField()
    at = serializers.DateTimeField()
    justification = serializers.CharField()
    expires_at = serializers.DateTimeField()


class WaiverSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.name", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", default=None, read_only=True)
    history = WaiverEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Waiver
        fields = ("id", "component", "rule", "subject", "justification", "approved_by", "approved_at", "expires_at",
                  "revoked_at", "revision", "history")
        read_only_fields = fields


class WaiverCreateSerializer(serializers.Serializer):
    finding = serializers.IntegerField(min_value=1, max_value=2**53)
    justification = serializers.CharField(max_length=5000)
    expires_at = serializers.DateTimeField()


class WaiverChangeSerializer(serializers.Serializer):
    justification = serializers.CharField(max_length=5000)
    expires_at = serializers.DateTimeField()


class WaiverViewSet(ApiView, InRelease, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A release's waivers with their history. POST waives a finding; PATCH (new justification and expiry) and
    POST revoke/ need If-Match with the waiver's ETag."""

    queryset = Waiver.objects.none()
    serializer_class = WaiverSerializer
    action_permissions = {"create": APPROVE_WAIVERS, "partial_update": APPROVE_WAIVERS, "revoke": APPROVE_WAIVERS}
    http_method_names = ["get", "post", "patch", "head", "options"]
    waiver_etag = ""

    def get_queryset(self):
        return (Waiver.objects.filter(release=self.release).select_related("component", "approved_by")
                .prefetch_related("events__user").order_by("id"))

    def finalize_response(self, request, response, *args, **kwargs):
        """A waiver's ETag is its revision (what If-Match names), not a digest of the body."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.waiver_etag and response.status_code in (200, 201):
            response["ETag"] = f'"{self.waiver_etag}"'
        return response

    def _answer(self, waiver: Waiver, code: int = status.HTTP_200_OK) -> Response:
        waiver = self.get_queryset().get(pk=waiver.pk)
        self.waiver_etag = waivers.etag(waiver)
        return Response(WaiverSerializer(waiver).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    @extend_schema(request=WaiverCreateSerializer, responses={201: WaiverSerializer})
    def create(self, request, *args, **kwargs):
        body = WaiverCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = get_object_or_404(Finding.objects.select_related("component"), pk=body.validated_data["finding"],
                                    release=self.release)
        try:
            waiver = waivers.approve(finding, justification=body.validated_data["justification"],
                                     expires_at=body.validated_data["expires_at"], user=acting_user(request),
                                     via=_via(request))
        except waivers.WaiverError as exc:
            raise exceptions.ValidationError({"waiver": [str(exc)]}) from None
        self.access_detail = f"approved waiver {waiver.pk} of {finding.component.name} {finding.rule}"
        return self._answer(waiver, status.HTTP_201_CREATED)

    def _revision(self, request, waiver: Waiver) -> int:
        match = _if_match(request, r"waiver-(\d{1,18})-r(\d{1,9})")
        if int(match.group(1)) != waiver.pk:
            raise PreconditionFailed("The If-Match ETag names another waiver.")
        return int(match.group(2))

    @extend_schema(request=WaiverChangeSerializer, responses=WaiverSerializer)
    def partial_update(self, request, *args, **kwargs):
        waiver = self.get_object()
        revision = self._revision(request, waiver)
        body = WaiverChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            waiver = waivers.change(waiver, **body.validated_data, user=acting_user(request), via=_via(request),
                                    revision=revision)
        except waivers.StaleWaiver:
            raise PreconditionFailed("The waiver changed since you read it; GET it again.") from None
        except waivers.WaiverError as exc:
            raise exceptions.ValidationError({"waiver": [str(exc)]}) from None
        self.access_detail = f"changed waiver {waiver.pk}"
        return self._answer(waiver)

    @extend_schema(request=None, responses=WaiverSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs):
        """Revoke the waiver: its finding is a violation again."""
        waiver = self.get_object()
        revision = self._revision(request, waiver)
        try:
            waiver = waivers.revoke(waiver, user=acting_user(request), via=_via(request), revision=revision)
        except waivers.StaleWaiver:
            raise PreconditionFailed("The waiver changed since you read it; GET it again.") from None
        except waivers.WaiverError as exc:
            raise exceptions.ValidationError({"waiver": [str(exc)]}) from None
        self.access_detail = f"revoked waiver {waiver.pk}"
        return self._answer(waiver)


class SignOffSerializer(serializers.Serializer):
    signed_off = serializers.BooleanField()
    blockers = serializers.ListField(child=serializers.CharField())
    signed_by = serializers.CharField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    policy_version = serializers.IntegerField(allow_null=True)
    document_sha256 = serializers.CharField(allow_null=True)
    statement = serializers.JSONField(allow_null=True)
    bundle = serializers.JSONField(allow_null=True)


def _sign_off_state(release) -> dict:
    made = SignOff.objects.filter(release=release).select_related("signed_by", "policy_version").first()
    if made is None:
        return {"signed_off": False, "blockers": signoff.blockers(release), "signed_by": None, "signed_at": None,
                "policy_version": None, "document_sha256": None, "statement": None, "bundle": None}
    return {"signed_off": True, "blockers": [], "signed_by": made.signed_by.username if made.signed_by else None,
            "signed_at": made.signed_at, "policy_version": made.policy_version.number if made.policy_version else None,
            "document_sha256": made.document_sha256, "statement": json.loads(bytes(made.statement)),
            "bundle": json.loads(bytes(made.bundle))}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The release cannot be signed off now."
    default_code = "conflict"


class SignOffViewSet(ApiView, InRelease, viewsets.ViewSet):
    """The release's sign-off (GET: signed or what blocks it) and signing it off (POST; 409 when it cannot be)."""

    action_permissions = {"create": SIGN_OFF}

    @extend_schema(responses=SignOffSerializer)
    def list(self, request, *args, **kwargs):
        return Response(SignOffSerializer(_sign_off_state(self.release)).data)

    @extend_schema(request=None, responses={201: SignOffSerializer})
    def create(self, request, *args, **kwargs):
        try:
            made = signoff.sign_off(self.release, user=acting_user(request), via=_via(request))
        except signoff.SignOffError as exc:
            raise Conflict(str(exc)) from None
        self.access_detail = f"signed off release {self.release.pk} (sign-off {made.pk})"
        return Response(SignOffSerializer(_sign_off_state(self.release)).data, status=status.HTTP_201_CREATED)


router = SimpleRouter(use_regex_path=False)
router.register(f"{RELEASE}/findings", FindingViewSet, basename="finding")
router.register(f"{RELEASE}/waivers", WaiverViewSet, basename="waiver")
router.register(f"{RELEASE}/sign-off", SignOffViewSet, basename="sign-off")
urlpatterns = [path("policy/", PolicyViewSet.as_view({"get": "list", "put": "update"}), name="policy"), *router.urls]
