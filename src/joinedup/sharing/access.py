"""Who may see what in sharing: one gate per kind of record.

Agreements and match runs are the programme's own: its data lead and team manager in the borough.
A run's pairs name children, so they are read only through ``access_pair`` (audited as a view of the
child); a partner professional sees only their organisation's shared cases in their borough, under an
agreement in force, through ``shared_cases_for_partner``. Every gate answers the same ``Http404`` for a
missing or a forbidden record.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.cases.access import Purpose
from joinedup.sharing.models import (
    AGREEMENT_ROLES,
    DataSharingAgreement,
    MatchPair,
    MatchRun,
    SharedCase,
    shared_cases_in_force,
)

#: The partner's people who see the children shared with their organisation: whichever kind of organisation
#: the agreement is with (an Early Help team, a school, a charity delivering services).
PARTNER_ROLES = frozenset({Role.PARTNER_PROFESSIONAL, Role.SCHOOL_STAFF, Role.DELIVERY_PRACTITIONER})


def agreements_filter(actor: Membership) -> Q:
    """The agreements ``actor`` may see, as one filter."""
    nothing = Q(pk__in=[])
    if not actor.is_active:
        return nothing
    if actor.role not in AGREEMENT_ROLES:
        return nothing
    # The programme's own agreements, in the borough the person works in.
    return Q(area_id=actor.area_id) & Q(organisation_id=actor.organisation_id)


def agreements_visible_to(actor: Membership) -> QuerySet[DataSharingAgreement]:
    return DataSharingAgreement.objects.filter(agreements_filter(actor)).select_related("partner")


def _pk(value: object, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404(f"No {what} found.") from None


def access_agreement(actor: Membership | None, agreement_id: object) -> DataSharingAgreement:
    """The agreement, if ``actor`` may see it. Agreements hold nothing about a child: not audited on read."""
    if actor is None:
        raise Http404("No agreement found.")
    agreement = agreements_visible_to(actor).filter(pk=_pk(agreement_id, "agreement")).first()
    if agreement is None:
        raise Http404("No agreement found.")
    return agreement


def sees_results(actor: Membership, agreement: DataSharingAgreement) -> bool:
    """Whether the agreement lets the actor's role see (and decide) its runs' results."""
    return actor.role in agreement.result_roles


def agreements_filter_for_runs(actor: Membership) -> Q:
    return Q(agreement__in=DataSharingAgreement.objects.filter(agreements_filter(actor)))


def access_run(actor: Membership | None, run_id: object) -> MatchRun:
    """The run, if ``actor`` may see its results. The run page lists pairs, each naming a child: the page
    records one view event for the run, and each pair opened is audited by ``access_pair``."""
    if actor is None:
        raise Http404("No match run found.")
    run = (
        MatchRun.objects.filter(agreements_filter_for_runs(actor))
        .select_related("agreement__partner", "started_by", "job")
        .filter(pk=_pk(run_id, "match run"))
        .first()
    )
    if run is None:
        raise Http404("No match run found.")
    # The agreement names who may see results.
    if not sees_results(actor, run.agreement):
        raise Http404("No match run found.")
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="sharing.match_run",
        record_id=run.pk,
        purpose=Purpose.DATA_MANAGEMENT,
    )
    return run


def access_pair(actor: Membership | None, pair_id: object) -> MatchPair:
    """The pair (our child and the partner's record), if ``actor`` may see its run's results; audited as a
    view of the child."""
    if actor is None:
        raise Http404("No pair found.")
    pair = (
        MatchPair.objects.filter(run__in=MatchRun.objects.filter(agreements_filter_for_runs(actor)))
        .select_related("run__agreement__partner", "child__school", "child__family", "decided_by")
        .filter(pk=_pk(pair_id, "pair"))
        .first()
    )
    if pair is None:
        raise Http404("No pair found.")
    # The agreement names who may see results.
    if not sees_results(actor, pair.run.agreement):
        raise Http404("No pair found.")
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="sharing.match_pair",
        record_id=pair.pk,
        child_id=pair.child_id,
        purpose=Purpose.DATA_MANAGEMENT,
    )
    return pair


def shared_cases_for_partner(actor: Membership) -> QuerySet[SharedCase]:
    """The shared cases a partner professional may see: their organisation's, in their borough, not ended,
    under an agreement in force today, of children not archived. Nothing about any other child."""
    if not actor.is_active or actor.role not in PARTNER_ROLES:
        return SharedCase.objects.none()
    return shared_cases_in_force(timezone.localdate()).filter(
        Q(partner_id=actor.organisation_id)
        & Q(agreement__partner_id=F("partner_id"))
        & Q(child__area_id=actor.area_id)
        & Q(agreement__area_id=actor.area_id)
        & Q(child__archived_at__isnull=True)
    )


def shared_cases_of_child(child_id: int) -> QuerySet[SharedCase]:
    """The child's shared cases in force, for those who may already see the child (through ``access_child``)."""
    return (
        shared_cases_in_force(timezone.localdate())
        .filter(child_id=child_id)
        .select_related("partner", "agreement", "lead_membership__user")
    )


def audit_partner_view(actor: Membership, cases: list[SharedCase]) -> None:
    """A partner's list names each child: one view event per child shown."""
    audit_record_many(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="sharing.shared_case",
        records=[(case.pk, case.child_id) for case in cases],
        purpose=Purpose.JOINT_WORKING,
    )


def audit_pairs_listed(actor: Membership, pairs: list[MatchPair]) -> None:
    """A run's queue names each child in it: one view event per child listed."""
    for run_id in sorted({pair.run_id for pair in pairs}):
        audit_record_many(
            action=AuditAction.VIEW,
            actor=actor,
            record_type="sharing.match_pair",
            records=[(pair.pk, pair.child_id) for pair in pairs if pair.run_id == run_id],
            purpose=Purpose.DATA_MANAGEMENT,
            detail={"listed_in_run": run_id},
        )
