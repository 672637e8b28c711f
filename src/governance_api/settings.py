"""Every setting, read once from ``GOVERNANCE_*`` environment variables."""

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "development-only-secret-change-me-0123456789"


class DisputeTimeLimits(BaseModel):
    """Days a dispute may stay at one level of the ladder before it is overdue (the clock restarts on
    escalation). Defaults follow the one-month rule of thumb for people's mediation; tune per street."""

    community: int = Field(default=15, ge=1, le=365)
    street_joint: int = Field(default=30, ge=1, le=365)
    hongmei: int = Field(default=30, ge=1, le=365)
    task_force: int = Field(default=60, ge=1, le=365)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVERNANCE_", env_nested_delimiter="__", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./governance.db"
    jwt_secret: SecretStr = SecretStr(DEV_SECRET)
    jwt_issuer: str = "governance-api"
    jwt_audience: str = "governance-api"
    token_ttl_seconds: int = Field(default=3600, ge=60, le=86400)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    idempotency_ttl_hours: int = Field(default=24, ge=1)
    # How long a reservation of an Idempotency-Key holds while its request runs: a little above the
    # longest request (SQLite's 15 s busy wait and a slow write). A retry after it takes over a
    # reservation whose process died; one within it is told "in progress".
    idempotency_lease_seconds: int = Field(default=60, ge=1, le=3600)
    token_attempts_per_minute: int = Field(default=30, ge=1)
    # How long a process may keep a caller's grants: a revoked role, a disabled user is refused on
    # every instance within this many seconds (0: load them on every request).
    grants_cache_seconds: float = Field(default=5.0, ge=0, le=5)
    db_pool_size: int = Field(default=10, ge=1)
    # How long a request waits for a free database connection before it is answered 503.
    db_pool_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    log_level: str = "INFO"
    dispute_time_limits: DisputeTimeLimits = DisputeTimeLimits()
    # A 报备 (decision filing) still unanswered this many days after it was made is reminded once.
    filing_reminder_days: int = Field(default=5, ge=1, le=90)

    # --- integration (DOMAIN §6) ---
    # Key material for the webhook signing secrets at rest; unset, one is derived from the JWT secret
    # (so rotating that secret makes stored webhook secrets unreadable: set this one in production).
    data_key: SecretStr | None = None
    # Networks a webhook URL may resolve into although private, loopback or link-local, e.g.
    # GOVERNANCE_WEBHOOK_ALLOWED_NETWORKS='["127.0.0.0/8"]' for a receiver on this machine.
    webhook_allowed_networks: list[IPv4Network | IPv6Network] = Field(default_factory=list)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_retry_hours: float = Field(default=24.0, gt=0, le=72)  # then a delivery is given up
    webhook_backoff_base_seconds: float = Field(default=5.0, gt=0)
    webhook_backoff_cap_seconds: float = Field(default=3600.0, gt=0)
    worker_batch_size: int = Field(default=200, ge=1, le=5000)
    worker_concurrency: int = Field(default=64, ge=1, le=1000)  # HTTP requests in flight per worker
    worker_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # A claimed batch is retaken by another worker after this: it must outlast the slowest batch
    # (checked below), or a batch still being sent would be sent twice.
    worker_lease_seconds: float = Field(default=120.0, ge=5)
    max_batch_body_bytes: int = Field(default=8_388_608, ge=1024)  # POST /intake/work-orders

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> "Settings":
        secret = self.jwt_secret.get_secret_value()
        if self.environment != "development" and (secret == DEV_SECRET or len(secret) < 32):
            raise ValueError("GOVERNANCE_JWT_SECRET must be set to a secret of 32+ characters outside development")
        return self

    @model_validator(mode="after")
    def _lease_outlasts_a_batch(self) -> "Settings":
        waves = -(-self.worker_batch_size // self.worker_concurrency)
        # each wave: a name looked up (bounded by the timeout) and a request (the timeout), then the
        # batch is recorded
        slowest = waves * 2 * self.webhook_timeout_seconds + LEASE_MARGIN_SECONDS
        if self.worker_lease_seconds < slowest:
            raise ValueError(
                f"GOVERNANCE_WORKER_LEASE_SECONDS must be at least {slowest:g}: a batch of "
                f"{self.worker_batch_size} at concurrency {self.worker_concurrency} with "
                f"{self.webhook_timeout_seconds:g} s timeouts can take that long"
            )
        return self

    @property
    def requires_https(self) -> bool:
        """Webhook URLs must be https in production; development and test may use http."""
        return self.environment == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


LEASE_MARGIN_SECONDS = 5.0  # recording a batch's outcomes, with room for a slow database


@lru_cache
def get_settings() -> Settings:
    return Settings()
