from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.drift_reports_list_status import DriftReportsListStatus
from ...models.paginated_drift_report_list import PaginatedDriftReportList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    deployment: str,
    *,
    dataset_drift: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    per_variant: bool | Unset = UNSET,
    status: DriftReportsListStatus | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["dataset_drift"] = dataset_drift

    params["ordering"] = ordering

    params["page"] = page

    params["page_size"] = page_size

    params["per_variant"] = per_variant

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["variant"] = variant

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/deployments/{deployment}/drift-reports/".format(
            project=quote(str(project), safe=""),
            deployment=quote(str(deployment), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedDriftReportList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedDriftReportList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedDriftReportList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    dataset_drift: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    per_variant: bool | Unset = UNSET,
    status: DriftReportsListStatus | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> Response[PaginatedDriftReportList | Problem]:
    """
    Args:
        project (str):
        deployment (str):
        dataset_drift (bool | Unset):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        per_variant (bool | Unset):
        status (DriftReportsListStatus | Unset):
        variant (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedDriftReportList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
        dataset_drift=dataset_drift,
        ordering=ordering,
        page=page,
        page_size=page_size,
        per_variant=per_variant,
        status=status,
        variant=variant,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    dataset_drift: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    per_variant: bool | Unset = UNSET,
    status: DriftReportsListStatus | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> PaginatedDriftReportList | Problem | None:
    """
    Args:
        project (str):
        deployment (str):
        dataset_drift (bool | Unset):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        per_variant (bool | Unset):
        status (DriftReportsListStatus | Unset):
        variant (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedDriftReportList | Problem
    """

    return sync_detailed(
        project=project,
        deployment=deployment,
        client=client,
        dataset_drift=dataset_drift,
        ordering=ordering,
        page=page,
        page_size=page_size,
        per_variant=per_variant,
        status=status,
        variant=variant,
    ).parsed


async def asyncio_detailed(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    dataset_drift: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    per_variant: bool | Unset = UNSET,
    status: DriftReportsListStatus | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> Response[PaginatedDriftReportList | Problem]:
    """
    Args:
        project (str):
        deployment (str):
        dataset_drift (bool | Unset):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        per_variant (bool | Unset):
        status (DriftReportsListStatus | Unset):
        variant (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedDriftReportList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
        dataset_drift=dataset_drift,
        ordering=ordering,
        page=page,
        page_size=page_size,
        per_variant=per_variant,
        status=status,
        variant=variant,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    dataset_drift: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    per_variant: bool | Unset = UNSET,
    status: DriftReportsListStatus | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> PaginatedDriftReportList | Problem | None:
    """
    Args:
        project (str):
        deployment (str):
        dataset_drift (bool | Unset):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        per_variant (bool | Unset):
        status (DriftReportsListStatus | Unset):
        variant (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedDriftReportList | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            deployment=deployment,
            client=client,
            dataset_drift=dataset_drift,
            ordering=ordering,
            page=page,
            page_size=page_size,
            per_variant=per_variant,
            status=status,
            variant=variant,
        )
    ).parsed
