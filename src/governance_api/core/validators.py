"""Field types shared by schemas: bounded text, times and Shanghai calendar days, mainland mobile
numbers, resident ID numbers (GB 11643). Every domain takes these from here, never writes its own."""

import datetime as dt
import re
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StringConstraints, WithJsonSchema

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits only: \d also matches ٣, ３, …
ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# PostgreSQL text cannot hold U+0000 (the driver refuses the statement: a 500), and no legitimate
# text needs it. Every client text is refused with it at the door, in two places only: request
# bodies in ``core.schemas.Input``, and path, query and form values in ``core.http.refuse_nul``.
# Checking there, not in each text type, also covers plain ``str`` fields and the ones to come.
NUL_MESSAGE = "must not contain the NUL character (U+0000)"


def has_nul(value: Any) -> bool:
    """Whether ``value`` (a string, or a JSON list or object, keys included) holds U+0000 anywhere."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return False


# Text that must say something: stripped, then at least one character. The pattern makes the contract
# say so too (a blank or U+0000 text is a 422), which min_length alone cannot: it counts the spaces.
# The spaces are named one by one, not as ``\s``: "space" differs between the validator's strip
# (Unicode White_Space: U+0085 yes, U+FEFF no) and a client's ECMA-262 ``\s`` (the other way
# round), and a text of U+0085 alone must fail the published pattern as it fails validation.
SPACES = r"\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SAYS_SOMETHING = rf"^[^\u0000]*[^{SPACES}\u0000][^\u0000]*$"  # no U+0000 anywhere, one character not a space


def says_something(max_length: int) -> StringConstraints:
    """The constraints of a required free text of at most ``max_length`` characters."""
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length, pattern=SAYS_SOMETHING)


ShortText = Annotated[str, says_something(200)]
LongText = Annotated[str, says_something(5000)]
# A text a guard names: blank counts as "missing" for the guard (409 guard_failed), not as a 422.
GuardText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]


def _mobile(value: str) -> str:
    if not MOBILE_RE.fullmatch(value):
        raise ValueError("not a mainland mobile number (1[3-9] followed by 9 digits)")
    return value


def id_number_valid(value: str) -> bool:
    """GB 11643-1999: 17 digits and a check character from the weighted sum mod 11."""
    if not ID_RE.fullmatch(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def _id_number(value: str) -> str:
    value = value.upper()
    if not id_number_valid(value):
        raise ValueError("not a valid 18-character resident ID number (GB 11643 check digit)")
    return value


def decimal_text(max_digits: int, example: str) -> WithJsonSchema:
    """The request schema of a positive amount with two places (money, areas): a decimal string, as
    API.md says, with the digits and places the service accepts (it also takes a JSON number)."""
    whole = max_digits - 2
    pattern = rf"^(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{{0,{whole - 1}}}(\.[0-9]{{1,2}})?)$"
    return WithJsonSchema({"type": "string", "pattern": pattern, "examples": [example]}, mode="validation")


# The contract states the patterns the validators enforce (only the ID number's check character is
# beyond a pattern: a wrong one is 422 validation_error).
MobilePhone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=11),
    AfterValidator(_mobile),
    WithJsonSchema({"type": "string", "pattern": MOBILE_RE.pattern, "description": "A mainland mobile number."}),
]
IdNumber = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=18),
    AfterValidator(_id_number),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[0-9]{17}[0-9Xx]$",
            "description": "A resident ID number (GB 11643): 17 digits and the check character they give.",
        }
    ),
]


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_id_number(id_number: str) -> str:
    """``310…1234`` → ``310***********1234``."""
    return id_number[:3] + "*" * (len(id_number) - 7) + id_number[-4:] if len(id_number) > 7 else "****"


# The personal data of API.md "Personal data", by field name, with its mask: the one list that reads,
# audits and stored replays all use.
PERSONAL_FIELDS = {"phone": mask_phone, "id_number": mask_id_number}


# --- times -----------------------------------------------------------------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")  # calendar days (due_on, signed_on, …) are days here (API.md)
CLOCK_SLACK = dt.timedelta(minutes=5)  # a client's clock may run this far ahead of ours


def today_in_shanghai() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


# A time is stored in UTC and shown in Asia/Shanghai: one a day inside the calendar's ends converts
# either way (0001-01-01T00:00:00+01:00 has no UTC form, and converting it raised OverflowError: a 500).
_FIRST_TIME = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
_LAST_TIME = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)


def _convertible(value: dt.datetime) -> dt.datetime:
    if not _FIRST_TIME <= value <= _LAST_TIME:  # compared as instants, without converting
        raise ValueError("the time is out of range (0001-01-02 to 9999-12-30)")
    return value


def _past_time(value: dt.datetime) -> dt.datetime:
    if value > dt.datetime.now(dt.UTC) + CLOCK_SLACK:
        raise ValueError("must not be in the future")
    return value


def _past_day(value: dt.date) -> dt.date:
    if value > today_in_shanghai():
        raise ValueError("must not be in the future (Asia/Shanghai calendar day)")
    return value


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _rfc3339(value: object) -> object:
    """Only an RFC 3339 text is a time here: pydantic would also read a number as a Unix time."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.match(value.strip()):
        raise ValueError("an RFC 3339 time with a zone, e.g. 2026-11-21T08:00:00Z")
    return value


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_day(value: object) -> object:
    """Only an ISO 8601 day (``2026-11-21``) is a day here: pydantic would also read a number as a
    Unix time, which the contract's ``format: date`` does not allow."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.match(value.strip()):
        raise ValueError("a calendar day, e.g. 2026-11-21")
    return value


# One time type for bodies and queries: RFC 3339 with a zone (a naive time is a 422, never guessed).
Time = Annotated[AwareDatetime, BeforeValidator(_rfc3339), AfterValidator(_convertible)]
PastTime = Annotated[Time, AfterValidator(_past_time)]
# One day type likewise: an ISO day, read in Asia/Shanghai where it matters (API.md).
Day = Annotated[dt.date, BeforeValidator(_iso_day)]
PastDay = Annotated[Day, AfterValidator(_past_day)]
