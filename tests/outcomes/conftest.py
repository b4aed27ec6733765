"""A programme with outcomes: the world's Link Worker's child enrolled, the borough's measures, readings at
baseline and later, and an outcomes contract with a rate card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from joinedup.accounts.models import Membership, Role
from joinedup.cases.models import Child, Consent, Enrolment
from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement
from joinedup.outcomes.services import measurement_record, measures_ensure
from tests.conftest import World
from tests.factories import EnrolmentFactory

START = dt.date(2025, 9, 8)


@dataclass
class Programme:
    world: World
    child: Child
    enrolment: Enrolment
    measures: dict[str, Measure]
    contract: Contract

    @property
    def link_worker(self) -> Membership:
        return self.world.members[Role.LINK_WORKER]

    @property
    def data_lead(self) -> Membership:
        return self.world.members[Role.DATA_LEAD]

    def client(self, role: str) -> Client:
        return self.world.client_for(role)

    def record(
        self,
        key: str,
        value: object,
        on: dt.date,
        *,
        respondent: str = "",
        occasion: str = "review",
        child: Child | None = None,
    ) -> Measurement:
        return measurement_record(
            actor=self.link_worker,
            child=child or self.child,
            measure=self.measures[key],
            value=value,
            taken_on=on,
            respondent=respondent,
            occasion=occasion,
        )


@pytest.fixture
def programme(world: World) -> Programme:
    child = world.children["own"]
    enrolment = EnrolmentFactory.create(child=child, start_date=START)
    Consent.objects.create(
        child=child, purpose=Consent.Purpose.ENROLMENT, given_by=Consent.GivenBy.PARENT, given_on=START
    )
    measures = {measure.key: measure for measure in measures_ensure(world.area)}
    contract = Contract.objects.create(
        area=world.area,
        name="Brent Life Chances",
        funder="Brent Council",
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2028, 8, 31),
        changed_by=world.members[Role.DATA_LEAD].user,
    )
    ContractRate.objects.create(contract=contract, event="sign_up", price=Decimal("500"), evidence="Enrolment")
    ContractRate.objects.create(contract=contract, event="engagement", price=Decimal("300"), evidence="Contacts")
    ContractRate.objects.create(
        contract=contract, event="outcome", measure=measures["attendance"], price=Decimal("1200"), evidence="Data"
    )
    result = Programme(world, child, enrolment, measures, contract)
    result.record("attendance", "84.5", dt.date(2025, 9, 10), occasion="baseline")
    result.record("attendance", "93", dt.date(2026, 2, 2))
    result.record("sdq_emotional", "7", dt.date(2025, 9, 10), respondent="teacher", occasion="baseline")
    result.record("sdq_emotional", "4", dt.date(2026, 2, 2), respondent="teacher")
    return result
