"""The one module that touches JWTs: HS256 only, expiry, issuer and audience always required."""

import datetime as dt
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from jose import JWTError, jwt

from governance_api.settings import Settings

ALGORITHM = "HS256"
ALLOWED_ALGORITHMS = [ALGORITHM]  # never take the algorithm from the token


class InvalidToken(Exception):
    """Bad signature, wrong algorithm, expired, missing claims: the caller is not authenticated."""


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


def issue(subject: uuid.UUID, settings: Settings, now: dt.datetime | None = None) -> IssuedToken:
    now = now or dt.datetime.now(dt.UTC)
    ttl = settings.token_ttl_seconds
    claims = {
        "sub": str(subject),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + dt.timedelta(seconds=ttl)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)
    return IssuedToken(access_token=token, expires_in=ttl)


# Tokens already verified, with their subject and expiry: a client sends the same token on every
# request, and checking its signature and claims again costs more than the rest of a cached
# caller's lookup. Keyed by the token and the settings it was checked under (tests run several
# apps with different secrets in one process); bounded, oldest dropped first.
_VERIFIED: OrderedDict[tuple[str, str, str, str], tuple[uuid.UUID, float]] = OrderedDict()
_VERIFIED_SIZE = 10_000
_lock = threading.Lock()


def subject_of(token: str, settings: Settings) -> uuid.UUID:
    """The user id a valid token was issued to; raises ``InvalidToken`` for anything else."""
    key = (token, settings.jwt_secret.get_secret_value(), settings.jwt_audience, settings.jwt_issuer)
    with _lock:
        hit = _VERIFIED.get(key)
    if hit is not None and time.time() < hit[1]:
        return hit[0]
    subject, expires = _verify(token, settings)
    with _lock:
        _VERIFIED[key] = (subject, expires)
        while len(_VERIFIED) > _VERIFIED_SIZE:
            _VERIFIED.popitem(last=False)
    return subject


def _verify(token: str, settings: Settings) -> tuple[uuid.UUID, float]:
    try:
        if jwt.get_unverified_header(token).get("alg") != ALGORITHM:
            raise InvalidToken("algorithm not allowed")
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=ALLOWED_ALGORITHMS,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={
                "require_exp": True,
                "require_iat": True,
                "require_sub": True,
                "require_aud": True,
                "require_iss": True,
            },
        )
        return uuid.UUID(str(claims["sub"])), float(claims["exp"])
    except (JWTError, KeyError, ValueError, AttributeError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc
