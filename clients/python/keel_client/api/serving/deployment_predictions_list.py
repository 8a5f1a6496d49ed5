import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_prediction_log_list import PaginatedPredictionLogList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    deployment: str,
    *,
    cursor: str | Unset = UNSET,
    is_error: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    prediction_id: UUID | Unset = UNSET,
    request_id: str | Unset = UNSET,
    revision: int | Unset = UNSET,
    routing_key: str | Unset = UNSET,
    shadow: bool | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["is_error"] = is_error

    params["ordering"] = ordering

    params["page_size"] = page_size

    json_prediction_id: str | Unset = UNSET
    if not isinstance(prediction_id, Unset):
        json_prediction_id = str(prediction_id)
    params["prediction_id"] = json_prediction_id

    params["request_id"] = request_id

    params["revision"] = revision

    params["routing_key"] = routing_key

    params["shadow"] = shadow

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params["variant"] = variant

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/deployments/{deployment}/predictions/".format(
            project=quote(str(project), safe=""),
            deployment=quote(str(deployment), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedPredictionLogList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedPredictionLogList.from_dict(response.json())

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
) -> Response[PaginatedPredictionLogList | Problem]:
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
    cursor: str | Unset = UNSET,
    is_error: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    prediction_id: UUID | Unset = UNSET,
    request_id: str | Unset = UNSET,
    revision: int | Unset = UNSET,
    routing_key: str | Unset = UNSET,
    shadow: bool | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> Response[PaginatedPredictionLogList | Problem]:
    """
    Args:
        project (str):
        deployment (str):
        cursor (str | Unset):
        is_error (bool | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        prediction_id (UUID | Unset):
        request_id (str | Unset):
        revision (int | Unset):
        routing_key (str | Unset):
        shadow (bool | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        variant (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPredictionLogList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
        cursor=cursor,
        is_error=is_error,
        ordering=ordering,
        page_size=page_size,
        prediction_id=prediction_id,
        request_id=request_id,
        revision=revision,
        routing_key=routing_key,
        shadow=shadow,
        since=since,
        until=until,
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
    cursor: str | Unset = UNSET,
    is_error: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    prediction_id: UUID | Unset = UNSET,
    request_id: str | Unset = UNSET,
    revision: int | Unset = UNSET,
    routing_key: str | Unset = UNSET,
    shadow: bool | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> PaginatedPredictionLogList | Problem | None:
    """
    Args:
        project (str):
        deployment (str):
        cursor (str | Unset):
        is_error (bool | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        prediction_id (UUID | Unset):
        request_id (str | Unset):
        revision (int | Unset):
        routing_key (str | Unset):
        shadow (bool | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        variant (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPredictionLogList | Problem
    """

    return sync_detailed(
        project=project,
        deployment=deployment,
        client=client,
        cursor=cursor,
        is_error=is_error,
        ordering=ordering,
        page_size=page_size,
        prediction_id=prediction_id,
        request_id=request_id,
        revision=revision,
        routing_key=routing_key,
        shadow=shadow,
        since=since,
        until=until,
        variant=variant,
    ).parsed


async def asyncio_detailed(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    is_error: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    prediction_id: UUID | Unset = UNSET,
    request_id: str | Unset = UNSET,
    revision: int | Unset = UNSET,
    routing_key: str | Unset = UNSET,
    shadow: bool | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> Response[PaginatedPredictionLogList | Problem]:
    """
    Args:
        project (str):
        deployment (str):
        cursor (str | Unset):
        is_error (bool | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        prediction_id (UUID | Unset):
        request_id (str | Unset):
        revision (int | Unset):
        routing_key (str | Unset):
        shadow (bool | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        variant (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPredictionLogList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        deployment=deployment,
        cursor=cursor,
        is_error=is_error,
        ordering=ordering,
        page_size=page_size,
        prediction_id=prediction_id,
        request_id=request_id,
        revision=revision,
        routing_key=routing_key,
        shadow=shadow,
        since=since,
        until=until,
        variant=variant,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    deployment: str,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    is_error: bool | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    prediction_id: UUID | Unset = UNSET,
    request_id: str | Unset = UNSET,
    revision: int | Unset = UNSET,
    routing_key: str | Unset = UNSET,
    shadow: bool | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
    variant: str | Unset = UNSET,
) -> PaginatedPredictionLogList | Problem | None:
    """
    Args:
        project (str):
        deployment (str):
        cursor (str | Unset):
        is_error (bool | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        prediction_id (UUID | Unset):
        request_id (str | Unset):
        revision (int | Unset):
        routing_key (str | Unset):
        shadow (bool | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):
        variant (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPredictionLogList | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            deployment=deployment,
            client=client,
            cursor=cursor,
            is_error=is_error,
            ordering=ordering,
            page_size=page_size,
            prediction_id=prediction_id,
            request_id=request_id,
            revision=revision,
            routing_key=routing_key,
            shadow=shadow,
            since=since,
            until=until,
            variant=variant,
        )
    ).parsed
