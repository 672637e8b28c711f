"""Schemathesis hooks of scripts/proof-schemathesis.sh (loaded through scripts/schemathesis.toml).

``filter_failure`` drops a check's failure only when a rule below matches it, each rule as narrow as
the evidence in the request and response allows. Two kinds:

- DOCUMENTED: the check's default contradicts documented behaviour (../shared/spec/API.md);
  permanent.
- REPORTED: a bug or a contract gap that was reported and is not fixed yet; dropped so that the
  rest of the proof keeps running in CI, and deleted with the fix (a rule that drops nothing prints
  so at the end of the run).

Every dropped failure is counted in Schemathesis' summary ("dropped by filter_failure") and per
rule at the end of the log ("filter_failure: …"). Everything else fails the run. ``after_call`` only
records which Idempotency-Keys were sent with which request, for two of the rules.
"""

import atexit
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import schemathesis

# (Authorization, Idempotency-Key) → how often each (path, body) was sent with it
_SENT_WITH_KEY: dict[tuple[str, str], Counter[tuple[str, bytes]]] = defaultdict(Counter)

POSITIVE = "RejectedPositiveData"  # positive_data_acceptance
NEGATIVE = "AcceptedNegativeData"  # negative_data_rejection
ALLOW = "AllowHeaderMismatch"  # allow_header_conformance


def _problem(response: Any) -> dict[str, Any]:
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _header(response: Any, name: str) -> str | None:
    """A header of the request as it was sent (a link's value is not in ``case.headers``)."""
    value = response.request.headers.get(name)
    return None if value is None else str(value)


def _error_fields(problem: dict[str, Any]) -> set[str]:
    return {str(error.get("field")) for error in problem.get("errors") or [] if isinstance(error, dict)}


def _stale_if_match(failure: Any, case: Any, response: Any) -> bool:
    """API.md: If-Match is checked right after scope, before state, role and body, and a value that
    is not the record's current ETag is 412 ``version_conflict``. A generated If-Match is never the
    current one (the links give it only where a response carries it), so for an operation that
    declares If-Match a 412 is the documented answer to valid and to invalid data alike."""
    if_match = _header(response, "If-Match")
    return (
        type(failure).__name__ in (POSITIVE, NEGATIVE)
        and response.status_code == 412
        and _problem(response).get("code") == "version_conflict"
        and if_match is not None
        and if_match.strip() != "*"
    )


def _grid_outside_community(failure: Any, case: Any, response: Any) -> bool:
    """A dispute's grid must be one of its community's (DOMAIN §1: the org tree), answered 422 on
    ``body.grid_id``; two ids that each fit the schema need not fit each other."""
    errors = _problem(response).get("errors") or []
    return (
        type(failure).__name__ == POSITIVE
        and response.status_code == 422
        and [str(e.get("field")) for e in errors] == ["body.grid_id"]
        and "grid of this community" in str(errors[0].get("message"))
    )


def _foreign_cursor(failure: Any, case: Any, response: Any) -> bool:
    """API.md Lists: the cursor is opaque, issued by the API in ``next_cursor``; a string it did not
    issue is 422 on ``query.cursor``. The schema cannot say which strings were issued (the stateful
    phase follows real cursors through the list links)."""
    problem = _problem(response)
    return (
        type(failure).__name__ == POSITIVE
        and response.status_code == 422
        and "cursor" in (case.query or {})
        and _error_fields(problem) == {"query.cursor"}
    )


def _id_check_character(failure: Any, case: Any, response: Any) -> bool:
    """A resident ID number's last character is a checksum of the other 17 (GB 11643); the schema
    states the pattern, no schema can state the checksum, and a wrong one is 422 (README, intake)."""
    errors = _problem(response).get("errors") or []
    return (
        type(failure).__name__ == POSITIVE
        and response.status_code == 422
        and bool(errors)
        and all(
            str(e.get("field", "")).endswith(".id_number") and "GB 11643" in str(e.get("message", "")) for e in errors
        )
    )


def _sent(response: Any) -> tuple[str, str, str, bytes] | None:
    request = response.request
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    body = request.body or b""
    return (
        request.headers.get("Authorization", ""),
        key,
        urlsplit(request.url).path,
        body if isinstance(body, bytes) else str(body).encode(),
    )


def _reused_idempotency_key(failure: Any, case: Any, response: Any) -> bool:
    """API.md: an Idempotency-Key is the caller's, and the same key with a different request is 422
    ``idempotency_key_reuse``. Generated keys repeat (the declared example, short strings) across
    operations; dropped only when this caller really sent this key before with another path or body."""
    sent = _sent(response)
    if sent is None or type(failure).__name__ != POSITIVE or response.status_code != 422:
        return False
    authorization, key, path, body = sent
    return _problem(response).get("code") == "idempotency_key_reuse" and any(
        request != (path, body) for request in _SENT_WITH_KEY[(authorization, key)]
    )


def _replayed(failure: Any, case: Any, response: Any) -> bool:
    """API.md: a POST with an Idempotency-Key this caller already sent with the same path and body
    gets the stored status and body again (``Idempotent-Replayed: true``), whatever else differs
    (If-Match is not part of the request's identity). The answer belongs to the first request, so a
    check of it against this one proves nothing; dropped only when the key really was sent so."""
    sent = _sent(response)
    if sent is None or type(failure).__name__ not in (POSITIVE, NEGATIVE):
        return False
    authorization, key, path, body = sent
    replayed = response.headers.get("idempotent-replayed", [""])[0].lower() == "true"
    return replayed and _SENT_WITH_KEY[(authorization, key)][(path, body)] >= 2


def _allow_lists_one_route(failure: Any, case: Any, response: Any) -> bool:
    """REPORTED (bug): a 405 to a method a path does not declare
    carries an ``Allow`` header naming only the methods of one of the path's routes (Starlette
    matches routes one by one), e.g. ``OPTIONS /api/v1/decisions`` → ``Allow: GET`` without POST.
    Dropped only when the header names a non-empty subset of the declared methods."""
    if type(failure).__name__ != ALLOW or response.status_code != 405:
        return False
    allow = {m.strip().upper() for v in response.headers.get("allow", []) for m in v.split(",") if m.strip()}
    declared = {m.upper() for m in case.operation.schema.raw_schema["paths"][case.operation.path]}
    return bool(allow) and allow < declared | {"HEAD", "OPTIONS"}


def _reported_query_vocabulary(failure: Any, case: Any, response: Any) -> bool:
    """REPORTED (contract gap): ``state`` of GET /decisions and /disputes and ``category`` of GET
    /disputes are free strings in the contract, but the service answers 422 to a value outside the
    machine's states or GET /dispute-categories (e.g. ``GET /api/v1/decisions?state=Y``)."""
    fields = _error_fields(_problem(response))
    return (
        type(failure).__name__ == POSITIVE
        and response.status_code == 422
        and case.operation.path in ("/api/v1/decisions", "/api/v1/disputes")
        and bool(fields)
        and fields <= {"query.state", "query.category"}
    )


DECIMAL_FIELDS = {"body.amount_threshold", "body.amount", "body.total_area_m2", "body.area_m2"}


def _reported_decimal_strings(failure: Any, case: Any, response: Any) -> bool:
    """REPORTED (contract gap): money and areas are decimal strings (API.md) but their request
    schemas are ``anyOf [number, string]`` with no pattern, digits or places, so ``""``, ``"abc"`` and
    ``1e300`` fit the contract and are 422."""
    fields = _error_fields(_problem(response))
    return (
        type(failure).__name__ == POSITIVE and response.status_code == 422 and bool(fields) and fields <= DECIMAL_FIELDS
    )


def _reported_token_form(failure: Any, case: Any, response: Any) -> bool:
    """REPORTED (contract gap): POST /auth/token declares username, password, client_id and
    client_secret as optional (and nullable, which a form cannot carry), though each grant requires
    its pair; the service answers 422 ``<field>: required``."""
    fields = _error_fields(_problem(response))
    return (
        type(failure).__name__ == POSITIVE
        and response.status_code == 422
        and case.operation.path == "/api/v1/auth/token"
        and bool(fields)
        and fields <= {"username", "password", "client_id", "client_secret"}
    )


def _reported_nullable_patch_fields(failure: Any, case: Any, response: Any) -> bool:
    """REPORTED (contract gap): the PATCH bodies (catalog entry, org unit, user) declare their
    fields nullable, but only ``amount_threshold: null`` means something; any other null is 422
    ``may not be null`` (e.g. ``PATCH /api/v1/decision-catalog/{code}`` ``{"active": null}``)."""
    errors = _problem(response).get("errors") or []
    return (
        type(failure).__name__ == POSITIVE
        and response.status_code == 422
        and case.operation.method.upper() == "PATCH"
        and bool(errors)
        and all(str(e.get("message")).startswith("may not be null") for e in errors)
    )


def _reported_nul_in_text(failure: Any, case: Any, response: Any) -> bool:
    """REPORTED (contract gap): client text with U+0000 is 422 (``must not contain the NUL
    character``), which the text schemas do not say (e.g. ``POST /api/v1/users`` with a
    ``display_name`` holding U+0000)."""
    errors = _problem(response).get("errors") or []
    return (
        type(failure).__name__ == POSITIVE
        and response.status_code == 422
        and bool(errors)
        and all("NUL character" in str(e.get("message")) for e in errors)
    )


def _reported_numeric_times(failure: Any, case: Any, response: Any) -> bool:
    """REPORTED (bug): a list's ``created_from``/``created_to`` takes a number as a Unix time
    (``GET /api/v1/decisions?created_to=0.5`` → 200) where API.md wants RFC 3339 (else 422)."""
    query = parse_qs(urlsplit(response.request.url).query)
    times = [v for name in ("created_from", "created_to") for v in query.get(name, [])]
    return type(failure).__name__ == NEGATIVE and response.status_code == 200 and any(_is_number(v) for v in times)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


Rule = Callable[[Any, Any, Any], bool]
RULES: tuple[Rule, ...] = (
    # DOCUMENTED
    _stale_if_match,
    _grid_outside_community,
    _foreign_cursor,
    _id_check_character,
    _reused_idempotency_key,
    _replayed,
    # REPORTED
    _allow_lists_one_route,
    _reported_query_vocabulary,
    _reported_decimal_strings,
    _reported_token_form,
    _reported_nullable_patch_fields,
    _reported_nul_in_text,
    _reported_numeric_times,
)
DROPPED: Counter[str] = Counter()


@atexit.register
def _report() -> None:
    for rule in RULES:
        name = rule.__name__.lstrip("_")
        print(f"filter_failure: {name} dropped {DROPPED[name]}", file=sys.stderr)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    sent = _sent(response)
    if sent is not None:
        authorization, key, path, body = sent
        _SENT_WITH_KEY[(authorization, key)][(path, body)] += 1


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    for rule in RULES:
        if rule(failure, case, response):
            DROPPED[rule.__name__.lstrip("_")] += 1
            return False
    return True
