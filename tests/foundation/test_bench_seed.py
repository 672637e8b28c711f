"""``bench/seed.py`` (the side-by-side benchmark's data) still writes rows the schema takes, on both
databases: a few disputes, each with its party, and a plan naming users who exist."""

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from governance_api.db import Database
from governance_api.models.disputes import Dispute, DisputeParty
from governance_api.models.org import User
from governance_api.settings import Settings, get_settings

BENCH = Path(__file__).parents[2] / "bench"


def test_the_bench_seed_fills_a_migrated_database(
    settings: Settings, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVERNANCE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GOVERNANCE_JWT_SECRET", settings.jwt_secret.get_secret_value())
    monkeypatch.setenv("GOVERNANCE_ENVIRONMENT", "test")
    monkeypatch.syspath_prepend(str(BENCH))
    get_settings.cache_clear()
    try:
        import seed

        seed.main(str(tmp_path / "plan.json"), 30)
    finally:
        get_settings.cache_clear()
        sys.modules.pop("seed", None)
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    with db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Dispute)) == 30
        assert s.scalar(select(func.count()).select_from(DisputeParty)) == 30
        assert s.scalar(select(func.count()).where(User.username.in_([plan["reader"], plan["actor"]]))) == 2
