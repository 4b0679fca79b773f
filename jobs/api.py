"""The job API: poll a job's progress; POST starts one of the registered kinds (the `jobs` scope)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from access.api.authentication import acting_user
from access.api.base import ApiView, absolute
from access.api.filters import IdFilter, StrictFilterBackend
from access.permissions import START_JOB

from .cancellation import JobAlreadyFinished, may_cancel, request_cancel
from .choices import JobKind, JobStatus
from .models import Job
from .registry import JobParamsError, job_type
from .services import JobNotQueued, enqueue_job, startable_kinds


class JobSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    percent = serializers.IntegerField(allow_null=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ("id", "url", "kind", "status", "params", "release", "created_by", "created_at", "started_at",
                  "finished_at", "heartbeat_at", "progress_done", "progress_total", "percent", "stage", "error",
                  "result", "cancel_requested_at", "cancelled_by")

    def get_url(self, job) -> str:
        return absolute(self.context["request"], "api:job-detail", job.pk)


class ReleaseField(serializers.PrimaryKeyRelatedField):
    """A release id; a number no database integer holds does not exist (instead of overflowing the driver)."""

    def __init__(self, **kwargs):
        release_model = Job._meta.get_field("release").related_model
        super().__init__(queryset=release_model.objects.select_related("commit", "distribution"), **kwargs)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


class JobStartSerializer(serializers.Serializer):
    """`ingest` needs `source` and `ref`; every other kind needs `release` (as its app registered it)."""

    kind = serializers.ChoiceField(choices=[])
    source = serializers.CharField(required=False, max_length=2048)
    ref = serializers.CharField(required=False, max_length=255)
    release = ReleaseField(required=False)
    since = serializers.CharField(required=False, max_length=40, help_text="history jobs: the first commit's date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # history jobs: the first commit (a Python keyword, so not declared as an attribute)
        self.fields["from"] = serializers.CharField(required=False, max_length=40)
        self.fields["kind"].choices = [(k, JobKind(k).label) for k in startable_kinds()]

    def validate(self, data):
        kind = job_type(data["kind"])
        if kind.takes_release:
            if not data.get("release"):
                raise serializers.ValidationError({"release": [f"Required for a {data['kind']} job."]})
            data["params"] = {"release_id": data["release"].pk}
            return data
        missing = [field for field in kind.param_fields if not data.get(field)]
        if missing:
            raise serializers.ValidationError({field: [f"Required for a {data['kind']} job."] for field in missing})
        params = {field: data[field] for field in kind.param_fields}
        params.update({field: data[field] for field in kind.optional_fields if data.get(field)})
        try:
            data["params"] = kind.clean_params(params) if kind.clean_params else params
        except JobParamsError as exc:
            raise serializers.ValidationError(exc.errors) from exc
        data["release"] = None
        return data


class JobFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=JobKind.choices)
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    release = IdFilter(field_name="release_id")

    class Meta:
        model = Job
        fields: list[str] = []


class JobsUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Jobs cannot be queued right now: the message broker is unavailable."
    default_code = "jobs_unavailable"


class JobFinished(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The job has already finished."
    default_code = "job_finished"


class JobViewSet(ApiView, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Background jobs: poll one for its progress; POST starts one, POST .../cancel/ cancels one (the `jobs` scope)."""

    queryset = Job.objects.select_related("created_by")
    serializer_class = JobSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = JobFilter
    action_permissions = {"create": START_JOB, "cancel": START_JOB}

    @extend_schema(request=JobStartSerializer, responses={201: JobSerializer})
    def create(self, request, *args, **kwargs):
        start = JobStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        data = start.validated_data
        release = data["release"]
        try:
            job = enqueue_job(data["kind"], data["params"], user=acting_user(request), release=release)
        except JobNotQueued as exc:  # the broker is down; the row is already failed saying so
            raise JobsUnavailable(str(exc)) from exc
        self.access_detail = f"started {data['kind']} job {job.pk}" + (f" of release {release.pk}" if release else "")
        body = JobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


    @extend_schema(request=None, responses={200: JobSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Cancel a queued job, or ask a running one to stop at its next progress report (`cancel_requested_at`
        is set, `status` becomes `cancelled` when it has); 409 when the job has already finished."""
        job = self.get_object()
        if not may_cancel(request.user, job):
            raise exceptions.PermissionDenied(f"Cancelling a {job.kind} job needs the permission to start one.")
        try:
            job = request_cancel(job.pk, request.user)
        except JobAlreadyFinished as exc:
            raise JobFinished(str(exc)) from exc
        self.access_detail = f"cancelled {job.kind} job {job.pk}"
        return Response(JobSerializer(job, context=self.get_serializer_context()).data)


router = SimpleRouter(use_regex_path=False)
router.register("jobs", JobViewSet, basename="job")
urlpatterns = router.urls
