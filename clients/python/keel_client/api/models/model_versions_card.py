from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.model_card import ModelCard
from ...models.model_versions_card_format import ModelVersionsCardFormat
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    model: str,
    number: int,
    *,
    format_: ModelVersionsCardFormat | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/models/{model}/versions/{number}/card/".format(
            project=quote(str(project), safe=""),
            model=quote(str(model), safe=""),
            number=quote(str(number), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ModelCard | Problem | None:
    if response.status_code == 200:
        response_200 = ModelCard.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ModelCard | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    model: str,
    number: int,
    *,
    client: AuthenticatedClient,
    format_: ModelVersionsCardFormat | Unset = UNSET,
) -> Response[ModelCard | Problem]:
    """
    Args:
        project (str):
        model (str):
        number (int):
        format_ (ModelVersionsCardFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelCard | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        model=model,
        number=number,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    model: str,
    number: int,
    *,
    client: AuthenticatedClient,
    format_: ModelVersionsCardFormat | Unset = UNSET,
) -> ModelCard | Problem | None:
    """
    Args:
        project (str):
        model (str):
        number (int):
        format_ (ModelVersionsCardFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelCard | Problem
    """

    return sync_detailed(
        project=project,
        model=model,
        number=number,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    project: str,
    model: str,
    number: int,
    *,
    client: AuthenticatedClient,
    format_: ModelVersionsCardFormat | Unset = UNSET,
) -> Response[ModelCard | Problem]:
    """
    Args:
        project (str):
        model (str):
        number (int):
        format_ (ModelVersionsCardFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelCard | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        model=model,
        number=number,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    model: str,
    number: int,
    *,
    client: AuthenticatedClient,
    format_: ModelVersionsCardFormat | Unset = UNSET,
) -> ModelCard | Problem | None:
    """
    Args:
        project (str):
        model (str):
        number (int):
        format_ (ModelVersionsCardFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelCard | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            model=model,
            number=number,
            client=client,
            format_=format_,
        )
    ).parsed
