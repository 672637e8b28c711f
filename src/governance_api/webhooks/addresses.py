"""Where a webhook may be sent (SSRF guard): only to a public (globally routable) address — never
a private, loopback, link-local, shared (100.64.0.0/10, carrier NAT and cloud metadata), reserved,
multicast or unspecified one, nor an IPv6 address that carries such an IPv4 address (mapped, 6to4,
Teredo) — unless its network is allow-listed (``GOVERNANCE_WEBHOOK_ALLOWED_NETWORKS``); https only
in production.

Checked three times: when a subscription is saved (the URL's form, and a host that is an address
literal or ``localhost``); before every batch's attempts on what the host resolves to then (a name
may be pointed somewhere else after it was saved), which gives the refusal its reason; and on the
addresses the HTTP client itself connects to (``delivery.http``), so a name that answers
differently a moment later (DNS rebinding) is still refused.

Refusals never name the address a host resolved to: the delivery log is read by the subscription's
owner, who must not learn the service's internal network from it."""

import ipaddress
import socket
from urllib.parse import urlsplit

from governance_api.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(ValueError):
    """The URL may not be called; the message says why (it is shown to the subscription's owner)."""


def _carried(addr: IPAddress) -> list[IPAddress]:
    """The IPv4 addresses an IPv6 one carries (mapped, 6to4, Teredo's server and client): a packet
    to it may end up at them."""
    if not isinstance(addr, ipaddress.IPv6Address):
        return []
    return [a for a in (addr.ipv4_mapped, addr.sixtofour, *(addr.teredo or ())) if a is not None]


def _forbidden(addr: IPAddress) -> bool:
    # is_global is False for every special-purpose block (private, loopback, link-local, shared
    # 100.64/10, documentation, benchmarking, reserved, unspecified); multicast can be "global".
    # A wrapper is judged by what it carries (its own prefix is never "global").
    return any(not a.is_global or a.is_multicast for a in (_carried(addr) or [addr]))


def check_address(settings: Settings, addr: IPAddress) -> None:
    if _forbidden(addr) and not any(addr in net for net in settings.webhook_allowed_networks):
        raise Refused("the address is not a public one (private, loopback, link-local or reserved)")


def check_resolved(settings: Settings, address: str) -> None:
    """``check_address`` for an address as a resolver answers it (an IPv6 one may carry a zone)."""
    try:
        addr = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError as exc:
        raise Refused("the host resolved to something that is not an address") from exc
    check_address(settings, addr)


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
    if _literal(parts.hostname.rstrip(".")) is None:
        try:  # what a resolver would be asked: an empty label (a..b) or an over-long one fails here
            parts.hostname.encode("idna")
        except UnicodeError as exc:
            raise Refused("the URL's host is not a valid name") from exc
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
    except (OSError, UnicodeError, ValueError) as exc:  # UnicodeError: a name IDNA cannot encode
        raise Refused("the host does not resolve") from exc
    for info in infos:
        check_resolved(settings, str(info[4][0]))
