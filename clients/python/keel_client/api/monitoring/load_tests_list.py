from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.load_tests_list_status import LoadTestsListStatus
from ...models.paginated_load_test_list import PaginatedLoadTestList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    deployment: str,
    *,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    revision_number: int | Unset = UNSET,
    status: LoadTestsListStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["ordering"] = ordering

    params["page"] = page

    params["page_size"] = page_size

    params["revision_number"] = revision_number

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/deployments/{deployment}/load-tests/".format(
            project=quote(str(project), safe=""),
            deployment=quote(str(deployment), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedLoadTestList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedLoadTestList.from_dict(response.json())

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
) -> Response[PaginatedLoadTestList | Problem]:
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
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    revision_number: int | Unset = UNSET,
    status: LoadTestsListStatus | Unset = UNSET,
) -> Response[PaginatedLoadTestList | Problem]:
    """Load tests of this deployment, newest first, with their figures (rps, p50/p95/p99 in ms, error rate)
    and the revision and model versions they measured.

    Args:
        project (str):
        deployment (str):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        revision_number (int | Unset):
        status (LoadTestsListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedLoadTestList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
        ordering=ordering,
        page=page,
        page_size=page_size,
        revision_number=revision_number,
        status=status,
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
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    revision_number: int | Unset = UNSET,
    status: LoadTestsListStatus | Unset = UNSET,
) -> PaginatedLoadTestList | Problem | None:
    """Load tests of this deployment, newest first, with their figures (rps, p50/p95/p99 in ms, error rate)
    and the revision and model versions they measured.

    Args:
        project (str):
        deployment (str):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        revision_number (int | Unset):
        status (LoadTestsListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedLoadTestList | Problem
    """

    return sync_detailed(
        project=project,
        deployment=deployment,
        client=client,
        ordering=ordering,
        page=page,
        page_size=page_size,
        revision_number=revision_number,
        status=status,
    ).parsed


async def asyncio_detailed(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    revision_number: int | Unset = UNSET,
    status: LoadTestsListStatus | Unset = UNSET,
) -> Response[PaginatedLoadTestList | Problem]:
    """Load tests of this deployment, newest first, with their figures (rps, p50/p95/p99 in ms, error rate)
    and the revision and model versions they measured.

    Args:
        project (str):
        deployment (str):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        revision_number (int | Unset):
        status (LoadTestsListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedLoadTestList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
        ordering=ordering,
        page=page,
        page_size=page_size,
        revision_number=revision_number,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    ordering: str | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
    revision_number: int | Unset = UNSET,
    status: LoadTestsListStatus | Unset = UNSET,
) -> PaginatedLoadTestList | Problem | None:
    """Load tests of this deployment, newest first, with their figures (rps, p50/p95/p99 in ms, error rate)
    and the revision and model versions they measured.

    Args:
        project (str):
        deployment (str):
        ordering (str | Unset):
        page (int | Unset):
        page_size (int | Unset):
        revision_number (int | Unset):
        status (LoadTestsListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedLoadTestList | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            deployment=deployment,
            client=client,
            ordering=ordering,
            page=page,
            page_size=page_size,
            revision_number=revision_number,
            status=status,
        )
    ).parsed
