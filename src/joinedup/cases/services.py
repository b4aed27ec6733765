"""Writes for case coordination: enrolment with consent, and consent records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.accounts.models import Membership, User
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.models import Child, Consent, Enrolment, Family, FamilyMember
from joinedup.identification.models import CohortEntry

PROGRAMME_YEARS = 2


@dataclass(frozen=True)
class Household:
    """Where the child lives and who agreed, as the Link Worker records it at the first visit."""

    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    home_language: str
    carer_name: str
    carer_relationship: str
    parental_responsibility: bool
    carer_phone: str
    carer_email: str


@dataclass(frozen=True)
class Agreement:
    """The family's consent to take part (and, if given, to evaluation)."""

    given_by: str
    obtained: str
    given_on: date
    child_view: str
    evaluation: bool


def enrol_from_cohort(
    *,
    actor: Membership,
    entry: CohortEntry,
    link_worker: User,
    start_date: date,
    preferred_name: str,
    sex: str,
    household: Household,
    agreement: Agreement,
) -> Enrolment:
    """Enrol a child confirmed on an agreed school list: their record, household, consent and enrolment.

    The enrolment starts from the areas at risk identification found. Refused (nothing written)
    unless the child is confirmed on an agreed list, not already enrolled, and the family agreed.
    """
    cohort = entry.cohort
    if entry.decision != CohortEntry.Decision.CONFIRMED or not (cohort.locked_at or cohort.previously_agreed_at):
        raise ValidationError("Only a child confirmed on an agreed school list can be enrolled from it.")
    if Enrolment.objects.filter(cohort_entry__pupil=entry.pupil).exists():
        raise ValidationError("This child is already enrolled.")
    if agreement.given_on > date.today():
        raise ValidationError({"given_on": "The date consent was given cannot be in the future."})
    pupil = entry.pupil
    born = pupil.date_of_birth
    if born is None or not pupil.surname:
        raise ValidationError(
            "The school data has no name or date of birth for this pupil. "
            "Correct the school's data and import it again."
        )
    with transaction.atomic():
        family = Family(
            family_name=pupil.surname,
            address_line_1=household.address_line_1,
            address_line_2=household.address_line_2,
            town=household.town,
            postcode=household.postcode,
            home_language=household.home_language,
            area=cohort.run.area,
            created_by=actor.user,
        )
        family.full_clean()
        family.save()
        carer = FamilyMember(
            family=family,
            full_name=household.carer_name,
            relationship=household.carer_relationship,
            parental_responsibility=household.parental_responsibility,
            phone=household.carer_phone,
            email=household.carer_email,
            created_by=actor.user,
        )
        carer.full_clean()
        carer.save()
        child = Child(
            forenames=pupil.forenames,
            surname=pupil.surname,
            preferred_name=preferred_name,
            date_of_birth=born,
            sex=sex,
            family=family,
            school=cohort.school,
            home_postcode=household.postcode,
            area=cohort.run.area,
            programme_organisation=actor.organisation,
            link_worker=link_worker,
            created_by=actor.user,
        )
        child.full_clean()
        child.save()
        consents = [Consent.Purpose.ENROLMENT, *([Consent.Purpose.EVALUATION] if agreement.evaluation else [])]
        for purpose in consents:
            Consent.objects.create(
                child=child,
                purpose=purpose,
                given_by=agreement.given_by,
                given_by_name=household.carer_name if agreement.given_by != Consent.GivenBy.CHILD else "",
                child_view=agreement.child_view,
                obtained=agreement.obtained,
                given_on=agreement.given_on,
                review_on=_years_on(agreement.given_on, 1),
                created_by=actor.user,
            )
        enrolment = Enrolment.objects.create(
            child=child,
            programme_organisation=actor.organisation,
            school=cohort.school,
            link_worker=link_worker,
            start_date=start_date,
            planned_end_date=_years_on(start_date, PROGRAMME_YEARS),
            at_risk_domains=entry.domains_at_risk,
            cohort_entry=entry,
            created_by=actor.user,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="enrolment",
            record_id=enrolment.pk,
            child_id=child.pk,
            detail={"from_cohort_entry": entry.pk, "consents": [str(purpose) for purpose in consents]},
        )
    return enrolment


def _years_on(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
