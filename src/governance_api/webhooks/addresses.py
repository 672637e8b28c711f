"""Where a webhook may be sent (SSRF guard): never to a private, loopback, link-local, reserved,
multicast or unspecified address unless its network is allow-listed
(``GOVERNANCE_WEBHOOK_ALLOWED_NETWORKS``); https only in production.

Checked twice: when a subscription is saved (the URL's form, and a host that is an address literal
or ``localhost``), and before every attempt on what the host resolves to then (a name may be
pointed somewhere else after it was saved)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from governance_api.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(ValueError):
    """The URL may not be called; the message says why (it is shown to the subscription's owner)."""


def _forbidden(addr: IPAddress) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_reserved
        or addr.is_multicast
        or addr.is_unspecified
    )


def check_address(settings: Settings, addr: IPAddress) -> None:
    if _forbidden(addr) and not any(addr in net for net in settings.webhook_allowed_networks):
        raise Refused(f"{addr} is a private, loopback or link-local address")


def host_of(settings: Settings, url: str) -> str:
    """The URL's host after checking its form: http(s), a host, no user info; https in production."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused("the URL must be http or https")
    if settings.requires_https and parts.scheme != "https":
        raise Refused("the URL must be https")
    if parts.username is not None or parts.password is not None:
        raise Refused("the URL must not carry credentials")
    if not parts.hostname:
        raise Refused("the URL has no host")
    try:
        _ = parts.port
    except ValueError as exc:
        raise Refused("the URL's port is not valid") from exc
    return parts.hostname


def check_url(settings: Settings, url: str) -> None:
    """On save: the form, and the host when it is an address (or ``localhost``) — no DNS lookup."""
    host = host_of(settings, url).lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        check_address(settings, ipaddress.ip_address("127.0.0.1"))
        return
    addr = _literal(host)
    if addr is not None:
        check_address(settings, addr)
    # else a name: resolved and checked before each attempt


def _literal(host: str) -> IPAddress | None:
    """The address a host written as one stands for, including the legacy IPv4 forms a resolver
    still accepts (``127.1``, ``2130706433``, ``0x7f.1``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def resolve_and_check(settings: Settings, url: str) -> None:
    """Before an attempt: every address the host resolves to must be allowed (blocking: run it in a
    thread from async code)."""
    host = host_of(settings, url)
    port = urlsplit(url).port or (443 if url.lower().startswith("https") else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Refused(f"the host {host} does not resolve") from exc
    for info in infos:
        check_address(settings, ipaddress.ip_address(info[4][0]))
