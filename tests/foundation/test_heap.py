"""A served process exempts what its startup built from full garbage collections (``gc.freeze``);
an app built any other way (tests build hundreds) leaves the collector as it is."""

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from governance_api.app import create_app, served_app
from governance_api.cli import main
from governance_api.db import Database
from governance_api.settings import Settings, get_settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # what a test froze is collectable again for the rest of the run


def test_a_settling_app_freezes_the_heap_once_started(unfrozen: None, settings: Settings, db: Database) -> None:
    app = create_app(settings, db, settle_heap=True)
    assert gc.get_freeze_count() == 0  # built, not yet started
    with TestClient(app) as client:
        # everything alive at startup is frozen; the collector's generations hold only what was
        # made since (the test client's own objects), a small fraction of it
        frozen = gc.get_freeze_count()
        assert frozen > 0 and len(gc.get_objects()) < frozen // 10
        assert client.get("/healthz").status_code == 200


def test_an_app_built_for_tests_does_not_touch_the_collector(unfrozen: None, settings: Settings, db: Database) -> None:
    with TestClient(create_app(settings, db)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() == 0


def test_serve_runs_the_settling_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("GOVERNANCE_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("GOVERNANCE_ENVIRONMENT", "development")
    monkeypatch.delenv("GOVERNANCE_JWT_SECRET", raising=False)
    get_settings.cache_clear()
    ran: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: ran.update(app=app, **kw))
    try:
        main(["serve", "--workers", "2"])
    finally:
        get_settings.cache_clear()
    assert ran["app"] == "governance_api.app:served_app" and ran["factory"] is True and ran["workers"] == 2
    module, name = ran["app"].split(":")
    assert getattr(__import__(module, fromlist=[name]), name) is served_app
