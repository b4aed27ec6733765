"""Writes for case coordination: enrolment with consent, and consent records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.accounts.models import Membership, User
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.consent import consent_check
from joinedup.cases.engagement import engagement_refresh
from joinedup.cases.models import Child, Consent, Contact, Enrolment, Family, FamilyMember, FamilyStory
from joinedup.cases.plans import plan_start
from joinedup.identification.models import CohortEntry
from joinedup.outcomes.services import baseline_from_identification

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
                review_on=years_on(agreement.given_on, 1),
                created_by=actor.user,
            )
        enrolment = Enrolment.objects.create(
            child=child,
            programme_organisation=actor.organisation,
            school=cohort.school,
            link_worker=link_worker,
            start_date=start_date,
            planned_end_date=years_on(start_date, PROGRAMME_YEARS),
            at_risk_domains=entry.domains_at_risk,
            cohort_entry=entry,
            created_by=actor.user,
        )
        plan_start(actor=actor, enrolment=enrolment)
        # The school data the child was identified with is their baseline on every measure.
        baseline_from_identification(enrolment=enrolment)
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="enrolment",
            record_id=enrolment.pk,
            child_id=child.pk,
            detail={"from_cohort_entry": entry.pk, "consents": [str(purpose) for purpose in consents]},
        )
    return enrolment


def years_on(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def consent_record(
    *,
    actor: Membership,
    child: Child,
    purpose: str,
    basis: str,
    given_by: str = "",
    given_by_name: str = "",
    child_view: str = "",
    organisation_id: int | None = None,
    practitioner: str = "",
    service_id: str = "",
    scope: str = "",
    obtained: str = "",
    given_on: date,
    review_on: date | None = None,
    expires_on: date | None = None,
    basis_reason: str = "",
) -> Consent:
    """Record a consent, or the other lawful basis relied on instead (with who decided and why)."""
    errors: dict[str, str] = {}
    if basis == Consent.Basis.CONSENT and not given_by:
        errors["given_by"] = "Say who gave consent."
    if basis != Consent.Basis.CONSENT and not basis_reason.strip():
        errors["basis_reason"] = "Say why this basis applies, for the record."
    if purpose == Consent.Purpose.SHARING and organisation_id is None:
        errors["organisation"] = "Choose the organisation information may be shared with."
    if purpose == Consent.Purpose.REFERRAL and not service_id:
        errors["service_id"] = "Give the service the referral is to."
    if given_on > date.today():
        errors["given_on"] = "The date cannot be in the future."
    if expires_on is not None and expires_on < given_on:
        errors["expires_on"] = "The end date must be after the date it was given."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consent = Consent.objects.create(
            child=child,
            purpose=purpose,
            basis=basis,
            given_by=given_by if basis == Consent.Basis.CONSENT else "",
            given_by_name=given_by_name,
            child_view=child_view,
            organisation_id=organisation_id,
            practitioner=practitioner,
            service_id=service_id,
            scope=scope,
            obtained=obtained,
            given_on=given_on,
            review_on=review_on,
            expires_on=expires_on,
            basis_decided_by=actor.user if basis != Consent.Basis.CONSENT else None,
            basis_reason=basis_reason.strip(),
            created_by=actor.user,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="consent",
            record_id=consent.pk,
            child_id=child.pk,
            detail={"purpose": purpose, "basis": basis},
        )
    return consent


def consent_withdraw(*, actor: Membership, consent: Consent, withdrawn_on: date, withdrawn_by: str) -> Consent:
    """Record that consent was withdrawn: from that day, nothing relies on it."""
    if consent.withdrawn_on is not None:
        raise ValidationError("This consent was already withdrawn.")
    if not withdrawn_by.strip():
        raise ValidationError({"withdrawn_by": "Say who withdrew it."})
    if withdrawn_on > date.today() or withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": "The date must be between the day it was given and today."})
    with transaction.atomic():
        consent.withdrawn_on = withdrawn_on
        consent.withdrawn_by = withdrawn_by.strip()
        consent.modified_by = actor.user
        consent.save(update_fields=["withdrawn_on", "withdrawn_by", "modified_by", "modified_at"])
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="consent",
            record_id=consent.pk,
            child_id=consent.child_id,
            detail={"withdrawn_on": withdrawn_on.isoformat()},
        )
    return consent


def enrolment_update(
    *, actor: Membership, enrolment: Enrolment, stage: str, link_worker: User, closure_reason: str = ""
) -> Enrolment:
    """Move an enrolment to another stage, or to another Link Worker; everything about the child stays.

    Closing needs a reason when it comes before the planned end (early closure). A closed
    enrolment is a record: it does not change.
    """
    if enrolment.stage == Enrolment.Stage.CLOSED:
        raise ValidationError("This enrolment is closed. Enrol the child again to start a new one.")
    closing = stage == Enrolment.Stage.CLOSED
    early = closing and date.today() < enrolment.planned_end_date
    if early and not closure_reason.strip():
        raise ValidationError({"closure_reason": "Give the reason for closing before the planned end."})
    changes = {
        name: [str(before), str(after)]
        for name, before, after in (
            ("stage", enrolment.stage, stage),
            ("link_worker", enrolment.link_worker.full_name, link_worker.full_name),
        )
        if before != after
    }
    if not changes:
        raise ValidationError("Nothing was changed.")
    with transaction.atomic():
        enrolment.stage = stage
        enrolment.link_worker = link_worker
        if closing:
            enrolment.closed_on = date.today()
            enrolment.closure_reason = closure_reason.strip()
        enrolment.modified_by = actor.user
        enrolment.save()
        # The access gate follows the child's Link Worker: a transfer moves who sees the record.
        Child.objects.filter(pk=enrolment.child_id).update(link_worker=link_worker, modified_by=actor.user)
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="enrolment",
            record_id=enrolment.pk,
            child_id=enrolment.child_id,
            detail=changes,
        )
    return enrolment


def contact_record(
    *,
    actor: Membership,
    enrolment: Enrolment,
    kind: str,
    happened_on: date,
    minutes: int | None = None,
    attendees: str = "",
    notes: str = "",
    follow_up: str = "",
) -> Contact:
    """Record a session or contact on an open enrolment, while the family's consent to take part holds."""
    if enrolment.stage == Enrolment.Stage.CLOSED:
        raise ValidationError("This enrolment is closed.")
    if happened_on > date.today():
        raise ValidationError({"happened_on": "The date cannot be in the future."})
    if happened_on < enrolment.start_date:
        raise ValidationError({"happened_on": "The date is before the child's enrolment started."})
    allowed = consent_check(enrolment.child, Consent.Purpose.ENROLMENT, on=happened_on)
    if not allowed.ok:
        raise ValidationError(allowed.missing)
    with transaction.atomic():
        contact = Contact.objects.create(
            enrolment=enrolment,
            kind=kind,
            happened_on=happened_on,
            minutes=minutes,
            attendees=attendees.strip(),
            notes=notes.strip(),
            follow_up=follow_up.strip(),
            created_by=actor.user,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="contact",
            record_id=contact.pk,
            child_id=enrolment.child_id,
            detail={"kind": kind},
        )
        engagement_refresh(enrolment_ids=[enrolment.pk])
    return contact


def family_story_set(
    *,
    actor: Membership,
    child: Child,
    story: str,
    told_by: str,
    told_on: date,
    share_agreed: bool,
    share_agreed_by: str,
) -> FamilyStory:
    """Record the family's story, or change it. Sharing it rests on the family's agreement: taking that back
    hides it at once from every professional the plan is shared with."""
    errors: dict[str, str] = {}
    if not story.strip():
        errors["story"] = "Write the family’s story as they told it."
    if not told_by.strip():
        errors["told_by"] = "Say who told it."
    if told_on > date.today():
        errors["told_on"] = "The date cannot be in the future."
    if share_agreed and not share_agreed_by.strip():
        errors["share_agreed_by"] = "Say who in the family agreed to it being shared."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record, created = FamilyStory.objects.update_or_create(
            family_id=child.family_id,
            defaults={
                "story": story.strip(),
                "told_by": told_by.strip(),
                "told_on": told_on,
                "share_agreed": share_agreed,
                "share_agreed_by": share_agreed_by.strip() if share_agreed else "",
                "modified_by": actor.user,
            },
            create_defaults={
                "story": story.strip(),
                "told_by": told_by.strip(),
                "told_on": told_on,
                "share_agreed": share_agreed,
                "share_agreed_by": share_agreed_by.strip() if share_agreed else "",
                "created_by": actor.user,
                "modified_by": actor.user,
            },
        )
        audit_record(
            action=AuditAction.CREATE if created else AuditAction.CHANGE,
            actor=actor,
            record_type="family_story",
            record_id=record.pk,
            child_id=child.pk,
            detail={"share_agreed": share_agreed},
        )
    return record
