from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dataset_upload_request import DatasetUploadRequest
from ...models.dataset_version import DatasetVersion
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    project: str,
    dataset: str,
    *,
    body: DatasetUploadRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project}/datasets/{dataset}/versions/".format(
            project=quote(str(project), safe=""),
            dataset=quote(str(dataset), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | DatasetVersion | Problem | None:
    if response.status_code == 200:
        response_200 = DatasetVersion.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = DatasetVersion.from_dict(response.json())

        return response_201

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

    if response.status_code == 413:
        response_413 = cast(Any, None)
        return response_413

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | DatasetVersion | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    dataset: str,
    *,
    client: AuthenticatedClient,
    body: DatasetUploadRequest,
) -> Response[Any | DatasetVersion | Problem]:
    """Upload a CSV or Parquet file as the next version (the dataset is created on first upload). Identical
    bytes return the existing version with 200.

    Args:
        project (str):
        dataset (str):
        body (DatasetUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DatasetVersion | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        dataset=dataset,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    dataset: str,
    *,
    client: AuthenticatedClient,
    body: DatasetUploadRequest,
) -> Any | DatasetVersion | Problem | None:
    """Upload a CSV or Parquet file as the next version (the dataset is created on first upload). Identical
    bytes return the existing version with 200.

    Args:
        project (str):
        dataset (str):
        body (DatasetUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DatasetVersion | Problem
    """

    return sync_detailed(
        project=project,
        dataset=dataset,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project: str,
    dataset: str,
    *,
    client: AuthenticatedClient,
    body: DatasetUploadRequest,
) -> Response[Any | DatasetVersion | Problem]:
    """Upload a CSV or Parquet file as the next version (the dataset is created on first upload). Identical
    bytes return the existing version with 200.

    Args:
        project (str):
        dataset (str):
        body (DatasetUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DatasetVersion | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        dataset=dataset,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    dataset: str,
    *,
    client: AuthenticatedClient,
    body: DatasetUploadRequest,
) -> Any | DatasetVersion | Problem | None:
    """Upload a CSV or Parquet file as the next version (the dataset is created on first upload). Identical
    bytes return the existing version with 200.

    Args:
        project (str):
        dataset (str):
        body (DatasetUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DatasetVersion | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            dataset=dataset,
            client=client,
            body=body,
        )
    ).parsed
