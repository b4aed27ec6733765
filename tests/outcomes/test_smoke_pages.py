"""Every outcomes page opens for the people it is for."""

from __future__ import annotations

from joinedup.accounts.models import Role
from tests.outcomes.conftest import Programme


def test_pages_open(programme: Programme) -> None:
    lead = programme.client(Role.DATA_LEAD)
    for url in [
        "/outcomes/",
        "/outcomes/impact/",
        "/outcomes/impact/?by=partner",
        "/outcomes/impact/?by=cohort&year=2025/26",
        "/outcomes/impact/?format=csv",
        "/outcomes/measures/",
        f"/outcomes/measures/{programme.measures['sdq_emotional'].pk}/",
        "/outcomes/measures/new/",
        "/outcomes/school-data/",
        f"/outcomes/contracts/{programme.contract.pk}/",
        f"/outcomes/contracts/{programme.contract.pk}/edit/",
        "/outcomes/contracts/new/",
        f"/outcomes/contracts/{programme.contract.pk}/rates/new/?event=outcome",
        f"/outcomes/contracts/{programme.contract.pk}/claims/2026-01-01/",
        f"/outcomes/contracts/{programme.contract.pk}/claims/2026-01-01/?format=csv",
        f"/outcomes/children/{programme.child.pk}/",
        f"/children/{programme.child.pk}/",
    ]:
        response = lead.get(url)
        assert response.status_code == 200, (url, response.status_code)
    print(lead.get(f"/outcomes/contracts/{programme.contract.pk}/claims/2026-01-01/?format=csv").text)
    print(lead.get("/outcomes/impact/?format=csv").text[:600])
