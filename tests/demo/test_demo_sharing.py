"""The demo's shared cases: an agreement with each borough's Early Help team, its caseload matched by
the app's own services, the pairs reviewed or waiting, and the shared cases shown to Early Help."""

from __future__ import annotations

from datetime import date

from joinedup.accounts.models import Role
from joinedup.demo.generator import demo_data_build, demo_data_load
from joinedup.demo.sharing import demo_sharing_load, demo_sharing_loaded
from joinedup.sharing.models import DataSharingAgreement, MatchPair, MatchRun, SharedCase


def test_the_demo_matches_each_early_help_caseload_under_a_signed_agreement(db: None) -> None:
    demo_data_load(demo_data_build(seed=2026, children=600))
    assert not demo_sharing_loaded()

    summary = demo_sharing_load(seed=2026, as_of=date(2026, 11, 26))

    assert demo_sharing_loaded()
    assert summary.agreements == summary.runs == DataSharingAgreement.objects.count() == 4
    assert all(agreement.is_active(date(2026, 11, 26)) for agreement in DataSharingAgreement.objects.all())
    assert set(MatchRun.objects.values_list("status", flat=True)) == {MatchRun.Status.FINISHED}
    assert not MatchRun.objects.exclude(stored_path="").exists()  # every uploaded file is gone
    # About a third of each borough's children are on Early Help's caseload and become shared cases.
    children = sum(run.our_rows for run in MatchRun.objects.all())
    assert 0.25 * children < summary.shared_cases == SharedCase.objects.filter(ended_at__isnull=True).count()
    assert summary.shared_cases < 0.35 * children
    assert MatchPair.objects.filter(band=MatchPair.Band.AUTO, decision=MatchPair.Decision.CONFIRMED).exists()
    # Early Help's professional in each borough leads that borough's shared cases.
    for case in SharedCase.objects.select_related("lead_membership", "agreement"):
        lead = case.lead_membership
        assert lead is not None
        assert lead.role == Role.PARTNER_PROFESSIONAL
        assert (lead.organisation_id, lead.area_id) == (case.partner_id, case.agreement.area_id)
