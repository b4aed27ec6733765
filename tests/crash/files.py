"""The files and people the crash worker uses (in both the preparing and the crashing process)."""

from __future__ import annotations

from pathlib import Path

from joinedup.accounts.models import Membership, Role
from tests.identification.conftest import SCHOOL_HEADER
from tests.sharing.conftest import PARTNER_HEADER, THEIR_ROWS

PUPILS = 1_500


def school_data(path: Path, urn: str) -> None:
    rows = [
        f"C{n:05d},Pupil{n},Surname{n},2015-{1 + n % 12:02d}-{1 + n % 28:02d},F,5,{urn},{80 + n % 20},"
        f"below,expected,Y,White British,"
        for n in range(PUPILS)
    ]
    path.write_text("\n".join([SCHOOL_HEADER, *rows]) + "\n", encoding="utf-8")


def partner_list(path: Path) -> None:
    path.write_text("\n".join([PARTNER_HEADER, *THEIR_ROWS]) + "\n", encoding="utf-8")


def data_lead() -> Membership:
    return Membership.objects.select_related("area", "user").get(
        role=Role.DATA_LEAD, user__email="data_lead@example.org"
    )
