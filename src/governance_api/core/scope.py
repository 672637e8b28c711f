"""Scope in SQL: a role held on a unit covers the unit's subtree, matched by materialised-path prefix.
Repositories add these clauses to their queries, so a record outside the caller's scope is simply
never loaded (404), not loaded and then refused."""

import uuid
from collections.abc import Iterable

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import InstrumentedAttribute

from governance_api.core.actor import Actor
from governance_api.roles import Role


def street_path(path: str) -> str:
    """Streets are the roots of the org tree (``roles.ALLOWED_PARENTS``): a path's first segment."""
    return "/" + path.strip("/").split("/")[0] + "/"


def street_id(path: str) -> uuid.UUID:
    """The id of the street a path lies under."""
    return uuid.UUID(hex=street_path(path).strip("/"))


def under_any(path_col: InstrumentedAttribute[str], paths: Iterable[str]) -> ColumnElement[bool]:
    """``path_col`` lies in the subtree of any of ``paths`` (false for none)."""
    clauses = [path_col.startswith(p, autoescape=True) for p in paths]
    return or_(*clauses) if clauses else false()


def within_roles(actor: Actor, path_col: InstrumentedAttribute[str], roles: Iterable[Role]) -> ColumnElement[bool]:
    """Records under any unit on which the caller holds one of ``roles``."""
    return under_any(path_col, actor.paths(roles))
