"""Shared cases in the demo: each borough's Early Help team, an agreement, a match run and its review.

Every borough's programme has a signed-off data-sharing agreement with the council's Early Help
team. Early Help's caseload is a list written the way a case-management export writes it (day-first
dates, upper-case surnames, postcodes without a space, nicknames, the odd typo, blanks) holding about
a third of the programme's children and as many children the programme does not know. The list is
matched by the app's own services, as a data lead's upload would be; some pairs the data lead has
reviewed (the true ones confirmed, the false ones not), the rest wait, and the Early Help
professional is the lead practitioner of the shared cases.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.utils import timezone

from joinedup.accounts.models import Membership, Role
from joinedup.linkage import COLUMNS, VARIANTS, paired_lists
from joinedup.sharing.lists import our_list
from joinedup.sharing.models import DataSharingAgreement, LawfulBasis, MatchPair, MatchRun, SharedCase
from joinedup.sharing.services import (
    agreement_create,
    agreement_sign_off,
    match_run_create,
    match_run_execute,
    pair_decide,
    shared_case_lead_set,
)

# Share of the programme's children on Early Help's caseload, and of other children beside them.
_SHARED = 0.3
_OTHERS_PER_SHARED = 1.0
# Of the pairs to review, the share the data lead has already decided.
_REVIEWED = 0.5
_FIELDS = ["record_id", "forenames", "surname", "date_of_birth", "sex", "postcode", "address", "school"]


@dataclass(frozen=True)
class SharingLoadSummary:
    agreements: int
    runs: int
    shared_cases: int
    to_review: int


def demo_sharing_loaded() -> bool:
    return DataSharingAgreement.objects.exists()


def demo_sharing_load(*, seed: int, as_of: date) -> SharingLoadSummary:
    rng = random.Random(f"joinedup-demo-sharing:{seed}")
    leads = Membership.objects.filter(role=Role.DATA_LEAD, is_active=True).select_related("area", "organisation")
    agreements = runs = 0
    with tempfile.TemporaryDirectory(prefix="joinedup-demo-sharing-") as folder:
        for lead in leads.order_by("area__name"):
            professional = (
                Membership.objects.filter(
                    role=Role.PARTNER_PROFESSIONAL,
                    area_id=lead.area_id,
                    organisation__name__icontains="early help",
                    is_active=True,
                )
                .select_related("organisation")
                .first()
            )
            if professional is None:
                continue
            agreement = _agreement(lead, professional, as_of)
            agreements += 1
            truth = _caseload(rng, agreement, seed, Path(folder) / f"early-help-{lead.area_id}.csv")
            run = match_run_create(
                actor=lead, agreement=agreement, path=truth.path, file_name=f"{professional.organisation} caseload.csv"
            )
            match_run_execute(run=run)
            runs += 1
            _review(rng, lead, run, truth.pairs)
            for case in SharedCase.objects.filter(run=run, ended_at__isnull=True):
                shared_case_lead_set(actor=lead, case=case, membership=professional)
    return SharingLoadSummary(
        agreements,
        runs,
        SharedCase.objects.filter(ended_at__isnull=True).count(),
        MatchPair.objects.filter(decision=MatchPair.Decision.UNDECIDED).count(),
    )


def _agreement(lead: Membership, professional: Membership, as_of: date) -> DataSharingAgreement:
    partner = professional.organisation
    agreement = agreement_create(
        actor=lead,
        partner=partner,
        title=f"Shared cases with {partner}",
        purpose=(
            "To find the children both teams work with, so that each knows who else is helping the family "
            "and the family does not have to tell their story twice."
        ),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        fields_we_send=_FIELDS,
        fields_we_receive=_FIELDS,
        run_roles=[Role.DATA_LEAD],
        result_roles=[Role.DATA_LEAD, Role.TEAM_MANAGER],
        starts_on=as_of - timedelta(days=120),
        review_on=as_of + timedelta(days=240),
        expires_on=as_of + timedelta(days=610),
    )
    # Someone other than whoever set the terms records the sign-off: the borough's team manager.
    manager = Membership.objects.filter(
        role=Role.TEAM_MANAGER, area_id=lead.area_id, organisation_id=lead.organisation_id, is_active=True
    ).first()
    if manager is None:
        raise RuntimeError(f"The demo has no team manager in {lead.area} to record the sign-off.")
    agreement = agreement_sign_off(
        actor=manager, agreement=agreement, name="Priya Natarajan", role="Head of Early Help"
    )
    # Signed off the week before it started, as the borough's agreements were.
    signed = timezone.make_aware(datetime.combine(agreement.starts_on - timedelta(days=7), time(10)))
    DataSharingAgreement.objects.filter(pk=agreement.pk).update(signed_off_at=signed)
    agreement.signed_off_at = signed
    return agreement


@dataclass(frozen=True)
class _Caseload:
    path: Path
    pairs: set[tuple[int, str]]  # (child id, Early Help record id): the true pairs


def _caseload(rng: random.Random, agreement: DataSharingAgreement, seed: int, path: Path) -> _Caseload:
    """Early Help's caseload export: some of our children as they would write them, and children of theirs."""
    ours = our_list(agreement).to_pylist()
    shared = rng.sample(ours, round(len(ours) * _SHARED))
    theirs = paired_lists(0, round(len(shared) * _OTHERS_PER_SHARED), overlap=0, seed=seed + agreement.pk).right
    rows: list[tuple[dict[str, str], int | None]] = [
        (_as_early_help_writes(rng, child), int(child["record_id"])) for child in shared
    ]
    rows += [(row, None) for row in theirs.select(_FIELDS).to_pylist()]
    rng.shuffle(rows)
    truth = set()
    for index, (row, child_id) in enumerate(rows):
        row["record_id"] = f"EH-{40000 + index * 7:06d}"
        if child_id is not None:
            truth.add((child_id, row["record_id"]))
    table = pa.table({column: [row[column] for row, _ in rows] for column in _FIELDS})
    pa_csv.write_csv(table, path)
    return _Caseload(path, truth)


def _as_early_help_writes(rng: random.Random, child: dict[str, str]) -> dict[str, str]:
    row: dict[str, str] = {column: child[column] for column in COLUMNS if column in _FIELDS}
    year, month, day = row["date_of_birth"].split("-")
    row["date_of_birth"] = f"{day}/{month}/{year}"
    row["surname"] = row["surname"].upper() if rng.random() < 0.5 else row["surname"]
    row["postcode"] = row["postcode"].replace(" ", "") if rng.random() < 0.3 else row["postcode"]
    first, *middle = row["forenames"].split(" ")
    forms = VARIANTS.get(first.lower())
    if forms and rng.random() < 0.25:
        row["forenames"] = " ".join([rng.choice(forms).title(), *middle])
    elif len(first) > 4 and rng.random() < 0.05:
        at = rng.randrange(1, len(first) - 1)
        row["forenames"] = " ".join([first[:at] + first[at + 1] + first[at] + first[at + 2 :], *middle])
    if rng.random() < 0.1:
        row[rng.choice(["postcode", "address", "sex", "school"])] = ""
    return row


def _review(rng: random.Random, lead: Membership, run: MatchRun, truth: set[tuple[int, str]]) -> None:
    """The data lead has looked at half the pairs waiting: confirmed the true ones, turned down the others."""
    waiting = list(run.pairs.filter(decision=MatchPair.Decision.UNDECIDED).order_by("pk"))
    for pair in rng.sample(waiting, round(len(waiting) * _REVIEWED)):
        same = (pair.child_id, pair.partner_record_id) in truth
        pair_decide(actor=lead, pair=pair, decision="confirm" if same else "reject")
