"""Keeping each enrolment's engagement counted term by term (``EngagementTerm``).

Called in the same transaction as every write of a contact or a partner session, and by the loaders that create
them in bulk; the impact report then counts a row per child and term.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import transaction

from joinedup.cases.models import Contact, EngagementTerm, PartnerSession
from joinedup.cases.selectors import school_term

_BATCH = 500
#: The column each attendance is counted in; the rest were cancelled.
_COUNTED: dict[str, str] = {
    PartnerSession.Attendance.ATTENDED: "attended",
    PartnerSession.Attendance.DID_NOT_ATTEND: "did_not_attend",
}


@transaction.atomic
def engagement_refresh(*, enrolment_ids: Iterable[int]) -> int:
    """Count these enrolments' contacts and partner sessions again, term by term; the number of terms written."""
    ids = sorted(set(enrolment_ids))
    written = 0
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        counts: dict[tuple[int, date], Counter[str]] = {}
        for enrolment_id, day in Contact.objects.filter(enrolment_id__in=batch).values_list(
            "enrolment_id", "happened_on"
        ):
            counts.setdefault((enrolment_id, school_term(day)[0]), Counter())["contacts"] += 1
        for enrolment_id, day, attendance in PartnerSession.objects.filter(
            referral__enrolment_id__in=batch
        ).values_list("referral__enrolment_id", "happened_on", "attendance"):
            kind = _COUNTED.get(attendance, "cancelled")
            counts.setdefault((enrolment_id, school_term(day)[0]), Counter())[kind] += 1
        EngagementTerm.objects.filter(enrolment_id__in=batch).delete()
        EngagementTerm.objects.bulk_create(
            [
                EngagementTerm(
                    enrolment_id=enrolment_id,
                    starts=starts,
                    contacts=counted["contacts"],
                    attended=counted["attended"],
                    did_not_attend=counted["did_not_attend"],
                    cancelled=counted["cancelled"],
                )
                for (enrolment_id, starts), counted in counts.items()
            ],
            batch_size=2000,
        )
        written += len(counts)
    return written
