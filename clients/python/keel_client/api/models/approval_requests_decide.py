from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.approval_decision_request import ApprovalDecisionRequest
from ...models.approval_request import ApprovalRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    project: str,
    model: str,
    number: int,
    request_id: int,
    *,
    body: ApprovalDecisionRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/projects/{project}/models/{model}/versions/{number}/approval-requests/{request_id}/decide/".format(
            project=quote(str(project), safe=""),
            model=quote(str(model), safe=""),
            number=quote(str(number), safe=""),
            request_id=quote(str(request_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApprovalRequest | Problem | None:
    if response.status_code == 200:
        response_200 = ApprovalRequest.from_dict(response.json())

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
) -> Response[ApprovalRequest | Problem]:
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
    request_id: int,
    *,
    client: AuthenticatedClient,
    body: ApprovalDecisionRequest,
) -> Response[ApprovalRequest | Problem]:
    """Approve or reject (a maintainer other than the requester). Failing checks need override=true with an
    override_reason, recorded in the audit log.

    Args:
        project (str):
        model (str):
        number (int):
        request_id (int):
        body (ApprovalDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApprovalRequest | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        model=model,
        number=number,
        request_id=request_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project: str,
    model: str,
    number: int,
    request_id: int,
    *,
    client: AuthenticatedClient,
    body: ApprovalDecisionRequest,
) -> ApprovalRequest | Problem | None:
    """Approve or reject (a maintainer other than the requester). Failing checks need override=true with an
    override_reason, recorded in the audit log.

    Args:
        project (str):
        model (str):
        number (int):
        request_id (int):
        body (ApprovalDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApprovalRequest | Problem
    """

    return sync_detailed(
        project=project,
        model=model,
        number=number,
        request_id=request_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    project: str,
    model: str,
    number: int,
    request_id: int,
    *,
    client: AuthenticatedClient,
    body: ApprovalDecisionRequest,
) -> Response[ApprovalRequest | Problem]:
    """Approve or reject (a maintainer other than the requester). Failing checks need override=true with an
    override_reason, recorded in the audit log.

    Args:
        project (str):
        model (str):
        number (int):
        request_id (int):
        body (ApprovalDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApprovalRequest | Problem]
    """

    kwargs = _get_kwargs(
        project=project,
        model=model,
        number=number,
        request_id=request_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project: str,
    model: str,
    number: int,
    request_id: int,
    *,
    client: AuthenticatedClient,
    body: ApprovalDecisionRequest,
) -> ApprovalRequest | Problem | None:
    """Approve or reject (a maintainer other than the requester). Failing checks need override=true with an
    override_reason, recorded in the audit log.

    Args:
        project (str):
        model (str):
        number (int):
        request_id (int):
        body (ApprovalDecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApprovalRequest | Problem
    """

    return (
        await asyncio_detailed(
            project=project,
            model=model,
            number=number,
            request_id=request_id,
            client=client,
            body=body,
        )
    ).parsed
