"""The demo's screening: every school imported through the real importer, run, and half the lists agreed."""

from __future__ import annotations

from joinedup.accounts.models import Membership, Role
from joinedup.demo.generator import demo_data_build, demo_data_load, demo_logins
from joinedup.demo.identification import WAITING_SCHOOL, demo_identification_load, demo_identification_loaded
from joinedup.identification.models import CohortEntry, IdentificationRun, SchoolCohort, ScreenedPupil, ScreeningImport


def test_the_demo_screens_every_school_and_shows_each_stage(db: None) -> None:
    data = demo_data_build(seed=2026, children=300)
    demo_data_load(data)
    assert not demo_identification_loaded()

    summary = demo_identification_load(data)

    assert demo_identification_loaded()
    assert summary.pupils == ScreenedPupil.objects.count() == 12_000
    assert 0.08 < summary.proposed / summary.pupils < 0.15
    assert not ScreeningImport.objects.exclude(status=ScreeningImport.Status.IMPORTED).exists()
    assert IdentificationRun.objects.count() == 4
    # Survey answers joined to the school data.
    assert ScreenedPupil.objects.filter(sdq_emotional__isnull=False).count() > 10_000
    # Agreed lists, with confirmed, declined and added children; the rest are still to decide.
    agreed = SchoolCohort.objects.filter(locked_at__isnull=False)
    assert agreed.count() == summary.agreed_schools > 10
    decided = CohortEntry.objects.filter(cohort__in=agreed)
    assert decided.filter(decision="confirmed").exists()
    assert decided.filter(decision="declined").exclude(decision_reason="").exists()
    assert decided.filter(source="added").exists()
    waiting = SchoolCohort.objects.get(school__name=WAITING_SCHOOL)
    assert not waiting.is_locked
    assert waiting.entries.filter(proposed=True, decision="pending").count() > 0
    # Each Link Worker with a caseload is based in their children's schools.
    worker = Membership.objects.filter(role=Role.LINK_WORKER, user__assigned_children__isnull=False).first()
    assert worker is not None
    assert worker.schools.exists()
    # The demo Link Worker can try adding a child at the school still deciding.
    headline = Membership.objects.get(role=Role.LINK_WORKER, user__email=dict(demo_logins())["Link Worker"])
    assert headline.schools.filter(name=WAITING_SCHOOL).exists()


def test_the_demo_enrols_its_children_with_consent_and_contacts(db: None) -> None:
    from datetime import date

    from joinedup.cases.models import Consent, Contact, Enrolment
    from joinedup.demo.cases import demo_cases_load, demo_cases_loaded

    data = demo_data_build(seed=2026, children=120)
    demo_data_load(data)
    summary = demo_cases_load(data, as_of=date(2026, 11, 26))
    assert demo_cases_loaded()
    with_worker = sum(1 for _family, child in data.children() if child.link_worker)
    assert summary.enrolments == Enrolment.objects.count() == with_worker
    assert Consent.objects.filter(purpose="enrolment").count() == with_worker
    assert summary.contacts == Contact.objects.count() > with_worker * 5
    assert set(Enrolment.objects.values_list("stage", flat=True)) >= {"relationship", "active_plan"}
    # Loading again adds nothing.
    assert demo_cases_load(data, as_of=date(2026, 11, 26)).enrolments == 0


def test_each_demo_case_has_a_plan_reviews_referrals_at_every_status_and_sessions(db: None) -> None:
    from datetime import date

    from joinedup.cases.models import Enrolment, PartnerSession, Plan, PlanVersion, Referral, ReferralEvent
    from joinedup.cases.selectors import chronology
    from joinedup.demo.cases import demo_cases_load
    from joinedup.demo.directory import demo_directory_build, demo_directory_load
    from joinedup.demo.plans import demo_plans_load, demo_plans_loaded

    data = demo_data_build(seed=2026, children=400)
    demo_data_load(data)
    demo_directory_load(demo_directory_build(data))
    demo_cases_load(data, as_of=date(2026, 11, 26))
    summary = demo_plans_load(seed=2026, as_of=date(2026, 11, 26))
    assert demo_plans_loaded()
    assert summary.plans == Plan.objects.count() == Enrolment.objects.count()
    # Every plan's versions run 1, 2, 3 ... up to the plan's version, and each review names one.
    for plan in Plan.objects.prefetch_related("versions", "reviews"):
        assert sorted(version.number for version in plan.versions.all()) == list(range(1, plan.version + 1))
        assert all(1 <= review.plan_version <= plan.version for review in plan.reviews.all())
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    assert Referral.objects.filter(partner_organisation__isnull=False).exists()
    # Each referral's history ends where it stands; sessions only once started, never in the future.
    for referral in Referral.objects.prefetch_related("events"):
        assert list(referral.events.all())[-1].status == referral.status
    assert not PartnerSession.objects.filter(referral__started_on__isnull=True).exists()
    assert not PartnerSession.objects.filter(happened_on__gt=date(2026, 11, 26)).exists()
    assert not ReferralEvent.objects.filter(on__gt=date(2026, 11, 26)).exists()
    assert summary.sessions == PartnerSession.objects.count() > summary.referrals
    assert PlanVersion.objects.filter(summary__startswith="Goals agreed").exists()
    # A case reads in order: enrolment, the plan, referrals, sessions.
    child = Referral.objects.filter(status="completed").first().enrolment.child
    kinds = {event.kind for event in chronology(child, viewer_role=Role.LINK_WORKER)}
    assert kinds >= {"consent", "enrolment", "plan", "referral", "contact", "session"}
    # Loading again adds nothing.
    assert demo_plans_load(seed=2026, as_of=date(2026, 11, 26)).plans == 0
