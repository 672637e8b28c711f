"""Password hashing with argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).

argon2-cffi's default is RFC 9106's "low memory" profile: 64 MiB per hash. With up to four sign-ins
hashing at once that alone put a worker past 150 MB resident (bench/RESULTS.md). OWASP's setting
costs an attacker about as much per guess on GPUs and a worker a third of the memory. Hashes made
with other parameters (they are written into the hash) still verify, and are rewritten at the
user's next successful sign-in (``needs_rehash``), so their cost, and the difference in time from
an unknown username, goes away as people sign in."""

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Each hash takes 19 MiB for a few tens of ms: bound how many run at once per process so a burst of sign-ins
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


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash was made with other parameters than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False
