"""The SSRF guard in front of every webhook request. Pure: no Django imports.

A webhook URL is typed by a project maintainer and fetched by our workers, which sit inside our network. So:

- only ``http`` and ``https``; no credentials in the URL; a host is required; no whitespace or control characters;
- the host is resolved and *every* address it resolves to must be public: loopback, private, link-local,
  multicast, reserved, unspecified, shared (CGNAT) and other non-global addresses are refused, for IPv4 and
  IPv6, including IPv4 addresses embedded in IPv6 (IPv4-mapped ``::ffff:a.b.c.d``, 6to4, Teredo, NAT64);
- unless the operator allows a host name or a network in ``KEEL_WEBHOOK_ALLOWED_NETWORKS``;
- the caller connects to the address checked here (:class:`Target.address`), never resolves the name again,
  so a DNS answer that changes between check and connect (DNS rebinding) cannot redirect the request.

Redirects are never followed (see ``transport``), so a public endpoint cannot bounce us inside either.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_ALLOW_SETTING = "KEEL_WEBHOOK_ALLOWED_NETWORKS"


class UnsafeUrl(ValueError):
    """The URL is malformed or points where webhooks may not go. Permanent: retrying will not help."""


class ResolutionFailed(OSError):
    """The host name did not resolve (possibly temporary)."""


@dataclass(frozen=True)
class ParsedUrl:
    scheme: str
    host: str  # lowercase, IDNA-encoded, without IPv6 brackets
    port: int
    path: str  # path and query, what goes on the request line


@dataclass(frozen=True)
class Target:
    url: ParsedUrl
    address: str  # the checked IP address to connect to


def _host(raw: str | None) -> str:
    if not raw:
        raise UnsafeUrl("a host is required")
    try:
        return raw.encode("idna").decode("ascii").lower() if not raw.isascii() else raw.lower()
    except UnicodeError:
        raise UnsafeUrl("the host name is not valid") from None


def parse_url(url: str) -> ParsedUrl:
    """Check the URL's shape (no network access) and split it into what a request needs."""
    if not url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise UnsafeUrl("the URL must be non-empty and contain no whitespace or control characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeUrl("only http and https URLs are allowed")
    if "@" in parts.netloc:
        raise UnsafeUrl("URLs with credentials are not allowed")
    host = _host(parts.hostname)
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise UnsafeUrl("the port is not valid") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return ParsedUrl(scheme=scheme, host=host, port=port, path=path)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    embedded = [address.ipv4_mapped, address.sixtofour]
    if address.teredo is not None:
        embedded.append(address.teredo[1])
    if address in _NAT64:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [ip for ip in embedded if ip is not None]


def _own_reason(address: IPAddress) -> str | None:
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local),
        ("non-public", not address.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def forbidden_reason(address: IPAddress) -> str | None:
    """Why webhooks may not go to ``address`` (e.g. ``"loopback"``), or None for a public address.

    An IPv4-mapped address is judged as the IPv4 address it is; other IPv6 forms that embed an IPv4 address
    (6to4, Teredo, NAT64) must pass for both the IPv6 address and the embedded one.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _own_reason(address.ipv4_mapped)
    embedded = _embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else []
    for candidate in (*embedded, address):
        reason = _own_reason(candidate)
        if reason is not None:
            return reason
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Operator exceptions to the guard: host names (exact match) and networks that webhooks may reach."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> AddressPolicy:
        """Parse ``KEEL_WEBHOOK_ALLOWED_NETWORKS`` entries: CIDRs or addresses become networks, others hosts."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (item.strip().strip("[]") for item in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(hosts=frozenset(hosts), networks=tuple(networks))

    def allows(self, host: str, address: IPAddress) -> bool:
        if host.rstrip(".") in self.hosts:
            return True
        embedded = _embedded_ipv4(address) if isinstance(address, ipaddress.IPv6Address) else []
        candidates = (address, *embedded)
        return any(ip in network for ip in candidates for network in self.networks if ip.version == network.version)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (an IP literal resolves to itself), in resolver order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ResolutionFailed(f"{host} does not resolve: {exc}") from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ResolutionFailed(f"{host} does not resolve")
    return addresses


def check_address(host: str, address: IPAddress, policy: AddressPolicy) -> None:
    reason = forbidden_reason(address)
    if reason is not None and not policy.allows(host, address):
        raise UnsafeUrl(
            f"{host} resolves to {address}, which is not a public address ({reason}); an operator can allow "
            f"hosts or networks with {_ALLOW_SETTING}"
        )


def resolve_target(url: str, policy: AddressPolicy) -> Target:
    """Parse ``url``, resolve its host and check every address; the target pins the first one.

    Raises :class:`UnsafeUrl` (permanent) or :class:`ResolutionFailed` (maybe temporary).
    """
    parsed = parse_url(url)
    addresses = resolve(parsed.host, parsed.port)
    for address in addresses:
        check_address(parsed.host, address, policy)
    return Target(url=parsed, address=str(addresses[0]))
