"""The experiment log API: experiments, runs, logging, search, compare and artifacts.

Routes under /api/v1/projects/{project}/: reads need READ, creating and logging WRITE, deleting and restoring
experiments and runs OPERATE. Runs of other projects answer 404.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.base_views import CreateMixin, DestroyMixin, ProjectAPIView, RetrieveMixin, UpdateMixin
from core.roles import Action
from registry.models import Experiment, Run
from registry.selectors import experiments as selectors
from registry.serializers.experiments import (
    ExperimentCreateSerializer,
    ExperimentListQuerySerializer,
    ExperimentSerializer,
    ExperimentUpdateSerializer,
    RunArtifactListQuerySerializer,
    RunArtifactPathQuerySerializer,
    RunArtifactSerializer,
    RunArtifactUploadSerializer,
    RunCompareQuerySerializer,
    RunCompareSerializer,
    RunCreateSerializer,
    RunDetailSerializer,
    RunInputCreateSerializer,
    RunInputSerializer,
    RunListQuerySerializer,
    RunLogBatchSerializer,
    RunMetricHistoryQuerySerializer,
    RunMetricPointSerializer,
    RunSearchPageSerializer,
    RunSearchSerializer,
    RunSerializer,
    RunStatusSerializer,
    RunTagKeyQuerySerializer,
    RunTagSerializer,
    RunUpdateSerializer,
)
from registry.services import experiments as services

RUN_ID = OpenApiParameter("run_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The run's 32-hex id.")


class _Api(ProjectAPIView):
    filter_backends: list[type] = []

    def experiment(self, name: str) -> Experiment:
        return selectors.experiment_get(project=self.project, name=name)

    def run(self, run_id: str) -> Run:
        return selectors.run_get(project=self.project, run_id=run_id)

    def run_out(self, run_id: str) -> dict[str, Any]:
        return RunDetailSerializer(selectors.run_get_detail(project=self.project, run_id=run_id)).data

    def search_page(self, search: dict[str, Any], experiments: list[str]) -> Response:
        """One page of the runs a search (``filter``, ``order_by``, ``lifecycle``) finds in ``experiments``."""
        runs = selectors.run_search(
            project=self.project,
            filter_expression=search["filter"],
            order_by=search["order_by"],
            experiments=experiments,
            lifecycle=search["lifecycle"],
        )
        return self.listing(runs, RunSerializer, filtered=False)


# A view under /runs/{run_id}/: its operations document the run id.
@extend_schema(parameters=[RUN_ID])
class _RunApi(_Api):
    pass


# --- experiments --------------------------------------------------------------------------------------------------


class ExperimentListApi(CreateMixin, _Api):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = ExperimentSerializer
    create_serializer_class = ExperimentCreateSerializer

    @extend_schema(
        parameters=[ExperimentListQuerySerializer],
        responses=ExperimentSerializer(many=True),
    )
    def get(self, request: Request, project: str) -> Response:
        experiments = selectors.experiment_list(
            project=self.project, **self.validated_query(ExperimentListQuerySerializer)
        )
        return self.listing(experiments, ExperimentSerializer, filtered=False)

    def create_from(self, values: dict[str, Any]) -> Experiment:
        return services.experiment_create(project=self.project, user=self.user, **values)


@extend_schema_view(
    delete=extend_schema(description="Soft delete: the experiment and its active runs are hidden until restored.")
)
class ExperimentDetailApi(RetrieveMixin, UpdateMixin, DestroyMixin, _Api):
    access = {"GET": Action.READ, "PATCH": Action.WRITE, "DELETE": Action.OPERATE}
    serializer_class = ExperimentSerializer
    update_serializer_class = ExperimentUpdateSerializer

    def get_object(self) -> Experiment:
        return self.experiment(self.kwargs["name"])

    def update_from(self, instance: Experiment, values: dict[str, Any]) -> Experiment:
        updated = services.experiment_update(experiment=instance, user=self.user, **values)
        return self.experiment(updated.name)

    def perform_destroy(self, instance: Experiment) -> None:
        services.experiment_delete(experiment=instance, user=self.user)


class ExperimentRestoreApi(_Api):
    access = {"POST": Action.OPERATE}
    serializer_class = ExperimentSerializer

    def post(self, request: Request, project: str, name: str) -> Response:
        """Restore a deleted experiment with the runs that were deleted along with it."""
        services.experiment_restore(experiment=self.experiment(name), user=self.user)
        return Response(ExperimentSerializer(self.experiment(name)).data)


# --- runs ---------------------------------------------------------------------------------------------------------


class RunListApi(_Api):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = RunSerializer

    @extend_schema(parameters=[RunListQuerySerializer], responses=RunSerializer(many=True))
    def get(self, request: Request, project: str) -> Response:
        """Search runs with `filter` and `order_by` (see `runs_search` for the grammar)."""
        query = self.validated_query(RunListQuerySerializer)
        return self.search_page(query, experiments=query["experiment"])

    @extend_schema(request=RunCreateSerializer, responses={201: RunDetailSerializer})
    def post(self, request: Request, project: str) -> Response:
        data = self.validated_body(RunCreateSerializer)
        experiment = self.experiment(data.pop("experiment"))
        run = services.run_create(experiment=experiment, user=self.user, **data)
        return Response(self.run_out(run.run_id), status=status.HTTP_201_CREATED)


class RunSearchApi(_Api):
    access = {"POST": Action.READ}
    audit_exempt = True  # a read with a body
    serializer_class = RunSerializer

    @extend_schema(
        request=RunSearchSerializer,
        responses=RunSearchPageSerializer,
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY),
            OpenApiParameter("page_size", OpenApiTypes.INT, OpenApiParameter.QUERY),
        ],
    )
    def post(self, request: Request, project: str) -> Response:
        """Search runs with a JSON body (for long filters); pages come from `?page=` as for `runs_list`.

        `filter`: comparisons joined with `and` / `or` and grouped with parentheses, e.g. `metrics.f1 > 0.8 and
        (params.estimator = 'random_forest' or tags.team IN ('risk', 'fraud'))`. Metrics (latest value) and
        `datasets.version` take =, !=, <, <=, >, >= with numbers; params, tags and the attributes status, name, run_id,
        user, source, experiment, code_version take =, !=, LIKE, ILIKE, IN, NOT IN with quoted strings; start_time and
        end_time take ordered operators with epoch milliseconds or ISO 8601 strings. Keys with other characters are
        back-quoted: metrics.`my metric`. A malformed expression is a 400 whose error names the field, the 0-based
        `position` and the `token`.

        `order_by`: e.g. `["metrics.f1 DESC", "params.lr", "start_time"]`; runs lacking a key sort last."""
        body = self.validated_body(RunSearchSerializer)
        return self.search_page(body, experiments=body["experiments"])


class RunCompareApi(_Api):
    access = {"GET": Action.READ}
    serializer_class = RunCompareSerializer

    @extend_schema(parameters=[RunCompareQuerySerializer])
    def get(self, request: Request, project: str) -> Response:
        comparison = selectors.run_compare(project=self.project, **self.validated_query(RunCompareQuerySerializer))
        return Response(RunCompareSerializer(comparison).data)


class RunDetailApi(_RunApi):
    access = {"GET": Action.READ, "PATCH": Action.WRITE, "DELETE": Action.OPERATE}
    serializer_class = RunDetailSerializer

    def get(self, request: Request, project: str, run_id: str) -> Response:
        return Response(self.run_out(run_id))

    @extend_schema(request=RunUpdateSerializer)
    def patch(self, request: Request, project: str, run_id: str) -> Response:
        data = self.validated_body(RunUpdateSerializer)
        services.run_update(run=self.run(run_id), user=self.user, **data)
        return Response(self.run_out(run_id))

    def delete(self, request: Request, project: str, run_id: str) -> Response:
        """Soft delete: hidden from search and closed to logging until restored."""
        services.run_delete(run=self.run(run_id), user=self.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunRestoreApi(_RunApi):
    access = {"POST": Action.OPERATE}
    serializer_class = RunDetailSerializer

    def post(self, request: Request, project: str, run_id: str) -> Response:
        services.run_restore(run=self.run(run_id), user=self.user)
        return Response(self.run_out(run_id))


class RunStatusApi(_RunApi):
    access = {"POST": Action.WRITE}
    serializer_class = RunDetailSerializer

    @extend_schema(operation_id="runs_set_status", request=RunStatusSerializer)
    def post(self, request: Request, project: str, run_id: str) -> Response:
        """running -> finished, failed or killed (409 otherwise); repeating the current status is a no-op."""
        data = self.validated_body(RunStatusSerializer)
        services.run_set_status(run=self.run(run_id), user=self.user, **data)
        return Response(self.run_out(run_id))


class RunLogBatchApi(_RunApi):
    access = {"POST": Action.WRITE}
    serializer_class = RunLogBatchSerializer

    @extend_schema(
        request=RunLogBatchSerializer,
        responses={204: None, 409: OpenApiResponse(description="A param was already logged with another value.")},
    )
    def post(self, request: Request, project: str, run_id: str) -> Response:
        """Params, metric points and tags in one transaction: an invalid item is a 400 naming its index and field and a
        param conflict a 409; either way nothing is written. At most 100 params, 1000 metrics, 100 tags."""
        run = self.run(run_id)
        serializer = RunLogBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.run_log_batch(run=run, user=self.user, **serializer.to_service_kwargs())
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunMetricHistoryApi(_RunApi):
    access = {"GET": Action.READ}
    serializer_class = RunMetricPointSerializer

    @extend_schema(parameters=[RunMetricHistoryQuerySerializer], responses=RunMetricPointSerializer(many=True))
    def get(self, request: Request, project: str, run_id: str) -> Response:
        query = self.validated_query(RunMetricHistoryQuerySerializer)
        points = selectors.run_metric_history(run=self.run(run_id), key=query["key"])
        return self.listing(points, RunMetricPointSerializer, filtered=False)


class RunTagApi(_RunApi):
    access = {"POST": Action.WRITE, "DELETE": Action.WRITE}
    serializer_class = RunTagSerializer

    @extend_schema(operation_id="runs_tags_set", request=RunTagSerializer)
    def post(self, request: Request, project: str, run_id: str) -> Response:
        data = self.validated_body(RunTagSerializer)
        tag = services.run_tag_set(run=self.run(run_id), user=self.user, **data)
        return Response(RunTagSerializer(tag).data)

    @extend_schema(parameters=[RunTagKeyQuerySerializer])
    def delete(self, request: Request, project: str, run_id: str) -> Response:
        query = self.validated_query(RunTagKeyQuerySerializer)
        services.run_tag_delete(run=self.run(run_id), user=self.user, key=query["key"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class RunInputApi(_RunApi):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = RunInputSerializer

    @extend_schema(operation_id="runs_inputs_list", responses=RunInputSerializer(many=True))
    def get(self, request: Request, project: str, run_id: str) -> Response:
        return self.listing(selectors.run_input_list(run=self.run(run_id)), RunInputSerializer, filtered=False)

    @extend_schema(request=RunInputCreateSerializer, responses={201: RunInputSerializer})
    def post(self, request: Request, project: str, run_id: str) -> Response:
        """Record a dataset version of this project that the run used (idempotent per version and role)."""
        data = self.validated_body(RunInputCreateSerializer)
        version = selectors.dataset_version_get_for_input(
            project=self.project, dataset=data["dataset"], version=data["version"]
        )
        run_input = services.run_log_input(
            run=self.run(run_id), user=self.user, dataset_version=version, role=data["role"]
        )
        return Response(RunInputSerializer(run_input).data, status=status.HTTP_201_CREATED)


class RunArtifactListApi(_RunApi):
    access = {"GET": Action.READ, "POST": Action.WRITE}
    serializer_class = RunArtifactSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="runs_artifacts_list",
        parameters=[RunArtifactListQuerySerializer],
        responses=RunArtifactSerializer(many=True),
    )
    def get(self, request: Request, project: str, run_id: str) -> Response:
        query = self.validated_query(RunArtifactListQuerySerializer)
        artifacts = selectors.run_artifact_list(run=self.run(run_id), path=query["path"])
        return self.listing(artifacts, RunArtifactSerializer, filtered=False)

    @extend_schema(
        operation_id="runs_artifacts_upload",
        request={"multipart/form-data": RunArtifactUploadSerializer},
        responses={201: RunArtifactSerializer, 409: OpenApiResponse(description="The path holds other content.")},
    )
    def post(self, request: Request, project: str, run_id: str) -> Response:
        """Store a file under its sha256 and list it under `path`. Artifacts are immutable: the same bytes at the same
        path are a no-op. Paths with '..', a leading '/', backslashes, NUL or percent-escapes are refused; files over
        the upload limit are a 413."""
        data = self.validated_body(RunArtifactUploadSerializer)
        upload = data["file"]
        artifact = services.run_artifact_put(
            run=self.run(run_id),
            user=self.user,
            path=data["path"],
            fileobj_or_bytes=upload,
            content_type=data["content_type"] or getattr(upload, "content_type", "") or "",
        )
        return Response(RunArtifactSerializer(artifact).data, status=status.HTTP_201_CREATED)


class RunArtifactDownloadApi(_RunApi):
    access = {"GET": Action.READ}
    serializer_class = RunArtifactSerializer

    @extend_schema(
        operation_id="runs_artifacts_download",
        parameters=[RunArtifactPathQuerySerializer],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, project: str, run_id: str) -> StreamingHttpResponse:
        """The file's bytes, streamed and checked against its sha256 (sent as the ETag)."""
        query = self.validated_query(RunArtifactPathQuerySerializer)
        artifact = selectors.run_artifact_get(run=self.run(run_id), path=query["path"])
        response = StreamingHttpResponse(
            selectors.run_artifact_content(artifact=artifact), content_type="application/octet-stream"
        )
        response["Content-Length"] = str(artifact.size)
        response["Content-Disposition"] = content_disposition_header(True, os.path.basename(artifact.path)) or ""
        response["Content-Security-Policy"] = "sandbox"
        response["ETag"] = f'"{artifact.sha256}"'
        response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(artifact.sha256)).decode()}:"
        return response
