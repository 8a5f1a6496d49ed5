from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.run_compare import RunCompare
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    *,
    keys: str | Unset = "",
    max_points: int | Unset = 1000,
    run_ids: str,
    series: bool | Unset = True,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["keys"] = keys

    params["max_points"] = max_points

    params["run_ids"] = run_ids

    params["series"] = series

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/runs/compare".format(
            project=quote(str(project), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RunCompare | None:
    if response.status_code == 200:
        response_200 = RunCompare.from_dict(response.json())

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
) -> Response[Problem | RunCompare]:
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
    keys: str | Unset = "",
    max_points: int | Unset = 1000,
    run_ids: str,
    series: bool | Unset = True,
) -> Response[Problem | RunCompare]:
    """
    Args:
        project (str):
        keys (str | Unset):  Default: ''.
        max_points (int | Unset):  Default: 1000.
        run_ids (str):
        series (bool | Unset):  Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunCompare]
    """

    kwargs = _get_kwargs(
        project=project,
        keys=keys,
        max_points=max_points,
        run_ids=run_ids,
        series=series,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    *,
    client: AuthenticatedClient,
    keys: str | Unset = "",
    max_points: int | Unset = 1000,
    run_ids: str,
    series: bool | Unset = True,
) -> Problem | RunCompare | None:
    """
    Args:
        project (str):
        keys (str | Unset):  Default: ''.
        max_points (int | Unset):  Default: 1000.
        run_ids (str):
        series (bool | Unset):  Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunCompare
    """

    return sync_detailed(
        project=project,
        client=client,
        keys=keys,
        max_points=max_points,
        run_ids=run_ids,
        series=series,
    ).parsed


async def asyncio_detailed(
    project: str,
    *,
    client: AuthenticatedClient,
    keys: str | Unset = "",
    max_points: int | Unset = 1000,
    run_ids: str,
    series: bool | Unset = True,
) -> Response[Problem | RunCompare]:
    """
    Args:
        project (str):
        keys (str | Unset):  Default: ''.
        max_points (int | Unset):  Default: 1000.
        run_ids (str):
        series (bool | Unset):  Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunCompare]
    """

    kwargs = _get_kwargs(
        project=project,
        keys=keys,
        max_points=max_points,
        run_ids=run_ids,
        series=series,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    *,
    client: AuthenticatedClient,
    keys: str | Unset = "",
    max_points: int | Unset = 1000,
    run_ids: str,
    series: bool | Unset = True,
) -> Problem | RunCompare | None:
    """
    Args:
        project (str):
        keys (str | Unset):  Default: ''.
        max_points (int | Unset):  Default: 1000.
        run_ids (str):
        series (bool | Unset):  Default: True.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunCompare
    """

    return (
        await asyncio_detailed(
            project=project,
            client=client,
            keys=keys,
            max_points=max_points,
            run_ids=run_ids,
            series=series,
        )
    ).parsed
