"""The typed HTTP API. Every route goes through the same services and access gate as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from joinedup.accounts.models import Membership
from joinedup.accounts.services import api_token_use
from joinedup.cases.api import referrals_router
from joinedup.cases.api import router as cases_router
from joinedup.core.api import router as core_router
from joinedup.outcomes.api import router as outcomes_router


class ActorSessionAuth(SessionAuth):
    """A signed-in session that has passed two-factor sign-in where it applies, acting through a membership."""

    def __call__(self, request: HttpRequest) -> Any:
        # A request that presents a bearer token is judged on the token alone: a bad token must
        # not fall back to a session that happens to ride along, and a token call must not be
        # refused for lacking the CSRF token that only session calls need. (Other schemes, such
        # as the Basic credentials a browser resends behind a protected proxy, leave it alone.)
        if request.headers.get("authorization", "").split(" ")[0].lower() == "bearer":
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return getattr(request, "actor", None)


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer jdu_…``: a partner's system, acting through its token's own membership.

    No CSRF check: a browser never sends a bearer token by itself, and another site cannot add one
    to a request here (the API allows no cross-origin headers), so such a call cannot be forged.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        membership = api_token_use(key=token.strip())
        if membership is not None:
            # Pages and helpers read the actor from the request; a token call has no session to set it.
            request.actor = membership  # type: ignore[attr-defined]
        return membership


# What any call may answer besides its own responses; the description lists them on every operation, so a
# client (and the fuzzing in tests/api) knows every answer it can get.
PROBLEM = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
INVALID = {
    "type": "object",
    "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
    "required": ["detail"],
}
EVERY_OPERATION = {
    "400": ("The request cannot be done as sent; `detail` says why.", PROBLEM),
    "401": ("Not signed in (with both factors where required), or no valid token.", PROBLEM),
    "403": ("Signed in, but this role may not do this.", PROBLEM),
    "404": ("No such record, or not one the caller may see.", PROBLEM),
    "422": ("A parameter or the body does not fit the description; `detail` lists each problem.", INVALID),
}


class JoinedupAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for path in schema["paths"].values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for code, (description, body) in EVERY_OPERATION.items():
                    if code not in responses and int(code) not in responses:
                        responses[code] = {
                            "description": description,
                            "content": {"application/json": {"schema": body}},
                        }
        return schema


api = JoinedupAPI(
    title="Joinedup API",
    version="1",
    description="Children, families and the records around them. Every call is checked by the same access rules "
    "as the pages, and every view of a child's record is audited. Sign in, or send a partner system's "
    "token as `Authorization: Bearer jdu_…`.",
    auth=[ActorSessionAuth(), ApiTokenAuth()],
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/children", cases_router)
api.add_router("/referrals", referrals_router)
api.add_router("/outcomes", outcomes_router)
