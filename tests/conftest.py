from __future__ import annotations

import copy
import importlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from joinedup.accounts.models import Area, Membership, Organisation, Role
from joinedup.cases.models import Child
from tests.factories import (
    AreaFactory,
    ChildFactory,
    MembershipFactory,
    OrganisationFactory,
    SchoolFactory,
    verified_login,
)


@dataclass
class World:
    """Two boroughs, two programmes, and a member of every role in the first borough.

    ``children`` holds one child per scope: ``own`` (the Link Worker's, in the
    programme, borough and school the members belong to), ``other_org`` (same
    borough, another programme and school) and ``other_area`` (same programme,
    another borough).
    """

    area: Area
    other_area: Area
    programme: Organisation
    other_programme: Organisation
    school: Organisation
    members: dict[str, Membership]
    children: dict[str, Child]

    def client_for(self, role: str) -> Client:
        client = Client()
        verified_login(client, self.members[role].user)
        return client


def build_world() -> World:
    area = AreaFactory.create(name="Brent", ons_code="E09000005")
    other_area = AreaFactory.create(name="Westminster", ons_code="E09000033")
    programme = OrganisationFactory.create(name="Link Programme", areas=[area, other_area])
    other_programme = OrganisationFactory.create(name="Other Programme", areas=[area])
    school = SchoolFactory.create(name="Harrow Road Primary", areas=[area])
    other_school = SchoolFactory.create(name="Kilburn Park Primary", areas=[area])
    far_school = SchoolFactory.create(name="Church Street Primary", areas=[other_area])
    partner = OrganisationFactory.create(
        name="Counselling Partner", kind=Organisation.Kind.DELIVERY_PARTNER, areas=[area]
    )
    early_help = OrganisationFactory.create(name="Brent Early Help", kind=Organisation.Kind.EARLY_HELP, areas=[area])

    organisation_for_role = {
        Role.LINK_WORKER: programme,
        Role.TEAM_MANAGER: programme,
        Role.DATA_LEAD: programme,
        Role.ADMINISTRATOR: programme,
        Role.COMMISSIONER: programme,
        Role.SCHOOL_STAFF: school,
        Role.DELIVERY_PRACTITIONER: partner,
        Role.PARTNER_PROFESSIONAL: early_help,
    }
    members = {
        role.value: MembershipFactory.create(
            user__email=f"{role.value}@example.org", user__full_name=role.label, organisation=org, area=area, role=role
        )
        for role, org in organisation_for_role.items()
    }
    other_link_worker = MembershipFactory.create(organisation=other_programme, area=area, role=Role.LINK_WORKER)
    far_link_worker = MembershipFactory.create(organisation=programme, area=other_area, role=Role.LINK_WORKER)
    children = {
        "own": ChildFactory.create(
            forenames="Amara",
            area=area,
            school=school,
            programme_organisation=programme,
            link_worker=members[Role.LINK_WORKER].user,
        ),
        "other_org": ChildFactory.create(
            forenames="Bilal",
            area=area,
            school=other_school,
            programme_organisation=other_programme,
            link_worker=other_link_worker.user,
        ),
        "other_area": ChildFactory.create(
            forenames="Chloe",
            area=other_area,
            school=far_school,
            programme_organisation=programme,
            link_worker=far_link_worker.user,
        ),
    }
    return World(area, other_area, programme, other_programme, school, members, children)


def data_migrations_rerun() -> None:
    """Put back the rows that data migrations create, which emptying the tables removes.

    Content types and permissions come back by themselves (Django recreates them after
    emptying the tables); rows from our own data migrations do not. Each function here is
    idempotent. Add any new data migration's function to this list.
    """
    for module, function in [
        ("joinedup.audit.migrations.0002_chain_head", "create_head"),
        ("joinedup.geodata.migrations.0002_postcode_districts", "districts_load"),
    ]:
        getattr(importlib.import_module(module), function)(django_apps, None)


@pytest.fixture
def world(db: None) -> World:
    # A transactional test run just before empties every table, data-migration rows included.
    data_migrations_rerun()
    return build_world()


@pytest.fixture(scope="module")
def module_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    """One world for a whole module of tests, rolled back when the module ends.

    Each test still runs in a transaction of its own inside this one (pytest-django's ``db`` fixture
    nests as a savepoint), so whatever a test writes is gone before the next; only the building of
    the world, which dominates a short test, is shared.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        data_migrations_rerun()
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def shared_world(module_world: World, db: None) -> World:
    """The module's world, copied so that nothing a test changes on its objects reaches the next test."""
    return copy.deepcopy(module_world)
