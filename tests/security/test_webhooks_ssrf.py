"""The SSRF guard's pure parts: URL shape, address classes, the allow list, pinning. No network, no database."""

from __future__ import annotations

import ipaddress

import pytest

from core.webhooks import ssrf
from core.webhooks.ssrf import AddressPolicy, UnsafeUrl, forbidden_reason, parse_url, resolve_target

NO_EXCEPTIONS = AddressPolicy()


def test_parse_url_splits_scheme_host_port_and_path():
    parsed = parse_url("https://Hooks.Example.com/keel/in?team=risk")
    assert (parsed.scheme, parsed.host, parsed.port, parsed.path) == (
        "https",
        "hooks.example.com",
        443,
        "/keel/in?team=risk",
    )
    assert parse_url("http://[2606:4700::1111]:8080").port == 8080
    assert parse_url("http://[2606:4700::1111]:8080").host == "2606:4700::1111"
    assert parse_url("http://example.com").path == "/"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/x", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://example.com", "only http and https"),
        ("example.com/hook", "only http and https"),
        ("https://user:pw@example.com/", "credentials"),
        ("https://token@example.com/", "credentials"),
        ("https:///path-only", "host is required"),
        ("https://example.com:99999/", "port"),
        ("https://example.com/a b", "whitespace"),
        ("https://example.com/\r\nX-Injected: 1", "whitespace"),
        ("", "non-empty"),
    ],
)
def test_parse_url_refuses(url, message):
    with pytest.raises(UnsafeUrl, match=message):
        parse_url(url)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),  # noqa: S104
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:7f00:1::", "loopback"),
        ("64:ff9b::a00:1", "private"),
        ("::127.0.0.1", "reserved"),
    ],
)
def test_forbidden_reason_names_non_public_addresses(address, reason):
    assert forbidden_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_forbidden_reason_lets_public_addresses_through(address):
    assert forbidden_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("address", ["240.0.0.1", "192.0.2.1", "198.51.100.7", "2001:db8::1", "fec0::1", "100::1"])
def test_forbidden_reason_refuses_reserved_and_documentation_ranges(address):
    assert forbidden_reason(ipaddress.ip_address(address)) is not None


def test_policy_parses_networks_addresses_and_host_names():
    policy = AddressPolicy.from_entries([" 10.1.0.0/16 ", "127.0.0.1", "[::1]", "Hooks.Internal.", ""])
    assert policy.allows("x", ipaddress.ip_address("10.1.2.3"))
    assert not policy.allows("x", ipaddress.ip_address("10.2.0.1"))
    assert policy.allows("x", ipaddress.ip_address("127.0.0.1"))
    assert policy.allows("x", ipaddress.ip_address("::ffff:127.0.0.1"))  # the same host, IPv4-mapped
    assert policy.allows("x", ipaddress.ip_address("::1"))
    assert policy.allows("hooks.internal", ipaddress.ip_address("192.168.0.9"))
    assert not policy.allows("other.internal", ipaddress.ip_address("192.168.0.9"))


def _resolver(mapping):
    def resolve(host, port):
        return [ipaddress.ip_address(a) for a in mapping[host]]

    return resolve


def test_resolve_target_pins_the_checked_address(monkeypatch):
    monkeypatch.setattr(ssrf, "resolve", _resolver({"hooks.example.com": ["93.184.216.34", "93.184.216.35"]}))
    target = resolve_target("https://hooks.example.com/in", NO_EXCEPTIONS)
    assert target.address == "93.184.216.34"
    assert target.url.host == "hooks.example.com"


def test_resolve_target_refuses_a_name_with_any_private_address(monkeypatch):
    monkeypatch.setattr(ssrf, "resolve", _resolver({"rebind.example.com": ["93.184.216.34", "10.0.0.5"]}))
    with pytest.raises(UnsafeUrl, match=r"10.0.0.5, which is not a public address \(private\)"):
        resolve_target("https://rebind.example.com/in", NO_EXCEPTIONS)


def test_resolve_target_allows_what_the_operator_allows(monkeypatch):
    monkeypatch.setattr(ssrf, "resolve", _resolver({"hooks.internal": ["10.0.0.5"]}))
    assert resolve_target("http://hooks.internal/", AddressPolicy.from_entries(["10.0.0.0/8"])).address == "10.0.0.5"
    assert resolve_target("http://hooks.internal/", AddressPolicy.from_entries(["hooks.internal"])).address
    with pytest.raises(UnsafeUrl):
        resolve_target("http://hooks.internal/", AddressPolicy.from_entries(["10.1.0.0/16"]))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8080/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/",
        "http://0/",
    ],
)
def test_resolve_target_refuses_internal_targets_for_real(url):
    with pytest.raises(UnsafeUrl, match="not a public address"):
        resolve_target(url, NO_EXCEPTIONS)
