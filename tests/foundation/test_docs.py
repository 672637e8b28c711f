"""The interactive docs at /api/v1/docs load nothing from outside the service (offline networks).
The real-browser check with the network blocked is scripts/docs-browser-check.sh."""

import re

import pytest
from fastapi.testclient import TestClient

from foundation.conftest import Shared
from governance_api.meta.docs import ASSET_FILES, ASSETS_DIR

DOCS = "/api/v1/docs"
CONTENT_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


def _page(client: TestClient) -> str:
    r = client.get(DOCS)  # no token: the docs are public
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def _references(page: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page)


def test_the_page_references_only_paths_on_this_service(shared: Shared) -> None:
    page = _page(shared.client)
    refs = _references(page)
    assert len(refs) >= 3, refs  # the script, the stylesheet, the icon
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), f"{ref} is not a path on this service"
    assert "url: '/api/v1/openapi.json'" in page


@pytest.mark.parametrize("outside", ["http://", "https://", "cdn.", "//cdn", "jsdelivr", "unpkg", "tiangolo"])
def test_the_page_names_no_outside_host(shared: Shared, outside: str) -> None:
    assert outside not in _page(shared.client)


def test_the_validator_badge_is_off(shared: Shared) -> None:
    # Swagger UI would otherwise send the document to an online validator.
    assert '"validatorUrl": null' in _page(shared.client)


def test_every_asset_the_page_references_is_served(shared: Shared) -> None:
    refs = [ref for ref in _references(_page(shared.client)) if ref.startswith(f"{DOCS}/assets/")]
    assert sorted(ref.rsplit("/", 1)[-1] for ref in refs) == sorted(ASSET_FILES)
    for ref in refs:
        r = shared.client.get(ref)
        assert r.status_code == 200, ref
        expected = CONTENT_TYPES[ref[ref.rindex(".") :]]
        assert expected in r.headers["content-type"], (ref, r.headers["content-type"])
        assert r.content == (ASSETS_DIR / ref.rsplit("/", 1)[-1]).read_bytes()
        assert r.headers.get("etag"), "static assets are cacheable"
        assert r.headers.get("x-request-id"), "assets pass the request-context middleware"


def test_the_script_is_swagger_ui_and_the_stylesheet_loads_nothing_from_outside(shared: Shared) -> None:
    js = shared.client.get(f"{DOCS}/assets/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in js
    css = shared.client.get(f"{DOCS}/assets/swagger-ui.css").text
    assert "@import" not in css
    urls = re.findall(r"""url\(\s*["']?([^"')]*)""", css)
    assert urls and all(u.startswith("data:") for u in urls), [u for u in urls if not u.startswith("data:")]


def test_an_unknown_asset_is_a_problem_404(shared: Shared) -> None:
    r = shared.client.get(f"{DOCS}/assets/nothing-here.js")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_traversal_out_of_the_assets_is_refused(shared: Shared) -> None:
    r = shared.client.get(f"{DOCS}/assets/..%2f..%2f__init__.py")
    assert r.status_code == 404


def test_the_docs_are_not_operations_of_the_api(shared: Shared) -> None:
    paths = shared.client.get("/api/v1/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith(DOCS)]


def test_behind_a_proxy_prefix_the_urls_carry_it(shared: Shared) -> None:
    with TestClient(shared.client.app, root_path="/gov") as client:
        refs = _references(_page(client))
        assert refs and all(ref.startswith(f"/gov{DOCS}/assets/") for ref in refs), refs
        assert "url: '/gov/api/v1/openapi.json'" in client.get(DOCS).text
