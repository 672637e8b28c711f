"""Scope in SQL: a role held on a unit covers the unit's subtree, matched by materialised-path prefix.
Repositories add these clauses to their queries, so a record outside the caller's scope is simply
never loaded (404), not loaded and then refused.

One subtree test, ``under_bound``, in two forms: with ``count`` named bind parameters that
``path_binds`` fills per call, for a hot query built once per shape and reused
(``docs/adding-a-domain.md``, "The request path"); or carrying the values (``under_any``), for a
query built per request."""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, bindparam, false, or_
from sqlalchemy.orm import InstrumentedAttribute

from governance_api.core.actor import Actor
from governance_api.roles import Role


def street_path(path: str) -> str:
    """Streets are the roots of the org tree (``roles.ALLOWED_PARENTS``): a path's first segment."""
    return "/" + path.strip("/").split("/")[0] + "/"


def street_id(path: str) -> uuid.UUID:
    """The id of the street a path lies under."""
    return uuid.UUID(hex=street_path(path).strip("/"))


_ESCAPE = "/"


def like_prefix(path: str) -> str:
    """The LIKE pattern of ``path``'s subtree, with LIKE's wildcards and the escape character
    itself escaped (``ESCAPE '/'``), as ``startswith(..., autoescape=True)`` does."""
    escaped = path.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")
    return escaped + "%"


def bind(name: str, values: Mapping[str, Any] | None, type_: Any = None) -> BindParameter[Any]:
    """A bind parameter named ``name`` to fill per call, or, given ``values``, one that carries its
    value (unique, so two clauses built that way never clash in one statement)."""
    if values is None:
        return bindparam(name, type_=type_)
    return bindparam(name, values[name], type_=type_, unique=True)


def under_bound(
    path_col: InstrumentedAttribute[str], name: str, count: int, values: Mapping[str, Any] | None = None
) -> ColumnElement[bool]:
    """``path_col`` lies in the subtree of any of ``count`` paths bound as ``name_0`` … (false for
    none); ``path_binds(name, paths)`` gives the values, per call or here (``bind``)."""
    clauses = [path_col.like(bind(f"{name}_{i}", values), escape=_ESCAPE) for i in range(count)]
    return or_(*clauses) if clauses else false()


def path_binds(name: str, paths: Sequence[str]) -> dict[str, str]:
    """The bind values of ``under_bound(col, name, len(paths))``."""
    return {f"{name}_{i}": like_prefix(p) for i, p in enumerate(paths)}


def under_any(path_col: InstrumentedAttribute[str], paths: Iterable[str]) -> ColumnElement[bool]:
    """``path_col`` lies in the subtree of any of ``paths`` (false for none): ``under_bound``
    carrying the paths, for a query built per request."""
    wanted = list(paths)
    return under_bound(path_col, "path", len(wanted), path_binds("path", wanted))


def within_roles(actor: Actor, path_col: InstrumentedAttribute[str], roles: Iterable[Role]) -> ColumnElement[bool]:
    """Records under any unit on which the caller holds one of ``roles``."""
    return under_any(path_col, actor.paths(roles))
