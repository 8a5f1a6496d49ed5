from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.profile import Profile
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    dataset: str,
    number: int,
    *,
    include_sample: bool | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["include_sample"] = include_sample

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/datasets/{dataset}/versions/{number}/profile/".format(
            project=quote(str(project), safe=""),
            dataset=quote(str(dataset), safe=""),
            number=quote(str(number), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Profile | None:
    if response.status_code == 200:
        response_200 = Profile.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Profile]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    dataset: str,
    number: int,
    *,
    client: AuthenticatedClient,
    include_sample: bool | Unset = UNSET,
) -> Response[Problem | Profile]:
    """Per-column statistics. Computed in the background after the upload: a 409 while the version's
    profile_status is pending (retry shortly) or failed.

    Args:
        project (str):
        dataset (str):
        number (int):
        include_sample (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Profile]
    """

    kwargs = _get_kwargs(
        project=project,
        dataset=dataset,
        number=number,
        include_sample=include_sample,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    dataset: str,
    number: int,
    *,
    client: AuthenticatedClient,
    include_sample: bool | Unset = UNSET,
) -> Problem | Profile | None:
    """Per-column statistics. Computed in the background after the upload: a 409 while the version's
    profile_status is pending (retry shortly) or failed.

    Args:
        project (str):
        dataset (str):
        number (int):
        include_sample (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Profile
    """

    return sync_detailed(
        project=project,
        dataset=dataset,
        number=number,
        client=client,
        include_sample=include_sample,
    ).parsed


async def asyncio_detailed(
    project: str,
    dataset: str,
    number: int,
    *,
    client: AuthenticatedClient,
    include_sample: bool | Unset = UNSET,
) -> Response[Problem | Profile]:
    """Per-column statistics. Computed in the background after the upload: a 409 while the version's
    profile_status is pending (retry shortly) or failed.

    Args:
        project (str):
        dataset (str):
        number (int):
        include_sample (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Profile]
    """

    kwargs = _get_kwargs(
        project=project,
        dataset=dataset,
        number=number,
        include_sample=include_sample,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    dataset: str,
    number: int,
    *,
    client: AuthenticatedClient,
    include_sample: bool | Unset = UNSET,
) -> Problem | Profile | None:
    """Per-column statistics. Computed in the background after the upload: a 409 while the version's
    profile_status is pending (retry shortly) or failed.

    Args:
        project (str):
        dataset (str):
        number (int):
        include_sample (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Profile
    """

    return (
        await asyncio_detailed(
            project=project,
            dataset=dataset,
            number=number,
            client=client,
            include_sample=include_sample,
        )
    ).parsed
