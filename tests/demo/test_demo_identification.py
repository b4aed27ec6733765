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
