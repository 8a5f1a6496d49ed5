from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.run_search_page import RunSearchPage
from ...models.run_search_request import RunSearchRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    project: str,
    *,
    body: RunSearchRequest | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["page"] = page

    params["page_size"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project}/runs/search".format(
            project=quote(str(project), safe=""),
        ),
        "params": params,
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RunSearchPage | None:
    if response.status_code == 200:
        response_200 = RunSearchPage.from_dict(response.json())

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
) -> Response[Problem | RunSearchPage]:
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
    body: RunSearchRequest | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Response[Problem | RunSearchPage]:
    """Search runs with a JSON body (for long filters); pages come from `?page=` as for `runs_list`.

    `filter`: comparisons joined with `and` / `or` and grouped with parentheses, e.g. `metrics.f1 > 0.8
    and (params.estimator = 'random_forest' or tags.team IN ('risk', 'fraud'))`. Metrics (latest value)
    and `datasets.version` take =, !=, <, <=, >, >= with numbers; params, tags and the attributes
    status, name, run_id, user, source, experiment, code_version take =, !=, LIKE, ILIKE, IN, NOT IN
    with quoted strings; start_time and end_time take ordered operators with epoch milliseconds or ISO
    8601 strings. Keys with other characters are back-quoted: metrics.`my metric`. A malformed
    expression is a 400 whose error names the field, the 0-based `position` and the `token`.

    `order_by`: e.g. `["metrics.f1 DESC", "params.lr", "start_time"]`; runs lacking a key sort last.

    Args:
        project (str):
        page (int | Unset):
        page_size (int | Unset):
        body (RunSearchRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunSearchPage]
    """

    kwargs = _get_kwargs(
        project=project,
        body=body,
        page=page,
        page_size=page_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    *,
    client: AuthenticatedClient,
    body: RunSearchRequest | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Problem | RunSearchPage | None:
    """Search runs with a JSON body (for long filters); pages come from `?page=` as for `runs_list`.

    `filter`: comparisons joined with `and` / `or` and grouped with parentheses, e.g. `metrics.f1 > 0.8
    and (params.estimator = 'random_forest' or tags.team IN ('risk', 'fraud'))`. Metrics (latest value)
    and `datasets.version` take =, !=, <, <=, >, >= with numbers; params, tags and the attributes
    status, name, run_id, user, source, experiment, code_version take =, !=, LIKE, ILIKE, IN, NOT IN
    with quoted strings; start_time and end_time take ordered operators with epoch milliseconds or ISO
    8601 strings. Keys with other characters are back-quoted: metrics.`my metric`. A malformed
    expression is a 400 whose error names the field, the 0-based `position` and the `token`.

    `order_by`: e.g. `["metrics.f1 DESC", "params.lr", "start_time"]`; runs lacking a key sort last.

    Args:
        project (str):
        page (int | Unset):
        page_size (int | Unset):
        body (RunSearchRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunSearchPage
    """

    return sync_detailed(
        project=project,
        client=client,
        body=body,
        page=page,
        page_size=page_size,
    ).parsed


async def asyncio_detailed(
    project: str,
    *,
    client: AuthenticatedClient,
    body: RunSearchRequest | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Response[Problem | RunSearchPage]:
    """Search runs with a JSON body (for long filters); pages come from `?page=` as for `runs_list`.

    `filter`: comparisons joined with `and` / `or` and grouped with parentheses, e.g. `metrics.f1 > 0.8
    and (params.estimator = 'random_forest' or tags.team IN ('risk', 'fraud'))`. Metrics (latest value)
    and `datasets.version` take =, !=, <, <=, >, >= with numbers; params, tags and the attributes
    status, name, run_id, user, source, experiment, code_version take =, !=, LIKE, ILIKE, IN, NOT IN
    with quoted strings; start_time and end_time take ordered operators with epoch milliseconds or ISO
    8601 strings. Keys with other characters are back-quoted: metrics.`my metric`. A malformed
    expression is a 400 whose error names the field, the 0-based `position` and the `token`.

    `order_by`: e.g. `["metrics.f1 DESC", "params.lr", "start_time"]`; runs lacking a key sort last.

    Args:
        project (str):
        page (int | Unset):
        page_size (int | Unset):
        body (RunSearchRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RunSearchPage]
    """

    kwargs = _get_kwargs(
        project=project,
        body=body,
        page=page,
        page_size=page_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    *,
    client: AuthenticatedClient,
    body: RunSearchRequest | Unset = UNSET,
    page: int | Unset = UNSET,
    page_size: int | Unset = UNSET,
) -> Problem | RunSearchPage | None:
    """Search runs with a JSON body (for long filters); pages come from `?page=` as for `runs_list`.

    `filter`: comparisons joined with `and` / `or` and grouped with parentheses, e.g. `metrics.f1 > 0.8
    and (params.estimator = 'random_forest' or tags.team IN ('risk', 'fraud'))`. Metrics (latest value)
    and `datasets.version` take =, !=, <, <=, >, >= with numbers; params, tags and the attributes
    status, name, run_id, user, source, experiment, code_version take =, !=, LIKE, ILIKE, IN, NOT IN
    with quoted strings; start_time and end_time take ordered operators with epoch milliseconds or ISO
    8601 strings. Keys with other characters are back-quoted: metrics.`my metric`. A malformed
    expression is a 400 whose error names the field, the 0-based `position` and the `token`.

    `order_by`: e.g. `["metrics.f1 DESC", "params.lr", "start_time"]`; runs lacking a key sort last.

    Args:
        project (str):
        page (int | Unset):
        page_size (int | Unset):
        body (RunSearchRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RunSearchPage
    """

    return (
        await asyncio_detailed(
            project=project,
            client=client,
            body=body,
            page=page,
            page_size=page_size,
        )
    ).parsed
