"""Settings refuse the development secret (or a short one) outside development."""

import pytest
from pydantic import ValidationError

from governance_api.settings import DEV_SECRET, Settings


@pytest.mark.parametrize("environment", ["production", "test"])
def test_default_secret_is_refused_outside_development(environment: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVERNANCE_JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="GOVERNANCE_JWT_SECRET"):
        Settings(environment=environment)


@pytest.mark.parametrize("secret", [DEV_SECRET, "short", "x" * 31])
def test_weak_secret_is_refused_in_production(secret: str) -> None:
    with pytest.raises(ValidationError):
        Settings(environment="production", jwt_secret=secret)


def test_long_secret_works_in_production() -> None:
    s = Settings(environment="production", jwt_secret="p" * 32)
    assert s.jwt_secret.get_secret_value() == "p" * 32
    assert "p" * 32 not in repr(s)  # a SecretStr: never printed


def test_development_keeps_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVERNANCE_JWT_SECRET", raising=False)
    monkeypatch.delenv("GOVERNANCE_ENVIRONMENT", raising=False)
    assert Settings().jwt_secret.get_secret_value() == DEV_SECRET


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVERNANCE_ENVIRONMENT", "production")
    monkeypatch.setenv("GOVERNANCE_JWT_SECRET", "s" * 40)
    monkeypatch.setenv("GOVERNANCE_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("GOVERNANCE_DISPUTE_TIME_LIMITS__COMMUNITY", "10")
    s = Settings()
    assert (s.environment, s.database_url, s.is_sqlite) == ("production", "postgresql+psycopg://u@h/db", False)
    assert s.dispute_time_limits.community == 10
    monkeypatch.setenv("GOVERNANCE_JWT_SECRET", "short")
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize(
    "field",
    [
        {"token_ttl_seconds": 10},
        {"max_body_bytes": 10},
        {"environment": "staging"},
        {"db_pool_size": 0},
        {"idempotency_lease_seconds": 0},
    ],
)
def test_out_of_range_settings_are_refused(field: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate(field)


def test_a_lease_shorter_than_the_slowest_batch_is_refused() -> None:
    """200 deliveries at 64 in flight are 4 waves, each a lookup and a request of up to 10 s: a
    60-second lease would run out while the batch is still sent, and another worker would send it
    again."""
    with pytest.raises(ValidationError, match="at least 85"):
        Settings.model_validate({"worker_lease_seconds": 60})
    assert Settings.model_validate({"worker_lease_seconds": 85}).worker_lease_seconds == 85
    assert Settings().worker_lease_seconds >= 85  # the default fits the default batch
    with pytest.raises(ValidationError, match="at least 405"):
        Settings.model_validate({"worker_batch_size": 1000, "worker_concurrency": 50, "webhook_timeout_seconds": 10})
