from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.load_test import LoadTest
from ...models.load_test_request_request import LoadTestRequestRequest
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    deployment: str,
    *,
    body: LoadTestRequestRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project}/deployments/{deployment}/load-tests/".format(
            project=quote(str(project), safe=""),
            deployment=quote(str(deployment), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> LoadTest | Problem | None:
    if response.status_code == 202:
        response_202 = LoadTest.from_dict(response.json())

        return response_202

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[LoadTest | Problem]:
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
    body: LoadTestRequestRequest | Unset = UNSET,
) -> Response[LoadTest | Problem]:
    """Queue a bounded in-process load test of the serving revision (generated inputs from the signature;
    stops at max_requests or max_seconds; no prediction-log rows). Poll the list for figures.

    Args:
        project (str):
        deployment (str):
        body (LoadTestRequestRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LoadTest | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
        body=body,
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
    body: LoadTestRequestRequest | Unset = UNSET,
) -> LoadTest | Problem | None:
    """Queue a bounded in-process load test of the serving revision (generated inputs from the signature;
    stops at max_requests or max_seconds; no prediction-log rows). Poll the list for figures.

    Args:
        project (str):
        deployment (str):
        body (LoadTestRequestRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LoadTest | Problem
    """

    return sync_detailed(
        project=project,
        deployment=deployment,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    body: LoadTestRequestRequest | Unset = UNSET,
) -> Response[LoadTest | Problem]:
    """Queue a bounded in-process load test of the serving revision (generated inputs from the signature;
    stops at max_requests or max_seconds; no prediction-log rows). Poll the list for figures.

    Args:
        project (str):
        deployment (str):
        body (LoadTestRequestRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LoadTest | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    body: LoadTestRequestRequest | Unset = UNSET,
) -> LoadTest | Problem | None:
    """Queue a bounded in-process load test of the serving revision (generated inputs from the signature;
    stops at max_requests or max_seconds; no prediction-log rows). Poll the list for figures.

    Args:
        project (str):
        deployment (str):
        body (LoadTestRequestRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LoadTest | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            deployment=deployment,
            client=client,
            body=body,
        )
    ).parsed
