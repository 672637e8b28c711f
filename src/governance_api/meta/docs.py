"""The interactive API docs (Swagger UI) with their assets served by this service, not a CDN, so they
render on networks without internet access (政务外网). The assets are the Swagger UI dist files that
the ``fastapi-offline`` package ships; the page is FastAPI's own ``get_swagger_ui_html``."""

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

# swagger-ui-bundle.js, swagger-ui.css and favicon.png (and ReDoc's bundle, unused here).
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")


def install_docs(app: FastAPI, docs_url: str, openapi_url: str) -> None:
    """Serves the docs page at ``docs_url`` and its assets under ``{docs_url}/assets/``: public (no
    token), GET only, and left out of the OpenAPI document. Every URL in the page is a path on this
    service; the online validator badge is off (it would call an outside host)."""
    assets_url = f"{docs_url}/assets"
    app.mount(assets_url, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    title = f"{app.title} - Swagger UI"

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = str(request.scope.get("root_path", "")).rstrip("/")  # behind a proxy that strips a prefix
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=title,
            swagger_js_url=f"{root}{assets_url}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{assets_url}/swagger-ui.css",
            swagger_favicon_url=f"{root}{assets_url}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},
        )
