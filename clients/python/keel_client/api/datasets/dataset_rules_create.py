from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.validation_rule import ValidationRule
from ...models.validation_rule_create_request import ValidationRuleCreateRequest
from ...types import Response


def _get_kwargs(
    project: str,
    dataset: str,
    *,
    body: ValidationRuleCreateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project}/datasets/{dataset}/rules/".format(
            project=quote(str(project), safe=""),
            dataset=quote(str(dataset), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ValidationRule | None:
    if response.status_code == 201:
        response_201 = ValidationRule.from_dict(response.json())

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
) -> Response[Problem | ValidationRule]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project: str,
    dataset: str,
    *,
    client: AuthenticatedClient,
    body: ValidationRuleCreateRequest,
) -> Response[Problem | ValidationRule]:
    """
    Args:
        project (str):
        dataset (str):
        body (ValidationRuleCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ValidationRule]
    """

    kwargs = _get_kwargs(
        project=project,
        dataset=dataset,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    dataset: str,
    *,
    client: AuthenticatedClient,
    body: ValidationRuleCreateRequest,
) -> Problem | ValidationRule | None:
    """
    Args:
        project (str):
        dataset (str):
        body (ValidationRuleCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ValidationRule
    """

    return sync_detailed(
        project=project,
        dataset=dataset,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project: str,
    dataset: str,
    *,
    client: AuthenticatedClient,
    body: ValidationRuleCreateRequest,
) -> Response[Problem | ValidationRule]:
    """
    Args:
        project (str):
        dataset (str):
        body (ValidationRuleCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ValidationRule]
    """

    kwargs = _get_kwargs(
        project=project,
        dataset=dataset,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    dataset: str,
    *,
    client: AuthenticatedClient,
    body: ValidationRuleCreateRequest,
) -> Problem | ValidationRule | None:
    """
    Args:
        project (str):
        dataset (str):
        body (ValidationRuleCreateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ValidationRule
    """

    return (
        await asyncio_detailed(
            project=project,
            dataset=dataset,
            client=client,
            body=body,
        )
    ).parsed
