"""Schemathesis hooks of scripts/proof-schemathesis.sh (loaded through scripts/schemathesis.toml).

``filter_failure`` drops a check's failure only when a rule below explains it, each rule as narrow
as the evidence in the request and response allows. Two kinds:

- DOCUMENTED: the check's default contradicts documented behaviour (../shared/spec/API.md);
  permanent.
- REPORTED: a bug or a contract gap that was reported and is not fixed yet; dropped so that the
  rest of the proof keeps running in CI, and deleted with the fix (a rule that drops nothing says
  so at the end of the run).

A schema-valid request answered 422 ``validation_error`` is dropped only when every one of its
``errors`` is explained by an error rule (ERROR_RULES). Every dropped failure is counted in
Schemathesis' summary ("dropped by filter_failure") and per rule at the end of the log
("filter_failure: …"). Everything else fails the run. ``after_call`` only records which
Idempotency-Keys were sent with which request, for two of the rules.
"""

import atexit
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import schemathesis

POSITIVE = "RejectedPositiveData"  # positive_data_acceptance
NEGATIVE = "AcceptedNegativeData"  # negative_data_rejection

# Idempotency-Key → how often each (path, body) was sent with it. A run signs in as one caller (the
# probes of other checks are not recorded, nor are they POSTs with a key), and keys are per caller.
_SENT_WITH_KEY: dict[str, Counter[tuple[str, bytes]]] = defaultdict(Counter)
DROPPED: Counter[str] = Counter()


def _problem(response: Any) -> dict[str, Any]:
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _sent(response: Any) -> tuple[str, str, bytes] | None:
    """(Idempotency-Key, path, body) of the request as it was sent, or None without a key."""
    request = response.request
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    body = request.body or b""
    return (
        key.strip(" \t"),  # as the server reads it: HTTP trims a field value's surrounding whitespace
        urlsplit(request.url).path,
        body if isinstance(body, bytes) else str(body).encode(),
    )


# --- whole-failure rules ---------------------------------------------------------------------------


def stale_if_match(failure: Any, case: Any, response: Any) -> bool:
    """DOCUMENTED. API.md: If-Match is checked right after scope, before state, role and body, and
    a value that is not the record's current ETag is 412 ``version_conflict``. A generated If-Match
    is never the current one (the links give the real ETag where a response carries it), so a 412
    is the documented answer to valid and to invalid data alike."""
    if_match = response.request.headers.get("If-Match")
    return (
        type(failure).__name__ in (POSITIVE, NEGATIVE)
        and response.status_code == 412
        and _problem(response).get("code") == "version_conflict"
        and if_match is not None
        and if_match.strip() != "*"
    )


def reused_idempotency_key(failure: Any, case: Any, response: Any) -> bool:
    """DOCUMENTED. API.md: an Idempotency-Key is the caller's, and the same key with a different
    request is 422 ``idempotency_key_reuse``. Generated keys repeat (the declared example, short
    strings) across operations; dropped only when this run really sent the key before with another
    path or body."""
    sent = _sent(response)
    if sent is None or type(failure).__name__ != POSITIVE or response.status_code != 422:
        return False
    key, path, body = sent
    return _problem(response).get("code") == "idempotency_key_reuse" and any(
        request != (path, body) for request in _SENT_WITH_KEY[key]
    )


def replayed(failure: Any, case: Any, response: Any) -> bool:
    """DOCUMENTED. API.md: a POST with an Idempotency-Key the caller already sent with the same path
    and body gets the stored status and body again (``Idempotent-Replayed: true``), whatever else
    differs (If-Match is not part of the request's identity). The answer belongs to the first
    request, so checking it against this one proves nothing; dropped only when the key really was
    sent so before."""
    sent = _sent(response)
    if sent is None or type(failure).__name__ not in (POSITIVE, NEGATIVE):
        return False
    key, path, body = sent
    is_replay = response.headers.get("idempotent-replayed", [""])[0].lower() == "true"
    return is_replay and _SENT_WITH_KEY[key][(path, body)] >= 2


# --- error rules: each explains one entry of a 422's ``errors`` (field, message) ------------------

TOKEN_FIELDS = {"username", "password", "client_id", "client_secret"}


def id_check_character(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. A resident ID number's last character is a checksum of the other 17 (GB 11643);
    the schema states the pattern, no schema can state the checksum; a wrong one is 422."""
    return field.endswith(".id_number") and "GB 11643" in message


def grid_outside_community(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. A dispute's grid must be one of its community's (DOMAIN §1: the org tree), 422
    on ``body.grid_id``; two ids that each fit the schema need not fit each other."""
    return field == "body.grid_id" and "grid of this community" in message


def foreign_cursor(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. API.md Lists: the cursor is opaque, issued by the API in ``next_cursor``; a string
    it did not issue is 422. The schema cannot say which strings were issued (the stateful phase
    follows real cursors)."""
    return field == "query.cursor" and "cursor" in (case.query or {})


def dispute_category(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. Dispute categories are data, not a closed vocabulary: the 司法所 adds them
    (``POST /dispute-categories``), so the contract cannot list them; a code that is not one of
    ``GET /dispute-categories`` is 422 (``query.category``, ``body.category``, or a feed's category
    table entry ``body.entries.N.category``)."""
    return field.endswith(".category") and "unknown category" in message


def token_form(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. OAuth 2.0 (RFC 6749 §4.3.2, §4.4.2): which token parameters are required depends
    on ``grant_type`` (username and password, or client_id and client_secret), which one form schema
    cannot say; a missing one is 422 ``<field>: required``."""
    return case.operation.path == "/api/v1/auth/token" and field in TOKEN_FIELDS


def _body_value(body: Any, field: str) -> Any:
    """The value at an error's ``body.a.0.b`` in the request body, or None."""
    if not field.startswith("body."):
        return None
    value = body
    for part in field.split(".")[1:]:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def counted_against_the_record(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. DOMAIN.md §2.3: ballots never add up to more than the voting scope's total area
    or owners, an owner's units carry one choice, a decision under a consultation or residents'
    meeting rule takes meetings, not ballots, and a residents' meeting has no more attendees than
    the eligible residents — rules on what is already recorded, which no request schema can state;
    each is 422 on the field it concerns."""
    path = case.operation.path
    if path == "/api/v1/decisions/{item_id}/ballots":
        return message.startswith("ballots would") or " voted " in message or message.endswith("not ballots")
    return path == "/api/v1/decisions/{item_id}/meetings" and (
        "eligible residents" in message or "votes_for + votes_against cannot exceed attendees" in message
    )


PATROL_FIELD_RULES = {
    ("body.ended_at", "must not be before started_at"),
    ("body.started_at", "must fall on patrol_date (Asia/Shanghai)"),
    ("body.findings", "a nil report (无异常报告) has no findings"),
    ("body.findings", "give at least one finding, or nil_report true"),
}


def patrol_between_fields(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. DOMAIN.md §4.3: a patrol ends after it starts and starts on its (Shanghai) day,
    and it is a nil report (无异常报告) or has findings, never both and never neither — rules
    between fields, which a JSON schema cannot state; each is 422 on the field it concerns."""
    return case.operation.path == "/api/v1/patrols" and (field, message) in PATROL_FIELD_RULES


def approval_between_fields(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. DOMAIN.md §2 (``approve``): conditions belong to an ``approved_with_conditions``
    conclusion, so a plain ``approved`` one that carries conditions is 422 on the body — a rule
    between two fields that each fit the schema, which the schema does not state."""
    return (
        case.operation.path == "/api/v1/decisions/{item_id}/actions/approve"
        and field == "body"
        and "an 'approved' conclusion carries no conditions" in message
    )


# (field, words of the message) of the governance records' rules on the org tree and between fields.
GOVERNANCE_FIELD_RULES = (
    ("body.org_unit_id", " sits on a "),  # a 工作小组 on a community, a 工作专班 on a street
    ("body.org_unit_id", " is held by a "),  # a community's meeting kinds, the street's 联席会商
    ("body.community_id", "not a community"),  # buildings and evaluations belong to a 居民区
    ("body", "to_date is before from_date"),
    ("body.to_date", "before the membership began"),
    ("query.patrol_date_to", "must not be before patrol_date_from"),
)


def governance_between_fields(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. DOMAIN.md §4: a working body sits on the kind of unit its kind names, a meeting's
    kind on the unit that holds it, a building or an evaluation on a community (DOMAIN §1: the org
    tree), and a membership or a date range does not end before it starts — rules between two
    values that each fit the schema, which no JSON schema can state; each is 422 on its field."""
    return any(field == f and words in message for f, words in GOVERNANCE_FIELD_RULES)


def not_in_the_future(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. API.md / DOMAIN.md: what already happened (a meeting held, a session, a patrol's
    day and times, an agreement signed) is not in the future, and only a year that has begun is
    evaluated (DOMAIN §4.7): a rule against the server's clock, which no schema can state."""
    return "must not be in the future" in message or "a year still to come" in message


def time_at_the_calendar_ends(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. API.md: times are stored in UTC and shown in Asia/Shanghai, so a time within a
    day of year 1 or year 9999 (which has no form in the other zone) is 422 — ``format: date-time``
    has no bounds to say it with."""
    return "the time is out of range" in message


WEBHOOK_PATHS = {"/api/v1/webhooks", "/api/v1/webhooks/{subscription_id}"}


def webhook_address(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. DOMAIN.md §6: a webhook URL that points at a private, loopback or link-local
    address (SSRF), is not http(s), carries credentials or has no host or a bad port is 422 on
    ``body.url`` — what an address is for, which a JSON schema cannot state."""
    return case.operation.path in WEBHOOK_PATHS and field == "body.url" and message.startswith(("the ", "not a "))


def source_code_twice(field: str, message: str, case: Any) -> bool:
    """DOCUMENTED. DOMAIN.md §6: a feed's category table maps each of its codes once; JSON Schema's
    ``uniqueItems`` compares whole entries, not one key of them, so a code listed twice is 422."""
    return field.startswith("body.entries.") and field.endswith(".source_code") and message == "listed twice"


ErrorRule = Callable[[str, str, Any], bool]
ERROR_RULES: tuple[ErrorRule, ...] = (
    id_check_character,
    grid_outside_community,
    foreign_cursor,
    dispute_category,
    token_form,
    counted_against_the_record,
    patrol_between_fields,
    approval_between_fields,
    governance_between_fields,
    not_in_the_future,
    time_at_the_calendar_ends,
    webhook_address,
    source_code_twice,
)


def validation_errors_explained(failure: Any, case: Any, response: Any) -> bool:
    """A schema-valid request answered 422 ``validation_error`` whose every error an error rule
    explains (the rules used are counted)."""
    problem = _problem(response)
    errors = problem.get("errors") or []
    if type(failure).__name__ != POSITIVE or response.status_code != 422 or problem.get("code") != "validation_error":
        return False
    used = []
    for error in errors:
        field, message = str(error.get("field", "")), str(error.get("message", ""))
        rule = next((r for r in ERROR_RULES if r(field, message, case)), None)
        if rule is None:
            return False
        used.append(rule.__name__)
    DROPPED.update(used)
    return bool(errors)


Rule = Callable[[Any, Any, Any], bool]
RULES: tuple[Rule, ...] = (
    stale_if_match,
    reused_idempotency_key,
    replayed,
    validation_errors_explained,
)


@atexit.register
def _report() -> None:
    for rule in (*RULES[:-1], *ERROR_RULES):
        print(f"filter_failure: {rule.__name__} dropped {DROPPED[rule.__name__]}", file=sys.stderr)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    sent = _sent(response)
    if sent is not None:
        key, path, body = sent
        _SENT_WITH_KEY[key][(path, body)] += 1


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    for rule in RULES:
        if rule(failure, case, response):
            if rule is not validation_errors_explained:
                DROPPED[rule.__name__] += 1
            return False
    return True
