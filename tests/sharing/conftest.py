from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from joinedup.accounts.models import Membership, Organisation, Role
from joinedup.cases.models import Child
from joinedup.sharing.models import DataSharingAgreement, MatchRun
from joinedup.sharing.services import match_run_create, match_run_execute
from tests.conftest import World
from tests.factories import ChildFactory, FamilyFactory

PARTNER_HEADER = "record_id,forenames,surname,date_of_birth,postcode"

# Our children: distinct names and dates of birth, all in the world's programme, borough and school.
OUR_CHILDREN = [
    ("Amelia", "Thornton", dt.date(2015, 2, 3), "NW10 4AB"),
    ("Oliver", "Nakamura", dt.date(2015, 6, 14), "NW10 5CD"),
    ("Isla", "Brennan", dt.date(2016, 1, 27), "NW6 7EF"),
    ("Jack", "Okonkwo", dt.date(2014, 11, 8), "NW2 3GH"),
    ("Freya", "Lindqvist", dt.date(2016, 9, 19), "NW10 8JK"),
    ("William", "Patterson", dt.date(2015, 4, 22), "NW6 1LM"),
    ("Zara", "Mahmood", dt.date(2014, 7, 30), "NW2 6NP"),
    ("Theo", "Castellano", dt.date(2016, 3, 11), "NW10 2QR"),
    ("Maya", "Fitzgerald", dt.date(2015, 12, 5), "NW6 9ST"),
    ("Leo", "Abernathy", dt.date(2014, 5, 17), "NW2 4UV"),
    ("Ruby", "Kowalczyk", dt.date(2016, 8, 2), "NW10 3WX"),
    ("Noah", "Adeyemi", dt.date(2015, 10, 25), "NW6 2YZ"),
]
# Their list: the first five of ours exactly (confirmed automatically), two written otherwise (to review:
# a nickname and a misspelt surname; a misspelt name and a mistyped date of birth), and six we do not know.
THEIR_ROWS = [
    "P006,Will,Paterson,22/04/2015,NW6 1LM",
    "P012,Noa,Adeyemi,25/11/2015,NW6 2YZ",
    "P001,Amelia,Thornton,03/02/2015,NW10 4AB",
    "P002,Oliver,Nakamura,14/06/2015,NW10 5CD",
    "P003,Isla,Brennan,27/01/2016,NW6 7EF",
    "P004,Jack,Okonkwo,08/11/2014,NW2 3GH",
    "P005,Freya,Lindqvist,19/09/2016,NW10 8JK",
    "P101,Harriet,Vasquez,12/02/2013,SE1 7PB",
    "P102,Kwame,Osei,01/09/2012,SE5 8QR",
    "P103,Sofia,Ruiz,23/03/2014,E8 1DY",
    "P104,Daniel,Whitaker,30/06/2013,N16 7JL",
    "P105,Priya,Raman,15/12/2012,E17 4PP",
    "P106,Tomasz,Nowak,07/07/2014,SW9 8EH",
]


def write(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Sharing:
    world: World
    agreement: DataSharingAgreement
    partner: Organisation
    children: list[Child]
    folder: Path

    @property
    def data_lead(self) -> Membership:
        return self.world.members[Role.DATA_LEAD]

    @property
    def partner_professional(self) -> Membership:
        return self.world.members[Role.PARTNER_PROFESSIONAL]

    def partner_file(self, *rows: str, header: str = PARTNER_HEADER, name: str = "caseload.csv") -> Path:
        return write(self.folder, name, header, *(rows or THEIR_ROWS))

    def run(self, path: Path | None = None, **options: Any) -> MatchRun:
        """Record and execute a run of ``path`` (their list by default), as the data lead."""
        path = path or self.partner_file()
        run = match_run_create(
            actor=self.data_lead, agreement=self.agreement, path=path, file_name=path.name, **options
        )
        return match_run_execute(run=run)


def agreement_make(world: World, partner: Organisation, **changes: Any) -> DataSharingAgreement:
    """An agreement in force today between the world's programme and ``partner`` in the world's borough."""
    today = dt.date.today()
    values: dict[str, Any] = {
        "area": world.area,
        "organisation": world.programme,
        "partner": partner,
        "title": "Early Help and Link Programme",
        "purpose": "To find the children both services support, so families tell their story once.",
        "lawful_basis": "public_task",
        "fields_we_send": ["forenames", "surname", "date_of_birth", "sex", "postcode", "school"],
        "fields_we_receive": ["record_id", "forenames", "surname", "date_of_birth", "postcode"],
        "run_roles": ["data_lead"],
        "result_roles": ["data_lead", "team_manager"],
        "starts_on": today - dt.timedelta(days=30),
        "expires_on": today + dt.timedelta(days=335),
        "signed_off_name": "Dana Officer",
        "signed_off_role": "Data protection officer",
        "signed_off_at": dt.datetime.now(dt.UTC),
        **changes,
    }
    agreement = DataSharingAgreement(**values)
    agreement.full_clean()
    agreement.save()
    return agreement


def children_make(world: World) -> list[Child]:
    link_worker = world.members[Role.LINK_WORKER].user
    made = []
    for forenames, surname, born, postcode in OUR_CHILDREN:
        family = FamilyFactory.create(area=world.area, family_name=surname, postcode=postcode)
        made.append(
            ChildFactory.create(
                forenames=forenames,
                surname=surname,
                date_of_birth=born,
                home_postcode=postcode,
                area=world.area,
                family=family,
                school=world.school,
                programme_organisation=world.programme,
                link_worker=link_worker,
            )
        )
    return made


@pytest.fixture
def sharing(world: World, tmp_path: Path, settings: Any) -> Sharing:
    settings.VAR_DIR = tmp_path
    partner = world.members[Role.PARTNER_PROFESSIONAL].organisation
    folder = tmp_path / "files"
    folder.mkdir()
    return Sharing(world, agreement_make(world, partner), partner, children_make(world), folder)
