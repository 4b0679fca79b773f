"""The vex app's API (included under /api/v1/ by portal/urls.py): imported advisories (admins import with
POST, multipart field `file`), and per release the CVE findings, the VEX statements and the advisory
matches. The VEX documents themselves are downloads of the sbom app's API."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, generics, mixins, serializers, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from access.api.authentication import acting_user
from access.api.base import ApiView
from access.permissions import IMPORT_ADVISORIES
from access.uploads import FileTooLarge, UploadRefused, read_limited_upload
from audits.api.urls import RELEASE
from audits.api.views import InRelease

from .advisories import MAX_BYTES, AdvisoryError
from .models import Advisory, AdvisoryPackage
from .services.advisories import import_advisory, release_matches, upload_limits
from .services.statements import release_statements, stored_findings


class AdvisoryPackageSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdvisoryPackage
        fields = ("name", "ecosystem", "ranges", "versions")


class UploadTooLarge(exceptions.APIException):
    """The request body is refused as a whole (access.uploads.UploadRefused): 413 or 411."""

    def __init__(self, detail: str, status: int):
        super().__init__(detail)
        self.status_code = status


class AdvisorySerializer(serializers.ModelSerializer):
    packages = AdvisoryPackageSerializer(many=True, read_only=True)

    class Meta:
        model = Advisory
        fields = ("id", "format", "identifier", "title", "cves", "filename", "sha256", "uploaded_at", "packages")


class AdvisoryUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=f"An OSV or CSAF 2.0 JSON file, at most {MAX_BYTES} bytes.")


class AdvisoryViewSet(ApiView, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imported advisories. POST imports one file (admins; API scope `admin`): refused as a whole, with
    the reason, when it is not a strict OSV or CSAF 2.0 advisory naming RPM packages."""

    action_permissions = {"create": IMPORT_ADVISORIES}
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return Advisory.objects.prefetch_related("packages").defer("content").order_by("identifier", "id")

    def initial(self, request, *args, **kwargs):
        """An import's body is read within its limits before anything else reads it (the session CSRF
        check reads the form): too large 413, a file over its limit 400, nothing stored."""
        if request.method == "POST":
            max_bytes, file_limits = upload_limits()
            try:
                read_limited_upload(request._request, max_bytes=max_bytes, file_limits=file_limits)
            except UploadRefused as exc:
                raise UploadTooLarge(str(exc), status=exc.status) from None
            except FileTooLarge as exc:
                raise exceptions.ValidationError({exc.field: [str(exc)]}) from None
        super().initial(request, *args, **kwargs)

    def get_serializer_class(self):
        return AdvisoryUploadSerializer if self.action == "create" else AdvisorySerializer

    @extend_schema(request={"multipart/form-data": AdvisoryUploadSerializer}, responses={201: AdvisorySerializer})
    def create(self, request, *args, **kwargs):
        upload = AdvisoryUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            advisory = import_advisory(file.read(), filename=file.name, user=acting_user(request))
        except AdvisoryError as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from None
        self.access_detail = f"imported advisory {advisory.identifier} ({advisory.sha256})"
        return Response(AdvisorySerializer(advisory).data, status=201)


FINDING = inline_serializer("CveFinding", many=True, fields={
    "cve": serializers.CharField(), "component": serializers.CharField(), "overlay_position": serializers.IntegerField(),
    "overlay_type": serializers.CharField(), "origin": serializers.CharField(), "action": serializers.CharField(),
    "file": serializers.CharField(), "line": serializers.IntegerField(allow_null=True), "text": serializers.CharField(),
})
STATEMENT = inline_serializer("VexStatement", many=True, fields={
    "cve": serializers.CharField(), "component": serializers.CharField(), "state": serializers.CharField(),
    "justification": serializers.CharField(), "detail": serializers.CharField(),
    "overlays": serializers.ListField(child=serializers.IntegerField()),
})
MATCH = inline_serializer("AdvisoryMatch", many=True, fields={
    "advisory": serializers.CharField(), "advisory_id": serializers.IntegerField(), "cve": serializers.CharField(),
    "component": serializers.CharField(), "evr": serializers.CharField(allow_null=True),
    "status": serializers.CharField(),
})


class _ReleaseList(ApiView, InRelease, generics.GenericAPIView):
    pagination_class = None
    serializer_class = None


class CveFindingsView(_ReleaseList):
    """The CVE identifiers the release's overlays name, each with where it was found (empty before a scan)."""

    @extend_schema(responses=FINDING)
    def get(self, request, release_pk: int):
        return Response([{"cve": f.cve, "component": f.component, "overlay_position": f.overlay_position,
                          "overlay_type": f.overlay_type, "origin": f.origin, "action": f.action, "file": f.file,
                          "line": f.line, "text": f.text} for f in stored_findings(self.release)])


class VexStatementsView(_ReleaseList):
    """What the release states about each CVE in each component (vex.cves.statements)."""

    @extend_schema(responses=STATEMENT)
    def get(self, request, release_pk: int):
        return Response([{"cve": s.cve, "component": s.component, "state": s.state, "justification": s.justification,
                          "detail": s.detail, "overlays": list(s.overlays)} for s in release_statements(self.release)])


class AdvisoryMatchesView(_ReleaseList):
    """Every imported advisory naming a package of the release, per CVE, with the combined status."""

    @extend_schema(responses=MATCH)
    def get(self, request, release_pk: int):
        return Response([{"advisory": m.advisory.identifier, "advisory_id": m.advisory.pk, "cve": m.cve,
                          "component": m.component.name, "evr": m.evr, "status": m.status}
                         for m in release_matches(self.release)])


router = SimpleRouter(use_regex_path=False)
router.register("advisories", AdvisoryViewSet, basename="advisory")
urlpatterns = router.urls + [
    path(f"{RELEASE}/cve-findings/", CveFindingsView.as_view(), name="cve-findings"),
    path(f"{RELEASE}/vex-statements/", VexStatementsView.as_view(), name="vex-statements"),
    path(f"{RELEASE}/advisory-matches/", AdvisoryMatchesView.as_view(), name="advisory-matches"),
]
