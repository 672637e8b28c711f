"""Demo data for a first look (``seed-demo``) and the bootstrap admin (``create-admin``).

``seed-demo`` builds the 东明路街道 demo world: its org tree and people (``world``), then major
decisions (``decision_cases``) and disputes (``community_disputes``, ``ladder_disputes``) in every
state of their machines, made through the service's own HTTP API (``driver``; see ``seed`` for why).
Every demo user's password is ``Demo-pass-2026``; the README lists the usernames.
"""

from governance_api.demo.admin import create_admin
from governance_api.demo.driver import DemoSeedFailed
from governance_api.demo.seed import seed_demo
from governance_api.demo.world import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_UNITS, DEMO_USERS

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_PEOPLE",
    "DEMO_UNITS",
    "DEMO_USERS",
    "DemoSeedFailed",
    "create_admin",
    "seed_demo",
]
