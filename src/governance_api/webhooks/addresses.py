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


def _nets(*cidrs: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(c) for c in cidrs)


# Written out, not left to ``is_global`` alone, whose answer changed between Python patch releases.
# IPv4: this network, private, shared (carrier NAT, cloud metadata), loopback, link-local, IETF
# protocol assignments, documentation, 6to4 relay, benchmarking, multicast, reserved, broadcast.
_NOT_PUBLIC_V4 = _nets(
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
)  # fmt: skip
# IPv6: unspecified, loopback, discard, documentation, unique local, link-local, the old
# site-local, multicast (the prefixes that carry an IPv4 address are judged by it, below).
_NOT_PUBLIC_V6 = _nets(
    "::/128", "::1/128", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8"
)
# IPv6 prefixes whose last 32 bits are an IPv4 address a packet may be translated to: mapped,
# translated (SIIT), NAT64 well-known and local-use, IPv4-compatible.
_LAST_32_BITS = _nets("::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "::/96")


def _carried(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 one carries (the prefixes above, 6to4, Teredo's server and
    client): a packet to it may end up at them."""
    out = [ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)] if any(addr in n for n in _LAST_32_BITS) else []
    out += [a for a in (addr.sixtofour, *(addr.teredo or ())) if a is not None]
    return out


def _forbidden(addr: IPAddress) -> bool:
    if isinstance(addr, ipaddress.IPv6Address):
        if any(addr in n for n in _NOT_PUBLIC_V6):
            return True
        if carried := _carried(addr):  # a wrapper is judged by what it carries
            return any(_forbidden(a) for a in carried)
        return not addr.is_global or addr.is_multicast
    # is_global as well: it knows blocks a future registry adds that the list above may not
    return any(addr in n for n in _NOT_PUBLIC_V4) or not addr.is_global or addr.is_multicast


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
