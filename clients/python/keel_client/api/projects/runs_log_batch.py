from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.run_log_batch_request import RunLogBatchRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    run_id: str,
    *,
    body: RunLogBatchRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project}/runs/{run_id}/log-batch".format(
            project=quote(str(project), safe=""),
            run_id=quote(str(run_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if response.status_code == 409:
        response_409 = cast(Any, None)
        return response_409

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    run_id: str,
    *,
    client: AuthenticatedClient,
    body: RunLogBatchRequest | Unset = UNSET,
) -> Response[Any | Problem]:
    """Params, metric points and tags in one transaction: an invalid item is a 400 naming its index and
    field and a param conflict a 409; either way nothing is written. At most 100 params, 1000 metrics,
    100 tags.

    Args:
        project (str):
        run_id (str):
        body (RunLogBatchRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        run_id=run_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    run_id: str,
    *,
    client: AuthenticatedClient,
    body: RunLogBatchRequest | Unset = UNSET,
) -> Any | Problem | None:
    """Params, metric points and tags in one transaction: an invalid item is a 400 naming its index and
    field and a param conflict a 409; either way nothing is written. At most 100 params, 1000 metrics,
    100 tags.

    Args:
        project (str):
        run_id (str):
        body (RunLogBatchRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        project=project,
        run_id=run_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project: str,
    run_id: str,
    *,
    client: AuthenticatedClient,
    body: RunLogBatchRequest | Unset = UNSET,
) -> Response[Any | Problem]:
    """Params, metric points and tags in one transaction: an invalid item is a 400 naming its index and
    field and a param conflict a 409; either way nothing is written. At most 100 params, 1000 metrics,
    100 tags.

    Args:
        project (str):
        run_id (str):
        body (RunLogBatchRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        run_id=run_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    run_id: str,
    *,
    client: AuthenticatedClient,
    body: RunLogBatchRequest | Unset = UNSET,
) -> Any | Problem | None:
    """Params, metric points and tags in one transaction: an invalid item is a 400 naming its index and
    field and a param conflict a 409; either way nothing is written. At most 100 params, 1000 metrics,
    100 tags.

    Args:
        project (str):
        run_id (str):
        body (RunLogBatchRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            run_id=run_id,
            client=client,
            body=body,
        )
    ).parsed
