"""Bodies and reads of intake. A batch whose items are all valid is validated from its bytes in one
call (``WorkOrderBatch``); any other is validated in two steps: the envelope (``items``, 1..500) as
a whole — failing it is a 422 for the request — then each item on its own with ``ITEM``, so one bad
work order is answered ``rejected`` and the others go on."""

import datetime as dt
import hashlib
import re
import uuid
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    WithJsonSchema,
    model_validator,
)

from governance_api.core.problems import ProblemFieldError
from governance_api.core.schemas import Input, example
from governance_api.core.validators import Code, LongText, MobilePhone, PastTime, ShortText, says_something
from governance_api.core.vocab import Labelled
from governance_api.disputes.schemas import ExternalId, Name  # a work order's are a dispute's
from governance_api.intake.vocab import MAX_ATTACHMENTS, MAX_BATCH, MAX_MAP_ENTRIES, FeedChannel

Address = Annotated[str, says_something(300)]


# The usual reference (scheme, a plain host, a port, a path of printable ASCII): accepted without
# splitting it, which costs a batch of 500 more than the rest of the item's checks. Anything else
# is split and judged by its host.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?")


def _http_url(value: str) -> str:
    if _PLAIN_URL.fullmatch(value):
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("an http or https URL with a host")
    return value


def _in_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


AttachmentUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_http_url),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://", "maxLength": 2000}),
]


class Reporter(Input):
    """Who reported it to the platform: becomes the dispute's ``applicant`` party (personal data)."""

    name: Name
    phone: MobilePhone | None = None


class Attachment(Input):
    """A reference to a file the platform keeps: stored as given, never downloaded."""

    url: AttachmentUrl
    name: ShortText


class WorkOrderIn(Input):
    """One work order (工单) of a platform. The unit is named by its ``code``: a ``grid_code`` alone
    gives the grid and its community; with both, the grid must be one of that community's."""

    model_config = example(
        external_id="YWTG-20261130-000123",
        reported_at="2026-11-30T08:15:00+08:00",
        category_code="0301",
        title="楼上装修噪音扰民",
        description="2号楼502室反映楼上夜间装修噪音",
        address="金色雅筑2号楼",
        community_code="c-jinse",
        reporter={"name": "张三", "phone": "13812345678"},
        attachments=[{"url": "https://ywtg.example.gov.cn/files/123.jpg", "name": "现场照片"}],
    )

    external_id: ExternalId = Field(description="the platform's own id of the work order, unique per channel")
    reported_at: Annotated[PastTime, AfterValidator(_in_utc)] = Field(
        description="when the platform received it (RFC 3339, not in the future)"
    )
    category_code: Code = Field(description="the platform's category code, mapped by the channel's category map")
    title: ShortText
    description: LongText
    address: Address | None = None
    community_code: Code | None = Field(None, description="the community's (居民区) org unit code")
    grid_code: Code | None = Field(None, description="the grid's (微网格) org unit code")
    reporter: Reporter | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)

    @model_validator(mode="after")
    def _names_a_unit(self) -> "WorkOrderIn":
        if self.community_code is None and self.grid_code is None:
            raise ValueError("community_code or grid_code is required")
        return self


ITEM: TypeAdapter[WorkOrderIn] = TypeAdapter(WorkOrderIn)


def content_hash(order: WorkOrderIn) -> str:
    """What a replay is compared by: SHA-256 of the validated item as JSON (fields in declaration
    order, texts stripped, the time in UTC), so spacing or a time zone does not make a replay new."""
    return hashlib.sha256(ITEM.dump_json(order)).hexdigest()


class WorkOrderBatch(Input):
    """Up to 500 work orders; each is answered on its own, in the same order (the contract's body)."""

    model_config = example(items=[WorkOrderIn.model_config["json_schema_extra"]["examples"][0]])  # type: ignore[index]

    items: list[WorkOrderIn] = Field(min_length=1, max_length=MAX_BATCH)


class Envelope(BaseModel):
    """A batch that did not validate whole is checked with this: the batch's shape only (a 422 for
    the whole request). The items are then checked one by one with ``ITEM``, so one bad work order
    does not fail the rest (not an ``Input`` for that reason: a U+0000 in one item is that item's
    error, found by ``ITEM``)."""

    model_config = ConfigDict(extra="forbid")

    items: list[Any] = Field(min_length=1, max_length=MAX_BATCH)


class WorkOrderStatus(Labelled):
    created = "created", "已登记为纠纷"
    unchanged = "unchanged", "重复推送, 内容相同"
    duplicate = "duplicate", "编号已登记, 内容不同, 未更改"
    rejected = "rejected", "未通过校验"


class WorkOrderResult(BaseModel):
    external_id: str | None = Field(description="the item's external_id (null when it had none to read)")
    status: WorkOrderStatus
    dispute_id: uuid.UUID | None = Field(
        None,
        description="the dispute the work order is (created, unchanged, duplicate); null when rejected, or when "
        "another caller reported that id on the channel (its dispute is out of your scope)",
    )
    errors: list[ProblemFieldError] | None = Field(None, description="rejected: each field and why")


class WorkOrderResults(BaseModel):
    results: list[WorkOrderResult] = Field(description="one per item, in the order of the items")


# ---- category maps ------------------------------------------------------------------------------


class CategoryMapEntryIn(Input):
    source_code: Code = Field(description="the platform's category code")
    category: Code = Field(description="a dispute category code (GET /dispute-categories)")


class CategoryMapUpdate(Input):
    """The channel's whole table: rows left out are removed."""

    model_config = example(entries=[{"source_code": "0301", "category": "renovation_noise"}])

    entries: list[CategoryMapEntryIn] = Field(max_length=MAX_MAP_ENTRIES)


class CategoryMapEntryRead(BaseModel):
    source_code: str
    category: str


class CategoryMapRead(BaseModel):
    channel: FeedChannel
    entries: list[CategoryMapEntryRead] = Field(description="by source_code; unmapped codes become 'other'")


# ---- feeds (integration clients and their channel) ----------------------------------------------


class ClientBindingUpdate(Input):
    model_config = example(channel="yiwangtongguan")

    channel: FeedChannel


class ClientRead(BaseModel):
    user_id: uuid.UUID
    username: str
    display_name: str
    channel: FeedChannel | None = Field(
        description="the channel it relays; null: not bound, it may not post work orders"
    )
    bound_at: dt.datetime | None
