"""Times and days relative to now: the demo records are entered "after the fact" (DOMAIN.md §3.3),
so meetings, sessions and signings lie in the recent past whenever the seed runs."""

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def days_ago(days: int, hours: int = 0) -> str:
    """An RFC 3339 UTC time ``days`` (and ``hours``) before now."""
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days, hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def shanghai_day(offset: int) -> str:
    """The Asia/Shanghai calendar day ``offset`` days from today (negative: in the past)."""
    return (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=offset)).isoformat()
