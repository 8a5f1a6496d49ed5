from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.erasure_receipt import ErasureReceipt
from ...models.erasure_request_request import ErasureRequestRequest
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    *,
    body: ErasureRequestRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project}/erasures/".format(
            project=quote(str(project), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErasureReceipt | Problem | None:
    if response.status_code == 201:
        response_201 = ErasureReceipt.from_dict(response.json())

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
) -> Response[ErasureReceipt | Problem]:
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
    body: ErasureRequestRequest | Unset = UNSET,
) -> Response[ErasureReceipt | Problem]:
    """Delete every logged prediction and feedback row of a routing key or subject id in the project,
    across partitions and Parquet exports (rewritten), in one transaction; the receipt is also recorded
    in the audit log. Owners and maintainers only.

    Args:
        project (str):
        body (ErasureRequestRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureReceipt | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    *,
    client: AuthenticatedClient,
    body: ErasureRequestRequest | Unset = UNSET,
) -> ErasureReceipt | Problem | None:
    """Delete every logged prediction and feedback row of a routing key or subject id in the project,
    across partitions and Parquet exports (rewritten), in one transaction; the receipt is also recorded
    in the audit log. Owners and maintainers only.

    Args:
        project (str):
        body (ErasureRequestRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureReceipt | Problem
    """

    return sync_detailed(
        project=project,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project: str,
    *,
    client: AuthenticatedClient,
    body: ErasureRequestRequest | Unset = UNSET,
) -> Response[ErasureReceipt | Problem]:
    """Delete every logged prediction and feedback row of a routing key or subject id in the project,
    across partitions and Parquet exports (rewritten), in one transaction; the receipt is also recorded
    in the audit log. Owners and maintainers only.

    Args:
        project (str):
        body (ErasureRequestRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErasureReceipt | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    *,
    client: AuthenticatedClient,
    body: ErasureRequestRequest | Unset = UNSET,
) -> ErasureReceipt | Problem | None:
    """Delete every logged prediction and feedback row of a routing key or subject id in the project,
    across partitions and Parquet exports (rewritten), in one transaction; the receipt is also recorded
    in the audit log. Owners and maintainers only.

    Args:
        project (str):
        body (ErasureRequestRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErasureReceipt | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            client=client,
            body=body,
        )
    ).parsed
