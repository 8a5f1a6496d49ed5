from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_training_job_list import PaginatedTrainingJobList
from ...models.problem import Problem
from ...models.training_jobs_list_status import TrainingJobsListStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    *,
    experiment_name: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: TrainingJobsListStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["experiment_name"] = experiment_name

    params["ordering"] = ordering

    params["page"] = page

    params["page_size"] = page_size

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/training-jobs/".format(
            project=quote(str(project), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedTrainingJobList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedTrainingJobList.from_dict(response.json())

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
) -> Response[PaginatedTrainingJobList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    *,
    client: AuthenticatedClient,
    experiment_name: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: TrainingJobsListStatus | Unset = UNSET,
) -> Response[PaginatedTrainingJobList | Problem]:
    """
    Args:
        project (str):
        experiment_name (str | Unset):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (TrainingJobsListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedTrainingJobList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        experiment_name=experiment_name,
        ordering=ordering,
        page=page,
        page_size=page_size,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    *,
    client: AuthenticatedClient,
    experiment_name: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: TrainingJobsListStatus | Unset = UNSET,
) -> PaginatedTrainingJobList | Problem | None:
    """
    Args:
        project (str):
        experiment_name (str | Unset):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (TrainingJobsListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedTrainingJobList | Problem
    """

    return sync_detailed(
        project=project,
        client=client,
        experiment_name=experiment_name,
        ordering=ordering,
        page=page,
        page_size=page_size,
        status=status,
    ).parsed


async def asyncio_detailed(
    project: str,
    *,
    client: AuthenticatedClient,
    experiment_name: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: TrainingJobsListStatus | Unset = UNSET,
) -> Response[PaginatedTrainingJobList | Problem]:
    """
    Args:
        project (str):
        experiment_name (str | Unset):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (TrainingJobsListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedTrainingJobList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        experiment_name=experiment_name,
        ordering=ordering,
        page=page,
        page_size=page_size,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    *,
    client: AuthenticatedClient,
    experiment_name: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: TrainingJobsListStatus | Unset = UNSET,
) -> PaginatedTrainingJobList | Problem | None:
    """
    Args:
        project (str):
        experiment_name (str | Unset):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        status (TrainingJobsListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedTrainingJobList | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            client=client,
            experiment_name=experiment_name,
            ordering=ordering,
            page=page,
            page_size=page_size,
            status=status,
        )
    ).parsed
