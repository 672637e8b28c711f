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
    "https://10.0.0.1/hook": "10.0.0.1 is a private",
    "http://169.254.169.254/latest/meta-data/": "169.254.169.254 is a private",
    "http://localhost:8080/hook": "127.0.0.1 is a private",
    "http://LOCALHOST/": "127.0.0.1 is a private",
    "http://hooks.localhost/": "127.0.0.1 is a private",
    "http://127.0.0.1/": "127.0.0.1 is a private",
    "http://127.0.0.1:9000/x": "127.0.0.1 is a private",
    "http://localhost./": "127.0.0.1 is a private",  # the root's trailing dot
    "http://127.1/": "127.0.0.1 is a private",  # legacy IPv4 forms a resolver still accepts
    "http://2130706433/": "127.0.0.1 is a private",
    "http://0x7f.0.0.1/": "127.0.0.1 is a private",
    "http://10.1/": "10.0.0.1 is a private",
    "http://[::1]/": "::1 is a private",
    "http://[::ffff:127.0.0.1]/": "is a private",
    "https://192.168.1.20/": "192.168.1.20 is a private",
    "https://172.16.0.1/": "172.16.0.1 is a private",
    "https://[fc00::1]/": "fc00::1 is a private",
    "https://[fe80::1]/": "fe80::1 is a private",
    "https://0.0.0.0/": "0.0.0.0 is a private",
    "https://224.0.0.1/": "224.0.0.1 is a private",
    "https://240.0.0.1/": "240.0.0.1 is a private",
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
    with pytest.raises(addresses.Refused, match=r"127\.0\.0\.1 is a private"):
        addresses.resolve_and_check(settings, "http://localhost:9000/hook")
    with pytest.raises(addresses.Refused, match=r"10\.0\.0\.1"):
        addresses.resolve_and_check(settings, "https://10.0.0.1/")
    with pytest.raises(addresses.Refused, match="does not resolve"):
        addresses.resolve_and_check(settings, "https://no-such-host.invalid/")
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
