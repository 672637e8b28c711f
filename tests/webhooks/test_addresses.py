"""Where a webhook may point (SSRF): refused on save with 422 on ``body.url`` saying why, allowed
inside an allow-listed network, https only in production; and the check before each attempt, on
what the host resolves to."""

import ipaddress
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from conftest import SECRET, Shared, make_settings
from governance_api.app import create_app
from governance_api.db import Database
from governance_api.settings import Settings
from governance_api.webhooks import addresses
from webhooks.factories import API, body, counts, ok, problem, subscribe
from world import World, build_world

REFUSED = {
    # private, link-local (cloud metadata), loopback in its spellings, reserved, multicast, unspecified
    "https://10.0.0.1/hook": "not a public one",
    "http://169.254.169.254/latest/meta-data/": "not a public one",
    "http://localhost:8080/hook": "not a public one",
    "http://LOCALHOST/": "not a public one",
    "http://hooks.localhost/": "not a public one",
    "http://127.0.0.1/": "not a public one",
    "http://127.0.0.1:9000/x": "not a public one",
    "http://localhost./": "not a public one",  # the root's trailing dot
    "http://127.1/": "not a public one",  # legacy IPv4 forms a resolver still accepts
    "http://2130706433/": "not a public one",
    "http://0x7f.0.0.1/": "not a public one",
    "http://10.1/": "not a public one",
    "http://[::1]/": "not a public one",
    "http://[::ffff:127.0.0.1]/": "not a public one",
    "https://192.168.1.20/": "not a public one",
    "https://172.16.0.1/": "not a public one",
    "https://[fc00::1]/": "not a public one",
    "https://[fe80::1]/": "not a public one",
    "https://0.0.0.0/": "not a public one",
    "https://224.0.0.1/": "not a public one",
    "https://240.0.0.1/": "not a public one",
    "http://100.100.100.200/latest/meta-data/": "not a public one",  # shared 100.64/10: a cloud's metadata
    "https://100.64.0.1/": "not a public one",  # carrier-grade NAT
    "https://192.0.2.1/": "not a public one",  # documentation
    "http://[::ffff:10.0.0.1]/": "not a public one",  # mapped
    "http://[2002:7f00:1::]/": "not a public one",  # 6to4 around 127.0.0.1
    "http://[2002:a9fe:a9fe::1]/": "not a public one",  # 6to4 around 169.254.169.254
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/": "not a public one",  # Teredo, client 192.0.2.45
    "http://[64:ff9b::a9fe:a9fe]/": "not a public one",  # NAT64 around 169.254.169.254
    "http://[64:ff9b:1::a00:1]/": "not a public one",  # local-use NAT64 around 10.0.0.1
    "http://[::a9fe:a9fe]/": "not a public one",  # IPv4-compatible
    "http://[::ffff:0:7f00:1]/": "not a public one",  # IPv4-translated (SIIT) around 127.0.0.1
    "http://[fec0::1]/": "not a public one",  # the old site-local
    "https://a..b/hook": "not a valid name",  # an empty label no resolver can be asked
    "https://" + "a" * 64 + ".example.com/": "not a valid name",  # a label over 63 characters
    # forms
    "ftp://hooks.example.com/": "must be http or https",
    "hooks.example.com/in": "must be http or https",
    "javascript:alert(1)": "must be http or https",
    "https://user:pw@hooks.example.com/": "must not carry credentials",
    "https://token@hooks.example.com/": "must not carry credentials",
    "http:///path-only": "has no host",
    "https://": "has no host",
    "https://hooks.example.com:99999/": "port is not valid",
    "https://[::1/": "not a valid URL",
    "https://hooks example.com/": "must not contain spaces or control characters",
    "https://hooks.example.com/\tx": "must not contain spaces or control characters",
}


@pytest.mark.parametrize("url", list(REFUSED))
def test_refused_on_save(shared: Shared, url: str) -> None:
    before = counts(shared.db)
    p = problem(shared.client.post(API, json=body(url=url), headers=shared.h("jo")), 422, "validation_error")
    assert p["errors"][0]["field"] == "body.url", p
    assert REFUSED[url] in p["errors"][0]["message"], p
    assert counts(shared.db) == before


def test_a_refusal_does_not_name_the_address(settings: Settings) -> None:
    """The delivery log shows refusals to the subscription's owner: never the internal address a
    name resolved to."""
    with pytest.raises(addresses.Refused) as refused:
        addresses.resolve_and_check(settings, "http://localhost:9000/hook")
    assert "127.0.0.1" not in str(refused.value) and "localhost" not in str(refused.value)


def test_public_addresses_and_wrappers_of_them_pass(settings: Settings) -> None:
    for url in (
        "https://8.8.8.8/",
        "https://[2606:4700::1111]/",
        "https://[::ffff:8.8.8.8]/",
        "https://[2002:808:808::1]/",
    ):
        addresses.check_url(settings, url)


@pytest.mark.parametrize("url", ["https://10.0.0.1/hook", "http://169.254.169.254/", "http://[::1]/", "ftp://x.org/"])
def test_refused_on_change(shared: Shared, url: str) -> None:
    sub = subscribe(shared.client, shared.h("ic"))
    p = problem(
        shared.client.patch(f"{API}/{sub['id']}", json={"url": url}, headers=shared.h("ic")), 422, "validation_error"
    )
    assert p["errors"][0]["field"] == "body.url"
    assert ok(shared.client.get(f"{API}/{sub['id']}", headers=shared.h("ic")))["url"] == sub["url"]


def test_a_name_is_accepted_on_save(shared: Shared) -> None:
    """A host name is checked on what it resolves to before each attempt, not on save (it may be
    repointed in between anyway)."""
    assert subscribe(shared.client, shared.h("jo"), url="http://hooks.example.com:8443/in?x=1")["url"] == (
        "http://hooks.example.com:8443/in?x=1"
    )


@pytest.fixture
def allow_listed(settings: Settings) -> Iterator[tuple[TestClient, World]]:
    """An app whose settings allow-list 127.0.0.0/8 (a receiver on this machine)."""
    listed = make_settings(settings.database_url, webhook_allowed_networks=["127.0.0.0/8"])
    db = Database(listed)
    world = build_world(db, listed)
    with TestClient(create_app(listed, db), raise_server_exceptions=False) as c:
        yield c, world
    db.dispose()


def test_an_allow_listed_network_may_be_called(allow_listed: tuple[TestClient, World]) -> None:
    c, w = allow_listed
    for url in ("http://127.0.0.1:9000/hook", "http://localhost:9000/hook"):
        assert subscribe(c, w.h("jo"), url=url)["url"] == url
    for url in ("http://10.0.0.1/", "http://169.254.169.254/", "http://[::1]/"):  # others still refused
        problem(c.post(API, json=body(url=url), headers=w.h("jo")), 422, "validation_error")


def test_resolved_addresses_are_checked_before_an_attempt(settings: Settings) -> None:
    with pytest.raises(addresses.Refused, match=r"not a public one"):
        addresses.resolve_and_check(settings, "http://localhost:9000/hook")
    with pytest.raises(addresses.Refused, match="not a public one"):
        addresses.resolve_and_check(settings, "https://10.0.0.1/")
    with pytest.raises(addresses.Refused, match="does not resolve"):
        addresses.resolve_and_check(settings, "https://no-such-host.invalid/")
    with pytest.raises(addresses.Refused, match="not a valid name"):  # was a UnicodeError from getaddrinfo
        addresses.resolve_and_check(settings, "https://a..b/hook")
    listed = settings.model_copy(update={"webhook_allowed_networks": [ipaddress.ip_network("127.0.0.0/8")]})
    addresses.resolve_and_check(listed, "http://localhost:9000/hook")  # allowed: no exception
    addresses.resolve_and_check(settings, "https://93.184.215.14/")  # a public address literal


def _production(settings: Settings) -> Settings:
    return Settings(environment="production", database_url=settings.database_url, jwt_secret=SECRET)


def test_production_requires_https(settings: Settings) -> None:
    prod = _production(settings)
    with pytest.raises(addresses.Refused, match="must be https"):
        addresses.check_url(prod, "http://hooks.example.com/")
    addresses.check_url(prod, "https://hooks.example.com/")
    addresses.check_url(settings, "http://hooks.example.com/")  # outside production http is allowed


def test_production_refuses_http_on_save(settings: Settings) -> None:
    prod = _production(settings)
    db = Database(prod)
    world = build_world(db, prod)
    try:
        with TestClient(create_app(prod, db), raise_server_exceptions=False) as c:
            p = problem(c.post(API, json=body(url="http://hooks.example.com/"), headers=world.h("jo")), 422)
            assert p["errors"] == [{"field": "body.url", "message": "the URL must be https"}]
            assert subscribe(c, world.h("jo"), url="https://hooks.example.com/")["url"].startswith("https:")
    finally:
        db.dispose()
