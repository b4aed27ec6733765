"""The typed HTTP API. Every route goes through the same services and access gate as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import SessionAuth

from joinedup.cases.api import router as cases_router
from joinedup.core.api import router as core_router


class ActorSessionAuth(SessionAuth):
    """A signed-in session that has passed two-factor sign-in where it applies, acting through a membership."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return getattr(request, "actor", None)


api = NinjaAPI(
    title="Joinedup API",
    version="1",
    description="Children, families and the records around them. Every call is checked by the same access rules "
    "as the pages, and every view of a child's record is audited.",
    auth=ActorSessionAuth(),
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/children", cases_router)
