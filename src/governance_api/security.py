"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Each hash takes 64 MiB for ~0.1 s: bound how many run at once per process so a burst of sign-ins
# cannot exhaust memory (the rest queue for their turn).
_slots = threading.BoundedSemaphore(4)
# Verified against when the user does not exist, so a wrong username costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("no-such-user-dummy-password")


def hash_password(password: str) -> str:
    with _slots:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        with _slots:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
