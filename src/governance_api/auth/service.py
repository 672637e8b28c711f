"""Sign-in: people with the password grant, integration clients with client credentials."""

from sqlalchemy.orm import Session

from governance_api.auth.schemas import TokenResponse
from governance_api.core.errors import Unauthorized, ValidationFailed
from governance_api.core.ratelimit import SignInLimiter
from governance_api.db import Database
from governance_api.org import repository as org_repo
from governance_api.roles import Role
from governance_api.security import hash_password, needs_rehash, verify_password
from governance_api.settings import Settings
from governance_api.tokens import issue


def issue_token(
    session: Session,
    db: Database,
    settings: Settings,
    limiter: SignInLimiter,
    client_address: str,
    grant_type: str,
    username: str | None,
    password: str | None,
) -> TokenResponse:
    """``username``/``password`` are the client id and secret for ``client_credentials``."""
    if grant_type not in ("password", "client_credentials"):
        raise ValidationFailed.one("grant_type", "use 'password' or 'client_credentials'")
    if not username or not password:
        names = ("username", "password") if grant_type == "password" else ("client_id", "client_secret")
        raise ValidationFailed.one(names[0] if not username else names[1], "required")
    # Counted before the password is checked (core.ratelimit): per address and username, so
    # colleagues behind the same NAT address are never limited by one person's attempts.
    limit_key = limiter.attempt(client_address, username)
    user = org_repo.get_user_by_username(session, username)
    ok = verify_password(user.password_hash if user else None, password)
    is_client = bool(user and any(a.role == Role.integration_client for a in user.assignments))
    if not ok or user is None or not user.active or is_client != (grant_type == "client_credentials"):
        raise Unauthorized("wrong credentials for this grant")
    limiter.succeeded(limit_key)
    if needs_rehash(user.password_hash):
        # The read session writes nothing: the new hash goes in a short transaction of its own.
        with db.transaction() as tx:
            org_repo.set_password_hash(tx, user.id, hash_password(password))
    token = issue(user.id, settings)
    return TokenResponse(access_token=token.access_token, expires_in=token.expires_in)
