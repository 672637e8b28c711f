"""Webhook signing secrets (Standard Webhooks): made, stored encrypted, and the ones that sign now.

A secret is ``whsec_`` + base64 of 32 random bytes, shown to its owner once (on create and on
rotation). The service must sign with it later, so it is kept encrypted (Fernet: AES-128-CBC +
HMAC-SHA256) under a key derived with HKDF from ``GOVERNANCE_DATA_KEY`` (or, unset, the JWT secret):
a copy of the table alone gives no secret back."""

import base64
import datetime as dt
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from governance_api.models.integration import WebhookSubscription
from governance_api.settings import Settings

PREFIX = "whsec_"
SECRET_BYTES = 32
ROTATION_OVERLAP = dt.timedelta(hours=24)  # the previous secret keeps signing this long after rotation


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def key_bytes(secret: str) -> bytes:
    """The HMAC key a ``whsec_`` secret stands for (the base64 after the prefix)."""
    return base64.b64decode(secret.removeprefix(PREFIX))


@lru_cache(maxsize=4)
def _fernet(material: bytes) -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"governance-api webhook secrets v1")
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(material)))


def cipher(settings: Settings) -> Fernet:
    key = settings.data_key or settings.jwt_secret
    return _fernet(key.get_secret_value().encode())


def seal(settings: Settings, secret: str) -> str:
    return cipher(settings).encrypt(secret.encode()).decode()


def unseal(settings: Settings, ciphertext: str) -> str:
    return cipher(settings).decrypt(ciphertext.encode()).decode()


def rotate(settings: Settings, sub: WebhookSubscription, now: dt.datetime) -> str:
    """Give ``sub`` a new secret and return it; the current one keeps signing for 24 hours."""
    fresh = new_secret()
    sub.previous_secret_ciphertext = sub.secret_ciphertext
    sub.previous_secret_expires_at = now + ROTATION_OVERLAP
    sub.secret_ciphertext = seal(settings, fresh)
    return fresh


def signing_secrets(settings: Settings, sub: WebhookSubscription, now: dt.datetime) -> list[str]:
    """The secrets a message to ``sub`` is signed with now: the current one, and the previous one
    while its overlap lasts (a receiver still holding it verifies during the switch)."""
    out = [unseal(settings, sub.secret_ciphertext)]
    expires = sub.previous_secret_expires_at
    if sub.previous_secret_ciphertext is not None and expires is not None and now < expires:
        out.append(unseal(settings, sub.previous_secret_ciphertext))
    return out
