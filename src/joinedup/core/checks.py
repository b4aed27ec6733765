"""Our own deployment checks, run by ``joinedup check --deploy`` alongside Django's."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def two_factor_by_role(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.JOINEDUP_TWO_FACTOR_BY_ROLE:
        return []
    return [
        Warning(
            "Two-factor sign-in is switched off for the roles that can see children's records.",
            hint="Unset JOINEDUP_TWO_FACTOR_BY_ROLE (or set it to true); only a demonstration switches it off.",
            id="joinedup.W001",
        )
    ]
