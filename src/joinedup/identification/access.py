"""Who may see and change what in identification.

Screening lists hold every pupil's data, so access is by school: school staff see their own
school's list, a Link Worker the schools they are based in, and the programme's managers and
data lead every school in their borough. Each view of a list is audited.
"""

from __future__ import annotations

from django.db.models import QuerySet

from joinedup.accounts.models import Membership, Organisation, Role

# Roles that see screening lists at all; each sees the schools ``schools_visible`` gives.
LIST_ROLES = (Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD, Role.SCHOOL_STAFF)
# Roles that see the aggregate reports (fairness, rules), never a child.
REPORT_ROLES = (Role.DATA_LEAD, Role.TEAM_MANAGER, Role.COMMISSIONER)
# School staff decide; Link Workers (and their managers) add children the data missed.
DECIDE_ROLES = (Role.SCHOOL_STAFF,)
ADD_ROLES = (Role.LINK_WORKER, Role.TEAM_MANAGER)


def schools_visible(actor: Membership) -> QuerySet[Organisation]:
    """The schools whose screening lists ``actor`` may see, in their own borough."""
    schools = Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, areas=actor.area_id)
    if not actor.is_active:
        return schools.none()
    if actor.role in (Role.TEAM_MANAGER, Role.DATA_LEAD):
        # The programme's managers and data lead: every school in their borough.
        return schools
    if actor.role == Role.LINK_WORKER:
        # A Link Worker: the schools they are based in.
        return schools.filter(pk__in=actor.schools.values("pk"))
    if actor.role == Role.SCHOOL_STAFF:
        # School staff: their own school only.
        return schools.filter(pk=actor.organisation_id)
    return schools.none()
