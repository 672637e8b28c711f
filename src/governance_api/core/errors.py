"""Domain errors. They know nothing of HTTP; ``core.problems`` maps each to its RFC 9457 response."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    code = "error"
    title = "Error"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title


class BadRequest(DomainError):
    code, title = "bad_request", "Malformed request"


class Unauthorized(DomainError):
    code, title = "unauthorized", "Authentication required"


class Forbidden(DomainError):
    code, title = "forbidden", "Your roles do not allow this"


class NotFound(DomainError):
    code, title = "not_found", "No such resource"


class TransitionNotAllowed(DomainError):
    code, title = "transition_not_allowed", "Action not allowed from the current state"

    def __init__(self, action: str, state: str) -> None:
        super().__init__(f"'{action}' cannot be taken while the record is '{state}'")


class GuardFailed(DomainError):
    code, title = "guard_failed", "Preconditions not met"

    def __init__(self, unmet: list[str], detail: str | None = None) -> None:
        super().__init__(detail or "; ".join(unmet))
        self.unmet = unmet


class Duplicate(DomainError):
    code, title = "duplicate", "Already recorded"

    def __init__(self, detail: str, existing_id: str | None = None) -> None:
        super().__init__(detail)
        self.existing_id = existing_id


class VersionConflict(DomainError):
    code, title = "version_conflict", "The record has changed"


class PayloadTooLarge(DomainError):
    code, title = "payload_too_large", "Request body too large"


class ValidationFailed(DomainError):
    code, title = "validation_error", "Invalid input"

    def __init__(self, errors: list[FieldError], detail: str | None = None) -> None:
        super().__init__(detail or "; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def one(cls, field: str, message: str) -> "ValidationFailed":
        return cls([FieldError(field, message)])


class NotAMajorDecision(DomainError):
    code, title = "not_a_major_decision", "Below the catalog threshold: not a major decision"


class IdempotencyKeyReuse(DomainError):
    code, title = "idempotency_key_reuse", "Idempotency-Key reused with a different request"


class RateLimited(DomainError):
    code, title = "rate_limited", "Too many requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class Unavailable(DomainError):
    """The database connection dropped (a restart, a failover). Mostly before anything was written;
    if it dropped during the commit, the write may have landed: a retry with the same
    Idempotency-Key is safe either way."""

    code, title = "unavailable", "Service temporarily unavailable"

    def __init__(
        self,
        detail: str = "the database connection was reset; if it dropped while committing, the write may have "
        "landed: retry with the same Idempotency-Key",
        retry_after: int = 1,
    ) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
