from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.drift_config import DriftConfig
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    project: str,
    deployment: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/deployments/{deployment}/drift-config/".format(
            project=quote(str(project), safe=""),
            deployment=quote(str(deployment), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DriftConfig | Problem | None:
    if response.status_code == 200:
        response_200 = DriftConfig.from_dict(response.json())

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
) -> Response[DriftConfig | Problem]:
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
) -> Response[DriftConfig | Problem]:
    """The stored drift config, or (``is_default: true``) the default schedule; reading stores nothing.

    Args:
        project (str):
        deployment (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DriftConfig | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
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
) -> DriftConfig | Problem | None:
    """The stored drift config, or (``is_default: true``) the default schedule; reading stores nothing.

    Args:
        project (str):
        deployment (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DriftConfig | Problem
    """

    return sync_detailed(
        project=project,
        deployment=deployment,
        client=client,
    ).parsed


async def asyncio_detailed(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
) -> Response[DriftConfig | Problem]:
    """The stored drift config, or (``is_default: true``) the default schedule; reading stores nothing.

    Args:
        project (str):
        deployment (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DriftConfig | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
) -> DriftConfig | Problem | None:
    """The stored drift config, or (``is_default: true``) the default schedule; reading stores nothing.

    Args:
        project (str):
        deployment (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DriftConfig | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            deployment=deployment,
            client=client,
        )
    ).parsed
