from typing import Annotated, Literal

from fastapi import Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from governance_api.core.deps import get_database
from governance_api.core.routing import domain_router
from governance_api.db import Database

router = domain_router("health")


class Health(BaseModel):
    status: Literal["ok", "unavailable"]


@router.get("/healthz", response_model=Health)
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database does not answer"}},
)
def readyz(db: Annotated[Database, Depends(get_database)]) -> JSONResponse:
    """The database answers."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})
