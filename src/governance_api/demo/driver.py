"""A small HTTP driver for the demo scripts: the service's own API, called in-process.

Every call names the demo user making it (a bearer token minted for that user, no password
sign-in) and the status it expects; any other answer stops the seed with the response text, so a
demo world never silently lacks the record a later step stands on.
"""

import uuid
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from governance_api.app import API_PREFIX, create_app
from governance_api.db import Database
from governance_api.settings import Settings
from governance_api.tokens import issue

with warnings.catch_warnings():
    # Starlette 1.x asks for ``httpx2`` in its test client; httpx still works, and a newcomer's first
    # command should not print a deprecation notice about a test tool.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

Json = dict[str, Any]


class DemoSeedFailed(RuntimeError):
    """A request of the demo scripts was answered with a status they did not expect."""


@contextmanager
def connect(settings: Settings, db: Database, users: Mapping[str, str]) -> Iterator["Api"]:
    """The app on ``db``, served in-process for the length of the block."""
    with TestClient(create_app(settings, db)) as client:
        yield Api(client, settings, users)


class Api:
    def __init__(self, client: TestClient, settings: Settings, users: Mapping[str, str]) -> None:
        self._client = client
        self._settings = settings
        self._users = users
        self._tokens: dict[str, str] = {}
        self.calls = 0

    def get(self, who: str, path: str) -> Json:
        return self.call(who, "GET", path, None, 200)

    def post(self, who: str, path: str, body: Json | None = None, expect: int = 201) -> Json:
        return self.call(who, "POST", path, body or {}, expect)

    def put(self, who: str, path: str, body: Json) -> Json:
        return self.call(who, "PUT", path, body, 200)

    def patch(self, who: str, path: str, body: Json) -> Json:
        return self.call(who, "PATCH", path, body, 200)

    def act(self, who: str, resource: str, item_id: str, action: str, body: Json | None = None) -> Json:
        """One action of a state machine: ``POST /{resource}/{id}/actions/{action}``."""
        return self.post(who, f"/{resource}/{item_id}/actions/{action}", body, expect=200)

    def call(self, who: str, method: str, path: str, body: Json | None, expect: int) -> Json:
        self.calls += 1
        response = self._client.request(method, API_PREFIX + path, json=body, headers=self._auth(who))
        if response.status_code != expect:
            raise DemoSeedFailed(
                f"{who}: {method} {path} answered {response.status_code}, expected {expect}: {response.text}"
            )
        data = response.json()
        if not isinstance(data, dict):
            raise DemoSeedFailed(f"{who}: {method} {path} answered a non-object body: {response.text}")
        return data

    def _auth(self, who: str) -> dict[str, str]:
        if who not in self._tokens:
            self._tokens[who] = issue(uuid.UUID(self._users[who]), self._settings).access_token
        return {"Authorization": f"Bearer {self._tokens[who]}"}
