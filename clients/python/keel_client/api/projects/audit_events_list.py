import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_audit_event_list import PaginatedAuditEventList
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    *,
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    request_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["action"] = action

    params["action_prefix"] = action_prefix

    params["actor"] = actor

    params["cursor"] = cursor

    params["object_id"] = object_id

    params["object_type"] = object_type

    params["ordering"] = ordering

    params["page_size"] = page_size

    params["request_id"] = request_id

    json_since: str | Unset = UNSET
    if not isinstance(since, Unset):
        json_since = since.isoformat()
    params["since"] = json_since

    json_until: str | Unset = UNSET
    if not isinstance(until, Unset):
        json_until = until.isoformat()
    params["until"] = json_until

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/audit-events/".format(
            project=quote(str(project), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | PaginatedAuditEventList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedAuditEventList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = cast(Any, None)
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
) -> Response[Any | PaginatedAuditEventList | Problem]:
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
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    request_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Response[Any | PaginatedAuditEventList | Problem]:
    """
    Args:
        project (str):
        action (str | Unset):
        action_prefix (str | Unset):
        actor (str | Unset):
        cursor (str | Unset):
        object_id (str | Unset):
        object_type (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        request_id (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PaginatedAuditEventList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        action=action,
        action_prefix=action_prefix,
        actor=actor,
        cursor=cursor,
        object_id=object_id,
        object_type=object_type,
        ordering=ordering,
        page_size=page_size,
        request_id=request_id,
        since=since,
        until=until,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    request_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Any | PaginatedAuditEventList | Problem | None:
    """
    Args:
        project (str):
        action (str | Unset):
        action_prefix (str | Unset):
        actor (str | Unset):
        cursor (str | Unset):
        object_id (str | Unset):
        object_type (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        request_id (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PaginatedAuditEventList | Problem
    """

    return sync_detailed(
        project=project,
        client=client,
        action=action,
        action_prefix=action_prefix,
        actor=actor,
        cursor=cursor,
        object_id=object_id,
        object_type=object_type,
        ordering=ordering,
        page_size=page_size,
        request_id=request_id,
        since=since,
        until=until,
    ).parsed


async def asyncio_detailed(
    project: str,
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    request_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Response[Any | PaginatedAuditEventList | Problem]:
    """
    Args:
        project (str):
        action (str | Unset):
        action_prefix (str | Unset):
        actor (str | Unset):
        cursor (str | Unset):
        object_id (str | Unset):
        object_type (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        request_id (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | PaginatedAuditEventList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        action=action,
        action_prefix=action_prefix,
        actor=actor,
        cursor=cursor,
        object_id=object_id,
        object_type=object_type,
        ordering=ordering,
        page_size=page_size,
        request_id=request_id,
        since=since,
        until=until,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    *,
    client: AuthenticatedClient,
    action: str | Unset = UNSET,
    action_prefix: str | Unset = UNSET,
    actor: str | Unset = UNSET,
    cursor: str | Unset = UNSET,
    object_id: str | Unset = UNSET,
    object_type: str | Unset = UNSET,
    ordering: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    request_id: str | Unset = UNSET,
    since: datetime.datetime | Unset = UNSET,
    until: datetime.datetime | Unset = UNSET,
) -> Any | PaginatedAuditEventList | Problem | None:
    """
    Args:
        project (str):
        action (str | Unset):
        action_prefix (str | Unset):
        actor (str | Unset):
        cursor (str | Unset):
        object_id (str | Unset):
        object_type (str | Unset):
        ordering (str | Unset):
        page_size (int | Unset):
        request_id (str | Unset):
        since (datetime.datetime | Unset):
        until (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | PaginatedAuditEventList | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            client=client,
            action=action,
            action_prefix=action_prefix,
            actor=actor,
            cursor=cursor,
            object_id=object_id,
            object_type=object_type,
            ordering=ordering,
            page_size=page_size,
            request_id=request_id,
            since=since,
            until=until,
        )
    ).parsed
