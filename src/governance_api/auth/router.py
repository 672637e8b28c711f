from typing import Annotated

from fastapi import Depends, Form, Request

from governance_api.auth import service
from governance_api.auth.schemas import TOKEN_FORM_EXAMPLE, GrantType, TokenResponse
from governance_api.core.deps import CurrentActor, ReadSession, get_database, get_settings
from governance_api.core.errors import RateLimited
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router
from governance_api.db import Database
from governance_api.org import service as org_service
from governance_api.org.schemas import UserRead
from governance_api.settings import Settings

router = domain_router("auth")


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    responses=responses(RateLimited),
    openapi_extra={"requestBody": {"content": {"application/x-www-form-urlencoded": {"example": TOKEN_FORM_EXAMPLE}}}},
)
def token(
    request: Request,
    session: ReadSession,
    db: Annotated[Database, Depends(get_database)],
    settings: Annotated[Settings, Depends(get_settings)],
    grant_type: Annotated[GrantType, Form()] = GrantType.password,
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=128)] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=128)] = None,
) -> TokenResponse:
    """OAuth2 token endpoint: ``password`` grant for people, ``client_credentials`` for feeds."""
    is_client = grant_type is GrantType.client_credentials
    return service.issue_token(
        session,
        db,
        settings,
        request.app.state.sign_in_limiter,
        request.client.host if request.client else "-",
        grant_type.value,
        client_id if is_client else username,
        client_secret if is_client else password,
    )


@router.get("/me", response_model=UserRead, responses=responses())
def me(actor: CurrentActor, session: ReadSession) -> UserRead:
    """The caller and its role assignments."""
    return org_service.user_read_self(session, actor)
