from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_webhook_delivery_list import PaginatedWebhookDeliveryList
from ...models.problem import Problem
from ...models.webhook_deliveries_list_status import WebhookDeliveriesListStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    webhook_id: int,
    *,
    cursor: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: WebhookDeliveriesListStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["cursor"] = cursor

    params["event_type"] = event_type

    params["page_size"] = page_size

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/projects/{project}/webhooks/{webhook_id}/deliveries/".format(
            project=quote(str(project), safe=""),
            webhook_id=quote(str(webhook_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedWebhookDeliveryList | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedWebhookDeliveryList.from_dict(response.json())

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
) -> Response[PaginatedWebhookDeliveryList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: WebhookDeliveriesListStatus | Unset = UNSET,
) -> Response[PaginatedWebhookDeliveryList | Problem]:
    """The subscription's delivery log, newest first.

    Args:
        project (str):
        webhook_id (int):
        cursor (str | Unset):
        event_type (str | Unset):
        page_size (int | Unset):
        status (WebhookDeliveriesListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedWebhookDeliveryList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        webhook_id=webhook_id,
        cursor=cursor,
        event_type=event_type,
        page_size=page_size,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: WebhookDeliveriesListStatus | Unset = UNSET,
) -> PaginatedWebhookDeliveryList | Problem | None:
    """The subscription's delivery log, newest first.

    Args:
        project (str):
        webhook_id (int):
        cursor (str | Unset):
        event_type (str | Unset):
        page_size (int | Unset):
        status (WebhookDeliveriesListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedWebhookDeliveryList | Problem
    """

    return sync_detailed(
        project=project,
        webhook_id=webhook_id,
        client=client,
        cursor=cursor,
        event_type=event_type,
        page_size=page_size,
        status=status,
    ).parsed


async def asyncio_detailed(
    project: str,
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: WebhookDeliveriesListStatus | Unset = UNSET,
) -> Response[PaginatedWebhookDeliveryList | Problem]:
    """The subscription's delivery log, newest first.

    Args:
        project (str):
        webhook_id (int):
        cursor (str | Unset):
        event_type (str | Unset):
        page_size (int | Unset):
        status (WebhookDeliveriesListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedWebhookDeliveryList | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        webhook_id=webhook_id,
        cursor=cursor,
        event_type=event_type,
        page_size=page_size,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    webhook_id: int,
    *,
    client: AuthenticatedClient,
    cursor: str | Unset = UNSET,
    event_type: str | Unset = UNSET,
    page_size: int | Unset = UNSET,
    status: WebhookDeliveriesListStatus | Unset = UNSET,
) -> PaginatedWebhookDeliveryList | Problem | None:
    """The subscription's delivery log, newest first.

    Args:
        project (str):
        webhook_id (int):
        cursor (str | Unset):
        event_type (str | Unset):
        page_size (int | Unset):
        status (WebhookDeliveriesListStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedWebhookDeliveryList | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            webhook_id=webhook_id,
            client=client,
            cursor=cursor,
            event_type=event_type,
            page_size=page_size,
            status=status,
        )
    ).parsed
