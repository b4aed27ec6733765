"""Factories that keep related rows consistent (a school's borough is the child's borough, and so on)."""

from __future__ import annotations

import datetime as dt

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from joinedup.accounts.models import Area, Membership, Organisation, Role, User
from joinedup.cases.models import Child, Enrolment, Family, FamilyMember

TEST_PASSWORD = "correct horse battery staple"


class AreaFactory(DjangoModelFactory[Area]):
    class Meta:
        model = Area
        django_get_or_create = ("ons_code",)

    name = factory.Sequence(lambda n: f"Borough {n}")
    ons_code = factory.Sequence(lambda n: f"E09{n:06d}")


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.PROGRAMME

    @factory.post_generation
    def areas(self, create: bool, extracted: list[Area] | None, **kwargs: object) -> None:
        if create and extracted:
            self.areas.set(extracted)


class SchoolFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"School {n} Primary")
    kind = Organisation.Kind.SCHOOL
    urn = factory.Sequence(lambda n: f"{900000 + n}")
    school_phase = Organisation.SchoolPhase.PRIMARY


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    area = factory.SubFactory(AreaFactory)
    role = Role.LINK_WORKER


class FamilyFactory(DjangoModelFactory[Family]):
    class Meta:
        model = Family

    family_name = "Okafor"
    address_line_1 = factory.Sequence(lambda n: f"{n + 1} Harrow Road")
    postcode = "NW10 4AB"
    area = factory.SubFactory(AreaFactory)


class FamilyMemberFactory(DjangoModelFactory[FamilyMember]):
    class Meta:
        model = FamilyMember

    family = factory.SubFactory(FamilyFactory)
    full_name = "Grace Okafor"
    relationship = FamilyMember.Relationship.MOTHER
    parental_responsibility = True


class ChildFactory(DjangoModelFactory[Child]):
    class Meta:
        model = Child

    forenames = factory.Sequence(lambda n: f"Child{n}")
    surname = "Okafor"
    date_of_birth = dt.date(2016, 5, 4)
    sex = Child.Sex.FEMALE
    area = factory.SubFactory(AreaFactory)
    family = factory.SubFactory(FamilyFactory, area=factory.SelfAttribute("..area"))
    school = factory.SubFactory(SchoolFactory)
    home_postcode = "NW10 4AB"
    programme_organisation = factory.SubFactory(OrganisationFactory)
    link_worker = None


class EnrolmentFactory(DjangoModelFactory[Enrolment]):
    """A child's open enrolment with their Link Worker, programme and school, two years from ``start_date``."""

    class Meta:
        model = Enrolment

    child = factory.SubFactory(ChildFactory)
    programme_organisation = factory.SelfAttribute("child.programme_organisation")
    school = factory.SelfAttribute("child.school")
    link_worker = factory.SelfAttribute("child.link_worker")
    start_date = dt.date(2026, 9, 1)
    planned_end_date = factory.LazyAttribute(lambda enrolment: enrolment.start_date + dt.timedelta(days=730))


def verified_login(client: Client, user: User) -> None:
    """Sign the test client in as someone who has passed two-factor sign-in with their authenticator.

    Every role that can see a child's record must, so a bare ``force_login`` would only reach the
    two-factor step. The device is created if the person has none.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
