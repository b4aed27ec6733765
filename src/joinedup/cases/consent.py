"""The one place that says whether an action on a child has the consent (or other basis) it needs.

Every action that needs consent calls ``consent_check`` and, when it is refused, shows the person
``missing``: what is needed, in words they can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from joinedup.cases.models import Child, Consent


@dataclass(frozen=True)
class ConsentCheck:
    """Whether the action may go ahead, on which record, and if not, what is missing."""

    record: Consent | None
    missing: str

    @property
    def ok(self) -> bool:
        return self.record is not None


def consent_check(
    child: Child,
    purpose: str,
    *,
    organisation_id: int | None = None,
    service_id: str = "",
    on: date | None = None,
) -> ConsentCheck:
    """The record in force that allows ``purpose`` for ``child`` (for that organisation or service).

    A consent or basis for sharing names its organisation; one for a referral, its service.
    A withdrawn or expired record allows nothing.
    """
    on = on or date.today()
    candidates = Consent.objects.filter(child=child, purpose=purpose).order_by("-given_on", "-pk")
    if purpose == Consent.Purpose.SHARING:
        # Sharing is with a named organisation: without one, nothing allows it.
        candidates = candidates.filter(organisation_id=organisation_id) if organisation_id else candidates.none()
    if purpose == Consent.Purpose.REFERRAL:
        candidates = candidates.filter(service_id=service_id)
    lapsed: Consent | None = None
    for record in candidates:
        if record.in_force(on):
            return ConsentCheck(record, "")
        lapsed = lapsed or record
    specific: dict[str, str] = {
        Consent.Purpose.REFERRAL: "a referral to this service",
        Consent.Purpose.SHARING: "sharing with this organisation",
    }
    label = specific.get(purpose, Consent.Purpose(purpose).label.lower())
    if lapsed is not None and lapsed.withdrawn_on is not None and lapsed.withdrawn_on <= on:
        return ConsentCheck(
            None,
            f"Consent to {label} was withdrawn on {lapsed.withdrawn_on:%-d %B %Y}"
            f"{' by ' + lapsed.withdrawn_by if lapsed.withdrawn_by else ''}. Ask the family again before going on.",
        )
    if lapsed is not None and lapsed.expires_on is not None and lapsed.expires_on < on:
        return ConsentCheck(
            None, f"Consent to {label} ended on {lapsed.expires_on:%-d %B %Y}. Record it again before going on."
        )
    return ConsentCheck(None, f"There is no consent to {label} on record. Record the family's consent first.")
