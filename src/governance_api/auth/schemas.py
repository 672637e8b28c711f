from typing import Literal

from pydantic import BaseModel, Field

from governance_api.core.vocab import Labelled


class GrantType(Labelled):
    password = "password", "用户名和密码"
    client_credentials = "client_credentials", "对接平台凭据"


class TokenResponse(BaseModel):
    access_token: str = Field(description="send as Authorization: Bearer <token>")
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the token expires")


TOKEN_FORM_EXAMPLE = {"grant_type": "password", "username": "demo_community_secretary", "password": "Demo-pass-2026"}
