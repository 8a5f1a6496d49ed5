from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.model_version import ModelVersion
from ...models.model_version_upload_request import ModelVersionUploadRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    project: str,
    model: str,
    *,
    body: ModelVersionUploadRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project}/models/{model}/versions/upload/".format(
            project=quote(str(project), safe=""),
            model=quote(str(model), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ModelVersion | Problem | None:
    if response.status_code == 201:
        response_201 = ModelVersion.from_dict(response.json())

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

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ModelVersion | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    model: str,
    *,
    client: AuthenticatedClient,
    body: ModelVersionUploadRequest,
) -> Response[ModelVersion | Problem]:
    """Upload a model trained elsewhere (maintainers), as a skops file: it loads with a trusted-type list
    and must predict on input_example. The server never loads pickle/joblib files (recognised by
    content, whatever their name): convert them on your own machine with `keel models upload model.pkl`.

    Args:
        project (str):
        model (str):
        body (ModelVersionUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelVersion | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        model=model,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    model: str,
    *,
    client: AuthenticatedClient,
    body: ModelVersionUploadRequest,
) -> ModelVersion | Problem | None:
    """Upload a model trained elsewhere (maintainers), as a skops file: it loads with a trusted-type list
    and must predict on input_example. The server never loads pickle/joblib files (recognised by
    content, whatever their name): convert them on your own machine with `keel models upload model.pkl`.

    Args:
        project (str):
        model (str):
        body (ModelVersionUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelVersion | Problem
    """

    return sync_detailed(
        project=project,
        model=model,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project: str,
    model: str,
    *,
    client: AuthenticatedClient,
    body: ModelVersionUploadRequest,
) -> Response[ModelVersion | Problem]:
    """Upload a model trained elsewhere (maintainers), as a skops file: it loads with a trusted-type list
    and must predict on input_example. The server never loads pickle/joblib files (recognised by
    content, whatever their name): convert them on your own machine with `keel models upload model.pkl`.

    Args:
        project (str):
        model (str):
        body (ModelVersionUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelVersion | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        model=model,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    model: str,
    *,
    client: AuthenticatedClient,
    body: ModelVersionUploadRequest,
) -> ModelVersion | Problem | None:
    """Upload a model trained elsewhere (maintainers), as a skops file: it loads with a trusted-type list
    and must predict on input_example. The server never loads pickle/joblib files (recognised by
    content, whatever their name): convert them on your own machine with `keel models upload model.pkl`.

    Args:
        project (str):
        model (str):
        body (ModelVersionUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelVersion | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            model=model,
            client=client,
            body=body,
        )
    ).parsed
