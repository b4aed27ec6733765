"""The outcomes pages as the people who use them see them: a child's progress, recording and removing a reading,
the impact report and its CSV, the borough's measures, reading school data, contracts and their claims."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from joinedup.accounts.models import Organisation, Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.models import Contact
from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement, Progress, SubmittedClaim
from joinedup.outcomes.selectors import contract_periods, reference_of
from joinedup.outcomes.services import claim_submit, measure_save
from tests.outcomes.conftest import Programme, Screenings

FEB = dt.date(2026, 2, 2)


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def child_url(programme: Programme) -> str:
    return f"/outcomes/children/{programme.child.pk}/"


def claim_url(programme: Programme, slug: str = "2025-09-01") -> str:
    return f"/outcomes/contracts/{programme.contract.pk}/claims/{slug}/"


def rows_of(response: object) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# -- a child's progress ------------------------------------------------------------------------------------------


def test_the_child_page_shows_baseline_to_latest(programme: Programme) -> None:
    html = page(programme.client(Role.LINK_WORKER), child_url(programme))
    assert "Amara" in html
    assert "84.5%" in html
    assert "93.0%" in html
    assert "At risk below 90.0%" in html
    assert "No longer at risk" in html
    assert "Not set for this measure" in html  # no reliable change amount yet
    assert "Record a measurement" in html


def test_the_child_page_says_who_is_still_at_risk(programme: Programme) -> None:
    programme.record("attendance", "86", dt.date(2026, 6, 1))
    html = page(programme.client(Role.TEAM_MANAGER), child_url(programme))
    assert "Still at risk" in html
    assert "86.0%" in html


def test_the_child_page_shows_reliable_change_once_set(programme: Programme) -> None:
    attendance = programme.measures["attendance"]
    attendance.reliable_change = 5
    measure_save(actor=programme.data_lead, measure=attendance)
    html = page(programme.client(Role.LINK_WORKER), child_url(programme))
    assert "Yes, better" in html  # 84.5 to 93 is up 8.5
    assert "8.5 percentage points higher (better)" in html


def test_a_child_with_no_readings_yet(programme: Programme) -> None:
    Measurement.objects.filter(child=programme.child).delete()
    Progress.objects.filter(child=programme.child).delete()
    html = page(programme.client(Role.LINK_WORKER), child_url(programme))
    assert "No measurements have been recorded for Amara yet." in html


def test_recording_a_measurement(programme: Programme) -> None:
    client = programme.client(Role.LINK_WORKER)
    response = client.post(
        child_url(programme),
        {
            "measure": programme.measures["attendance"].pk,
            "value": "95",
            "taken_on": "1/6/2026",
            "occasion": "review",
            "note": "Summer term",
        },
        follow=True,
    )
    assert response.redirect_chain == [(child_url(programme), 302)]
    assert "Recorded Attendance: 95.0%." in response.content.decode()
    reading = Measurement.objects.get(child=programme.child, taken_on=dt.date(2026, 6, 1))
    assert (reading.value, reading.note, reading.created_by) == (95, "Summer term", programme.link_worker.user)


def test_a_refused_measurement_is_shown_against_its_field_and_nothing_is_saved(programme: Programme) -> None:
    count = Measurement.objects.count()
    response = programme.client(Role.DATA_LEAD).post(
        child_url(programme),
        {"measure": programme.measures["sdq_peer"].pk, "value": "12", "taken_on": "1/6/2026", "occasion": "review"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert "SDQ peer problems: enter a number from 0 to 10, not 12." in html
    assert "Say who answered the SDQ peer problems questionnaire" in html
    assert Measurement.objects.count() == count


def test_school_staff_see_progress_but_do_not_record(programme: Programme) -> None:
    client = programme.client(Role.SCHOOL_STAFF)
    html = page(client, child_url(programme))
    assert "93.0%" in html
    assert "Record a measurement" not in html
    assert "Remove" not in html
    count = Measurement.objects.count()
    response = client.post(
        child_url(programme),
        {"measure": programme.measures["attendance"].pk, "value": "95", "taken_on": "1/6/2026", "occasion": "review"},
    )
    assert response.status_code == 404
    assert Measurement.objects.count() == count


def test_removing_a_reading(programme: Programme) -> None:
    reading = Measurement.objects.get(child=programme.child, measure__key="attendance", taken_on=FEB)
    response = programme.client(Role.LINK_WORKER).post(f"/outcomes/measurements/{reading.pk}/remove/", follow=True)
    assert response.redirect_chain == [(child_url(programme), 302)]
    assert "Removed the Attendance reading of 2 February 2026." in response.content.decode()
    assert not Measurement.objects.filter(pk=reading.pk).exists()
    assert Progress.objects.get(child=programme.child, measure__key="attendance").latest_on is None


def test_the_childs_record_summarises_progress(programme: Programme) -> None:
    html = page(programme.client(Role.LINK_WORKER), f"/children/{programme.child.pk}/")
    assert "See progress and every measurement" in html
    assert "No longer at risk" in html


# -- the impact report -------------------------------------------------------------------------------------------


def test_the_impact_report_opens_for_each_reader_and_is_audited(programme: Programme) -> None:
    for role in (Role.TEAM_MANAGER, Role.DATA_LEAD, Role.COMMISSIONER):
        for query in ("?by=school", "?by=partner", "?by=school&year=2025/26", "?by=cohort"):
            html = page(programme.client(role), f"/outcomes/impact/{query}")
            assert "children enrolled" in html
            assert "Amara" not in html
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.record_type, event.record_id) == ("view", "outcomes.impact", "cohort:all")


def test_the_impact_report_shows_one_child_as_under_five(programme: Programme) -> None:
    html = page(programme.client(Role.COMMISSIONER), "/outcomes/impact/")
    assert "&lt;5" in html
    assert "Harrow Road Primary" in html


def test_a_cohort_year_with_no_children_sends_back_to_the_report(programme: Programme) -> None:
    response = programme.client(Role.DATA_LEAD).get("/outcomes/impact/?year=2019/20", follow=True)
    assert response.redirect_chain == [("/outcomes/impact/", 302)]
    assert "No children started in 2019/20: choose a cohort year from the list." in response.content.decode()


def test_the_impact_csv_neutralises_formulas(programme: Programme) -> None:
    Organisation.objects.filter(pk=programme.world.school.pk).update(name="=cmd|' /C calc'!A0")
    Measure.objects.filter(pk=programme.measures["attendance"].pk).update(name="@SUM(1+1)")
    response = programme.client(Role.COMMISSIONER).get("/outcomes/impact/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="impact-school-all-years.csv"'
    rows = rows_of(response)
    cells = [cell for row in rows for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1): measured again" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)
    assert not any("Amara" in cell for cell in cells)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.action == "export"


def test_the_impact_report_shows_the_comparison_group(screenings: Screenings) -> None:
    client = screenings.world.client_for(Role.DATA_LEAD)
    assert "There is no comparison yet" in page(client, "/outcomes/impact/")
    client.post("/outcomes/school-data/", {"school_year": screenings.this})
    html = page(client, "/outcomes/impact/")
    assert "Screened, not enrolled: no longer at risk" in html
    assert "There is no comparison yet" not in html


# -- measures ----------------------------------------------------------------------------------------------------


def measure_form(measure: Measure, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": measure.name,
        "key": measure.key,
        "kind": measure.kind,
        "scale": measure.scale,
        "threshold": "" if measure.threshold is None else measure.threshold,
        "reliable_change": "" if measure.reliable_change is None else measure.reliable_change,
        "reliable_change_source": measure.reliable_change_source,
        "minimum": "" if measure.minimum is None else measure.minimum,
        "maximum": "" if measure.maximum is None else measure.maximum,
        "active": "on",
    }
    if measure.higher_is_better:
        data["higher_is_better"] = "on"
    return data | changes


def test_the_measures_list(programme: Programme) -> None:
    html = page(programme.client(Role.TEAM_MANAGER), "/outcomes/measures/")
    assert "At risk below 90.0%" in html
    assert "At risk at 5 or more (teacher), 5 or more (parent), 6 or more (pupil)" in html
    assert "Add a measure of your own" not in html  # the team manager reads; the data lead keeps
    assert "Add a measure of your own" in page(programme.client(Role.DATA_LEAD), "/outcomes/measures/")


def test_changing_a_threshold_on_the_page(programme: Programme) -> None:
    attendance = programme.measures["attendance"]
    response = programme.client(Role.DATA_LEAD).post(
        f"/outcomes/measures/{attendance.pk}/", measure_form(attendance, threshold="95"), follow=True
    )
    assert response.redirect_chain == [("/outcomes/measures/", 302)]
    assert "Saved Attendance. Every child&#x27;s progress on it has been worked out again." in response.content.decode()
    assert Progress.objects.get(child=programme.child, measure=attendance).latest_at_risk is True


def test_changing_an_sdq_measures_thresholds_for_each_respondent(programme: Programme) -> None:
    sdq = programme.measures["sdq_emotional"]
    response = programme.client(Role.DATA_LEAD).post(
        f"/outcomes/measures/{sdq.pk}/", measure_form(sdq, teacher="8", parent="5", pupil="6")
    )
    assert response.status_code == 302
    sdq.refresh_from_db()
    assert sdq.thresholds_by_respondent == {"teacher": 8.0, "parent": 5.0, "pupil": 6.0}
    assert Progress.objects.get(child=programme.child, measure=sdq).baseline_at_risk is False


def test_a_measure_refused_shows_why_and_is_not_changed(programme: Programme) -> None:
    attendance = programme.measures["attendance"]
    response = programme.client(Role.DATA_LEAD).post(
        f"/outcomes/measures/{attendance.pk}/", measure_form(attendance, minimum="100", maximum="0", threshold="80")
    )
    assert response.status_code == 200
    assert "Enter a highest value above the lowest." in response.content.decode()
    attendance.refresh_from_db()
    assert (attendance.minimum, attendance.maximum, attendance.threshold) == (0, 100, 90)


def test_adding_a_measure_of_the_boroughs_own(programme: Programme) -> None:
    response = programme.client(Role.DATA_LEAD).post(
        "/outcomes/measures/new/",
        {"name": "Lateness", "key": "lateness", "kind": "custom", "scale": "score", "threshold": "5", "minimum": "0"},
    )
    assert response.status_code == 302
    made = Measure.objects.get(area=programme.world.area, key="lateness")
    assert (made.higher_is_better, made.active, made.changed_by) == (False, False, programme.data_lead.user)


def test_another_boroughs_measure_is_not_found(programme: Programme) -> None:
    from joinedup.outcomes.services import measures_ensure

    far = measures_ensure(programme.world.other_area)[0]
    page(programme.client(Role.DATA_LEAD), f"/outcomes/measures/{far.pk}/", 404)


# -- reading school data -----------------------------------------------------------------------------------------


def test_reading_a_years_school_data_on_the_page(screenings: Screenings) -> None:
    client = screenings.world.client_for(Role.DATA_LEAD)
    html = page(client, "/outcomes/school-data/")
    assert f'<option value="{screenings.this}">' in html
    response = client.post("/outcomes/school-data/", {"school_year": screenings.this})
    html = response.content.decode()
    assert f"School data for {screenings.this} read" in html
    assert "4 readings for 2 children" in html
    assert "Pupils in the comparison group (screened the year before, not enrolled, in this year's data): 2." in html


def test_a_year_not_imported_is_refused_on_the_page(screenings: Screenings) -> None:
    count = Measurement.objects.count()
    response = screenings.world.client_for(Role.DATA_LEAD).post("/outcomes/school-data/", {"school_year": "1999/00"})
    assert "Choose a school year whose school data has been imported." in response.content.decode()
    assert Measurement.objects.count() == count


# -- contracts and claims ----------------------------------------------------------------------------------------


def test_the_outcomes_home_lists_contracts_and_what_each_role_may_do(programme: Programme) -> None:
    lead = page(programme.client(Role.DATA_LEAD), "/outcomes/")
    assert "Brent Life Chances" in lead
    assert "Set up an outcomes contract" in lead
    assert "Measures" in lead
    commissioner = page(programme.client(Role.COMMISSIONER), "/outcomes/")
    assert "Brent Life Chances" in commissioner
    assert "Set up an outcomes contract" not in commissioner
    assert "/outcomes/measures/" not in commissioner


def test_setting_up_a_contract(programme: Programme) -> None:
    response = programme.client(Role.DATA_LEAD).post(
        "/outcomes/contracts/new/",
        {
            "name": "Attendance bond",
            "funder": "A school trust",
            "starts_on": "1/9/2026",
            "ends_on": "31/8/2027",
            "engagement_contacts": "5",
            "engagement_attendance": "80",
        },
    )
    made = Contract.objects.get(name="Attendance bond")
    assert response["Location"] == f"/outcomes/contracts/{made.pk}/"
    assert (made.area, made.engagement_contacts) == (programme.world.area, 5)


def test_a_contract_ending_before_it_starts_is_refused_on_the_page(programme: Programme) -> None:
    response = programme.client(Role.DATA_LEAD).post(
        f"/outcomes/contracts/{programme.contract.pk}/edit/",
        {
            "name": "Brent Life Chances",
            "funder": "Brent Council",
            "starts_on": "1/9/2025",
            "ends_on": "1/8/2025",
            "engagement_contacts": "6",
            "engagement_attendance": "75",
        },
    )
    assert "The contract must end after it starts." in response.content.decode()
    programme.contract.refresh_from_db()
    assert programme.contract.ends_on == dt.date(2028, 8, 31)


def test_the_contract_page_lists_its_rates_and_the_claims_so_far(programme: Programme) -> None:
    html = page(programme.client(Role.COMMISSIONER), f"/outcomes/contracts/{programme.contract.pk}/")
    assert "Outcome: no longer at risk" in html
    assert "£1,200.00" in html
    assert claim_url(programme) in html
    today = dt.date.today()
    future = f"{today.year + 1}-09-01"
    assert future not in html
    assert "Change the contract" not in html  # the commissioner reads only


def test_adding_changing_and_removing_a_rate(programme: Programme) -> None:
    client = programme.client(Role.DATA_LEAD)
    contract = programme.contract
    form = page(client, f"/outcomes/contracts/{contract.pk}/rates/new/?event=outcome")
    assert "The baseline reading at risk and the later reading no longer at risk" in form
    refused = client.post(
        f"/outcomes/contracts/{contract.pk}/rates/new/",
        {"event": "outcome", "price": "900", "per_child": "1", "evidence": "Data"},
    )
    assert "Choose the measure this outcome is paid on." in refused.content.decode()
    maths = programme.measures["maths"]
    made = client.post(
        f"/outcomes/contracts/{contract.pk}/rates/new/",
        {"event": "outcome", "measure": maths.pk, "price": "900", "per_child": "1", "evidence": "Data"},
    )
    assert made.status_code == 302
    rate = ContractRate.objects.get(contract=contract, measure=maths)
    changed = client.post(
        f"/outcomes/contracts/{contract.pk}/rates/{rate.pk}/",
        {"event": "outcome", "measure": maths.pk, "price": "950", "per_child": "2", "evidence": "Data"},
    )
    assert changed.status_code == 302
    rate.refresh_from_db()
    assert (rate.price, rate.per_child) == (Decimal("950"), 2)
    removed = client.post(f"/outcomes/contracts/{contract.pk}/rates/{rate.pk}/remove/")
    assert removed["Location"] == f"/outcomes/contracts/{contract.pk}/"
    assert not ContractRate.objects.filter(pk=rate.pk).exists()


def test_the_claim_page(programme: Programme) -> None:
    for day in range(6):
        Contact.objects.create(enrolment=programme.enrolment, kind="phone", happened_on=dt.date(2025, 10, 1 + day))
    html = page(programme.client(Role.TEAM_MANAGER), claim_url(programme))
    assert "Claim for Autumn 2025" in html
    assert reference_of(programme.enrolment.pk) in html
    assert "£800" in html  # the sign-up and the term's engagement
    # The programme's own people follow the number to the child's outcomes.
    assert child_url(programme) in html


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.DATA_LEAD, Role.COMMISSIONER])
def test_a_claim_never_names_a_child(programme: Programme, role: Role) -> None:
    client = programme.client(role)
    child = programme.child
    for url in (claim_url(programme), claim_url(programme, "2026-01-01")):
        for content in (page(client, url), client.get(f"{url}?format=csv").content.decode()):
            assert child.forenames not in content
            assert child.surname not in content
            assert child.date_of_birth.strftime("%-d %B %Y") not in content
    if role == Role.COMMISSIONER:
        assert child_url(programme) not in page(client, claim_url(programme))


def test_the_claim_csv_lists_each_event_and_neutralises_formulas(programme: Programme) -> None:
    Measure.objects.filter(pk=programme.measures["attendance"].pk).update(name="=1+1")
    response = programme.client(Role.COMMISSIONER).get(f"{claim_url(programme, '2026-01-01')}?format=csv")
    assert response["Content-Disposition"] == (f'attachment; filename="claim-{programme.contract.pk}-2026-01-01.csv"')
    header, *lines = rows_of(response)
    assert header[:4] == ["Reference", "Event", "Measure", "Date"]
    (outcome,) = lines
    assert outcome[:7] == [
        reference_of(programme.enrolment.pk),
        "Outcome: no longer at risk",
        "attendance",
        "2026-02-02",
        "yes",
        "1200.00",
        "",
    ]
    assert outcome[7].startswith("'=1+1 at baseline: 84.5%")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.action, event.record_type) == ("export", "outcomes.claim")


def test_a_claim_for_a_term_not_begun_or_not_in_the_contract_is_not_found(programme: Programme) -> None:
    client = programme.client(Role.DATA_LEAD)
    future = next(period.slug for period in contract_periods(programme.contract) if period.starts > dt.date.today())
    page(client, claim_url(programme, future), 404)
    page(client, claim_url(programme, "2025-09-02"), 404)


def test_enrolling_a_child_again_is_not_paid_as_a_second_sign_up(programme: Programme) -> None:
    """Each claim names the child by their newest enrolment by then, and the second sign-up is held back."""
    from joinedup.cases.models import Enrolment
    from tests.factories import EnrolmentFactory

    first = programme.enrolment
    Enrolment.objects.filter(pk=first.pk).update(stage="closed", closed_on=dt.date(2026, 1, 31))
    again = EnrolmentFactory.create(child=programme.child, start_date=dt.date(2026, 4, 20))
    autumn = page(programme.client(Role.TEAM_MANAGER), claim_url(programme))
    assert reference_of(first.pk) in autumn
    assert child_url(programme) in autumn
    summer = page(programme.client(Role.TEAM_MANAGER), claim_url(programme, "2026-04-01"))
    assert reference_of(again.pk) in summer
    assert child_url(programme) in summer
    assert "Already paid once for this child (limit 1)" in summer


def test_a_measures_short_name_in_the_claim_csv_cannot_run_as_a_formula(programme: Programme) -> None:
    Measure.objects.filter(pk=programme.measures["attendance"].pk).update(key="-2-3")
    response = programme.client(Role.COMMISSIONER).get(f"{claim_url(programme, '2026-01-01')}?format=csv")
    (_header, outcome) = rows_of(response)
    assert outcome[2] == "'-2-3"


def test_a_claim_sent_to_the_funder_is_kept_as_it_was_sent(programme: Programme) -> None:
    lead = programme.client(Role.DATA_LEAD)
    url = f"/outcomes/contracts/{programme.contract.pk}/claims/2026-01-01/"
    assert "Record the claim as sent to Brent Council" in page(lead, url)
    response = lead.post(url + "submit/")
    assert response.status_code == 302
    assert "recorded as sent: £1,200.00" in page(lead, url)
    # Raising the attendance threshold after sending leaves the sent claim as it was, and says the records differ.
    attendance = programme.measures["attendance"]
    attendance.threshold = 95
    measure_save(actor=programme.data_lead, measure=attendance)
    html = page(programme.client(Role.COMMISSIONER), url)
    assert "this is the claim as it was sent" in html
    assert "£1,200.00" in html
    assert "The records as they are today would give £0.00" in html
    # Once only.
    lead.post(url + "submit/")
    assert "The claim for Spring 2026 has already been sent." in page(lead, url)
    assert SubmittedClaim.objects.count() == 1


def test_a_claim_is_sent_only_by_the_data_lead_once_its_term_has_ended(programme: Programme) -> None:
    url = f"/outcomes/contracts/{programme.contract.pk}/claims/2026-01-01/"
    assert "Record the claim as sent" not in page(programme.client(Role.TEAM_MANAGER), url)
    assert programme.client(Role.COMMISSIONER).post(url + "submit/").status_code == 403
    term = next(item for item in contract_periods(programme.contract) if item.starts <= dt.date.today() <= item.ends)
    with pytest.raises(ValidationError, match="has not ended"):
        claim_submit(actor=programme.data_lead, contract=programme.contract, period=term)
    assert not SubmittedClaim.objects.exists()


def test_a_second_reading_on_the_same_day_says_what_it_replaced(programme: Programme) -> None:
    client = programme.client(Role.LINK_WORKER)
    form = {
        "measure": programme.measures["maths"].pk,
        "value": "Working towards expected",
        "respondent": "",
        "taken_on": "2/3/2026",
        "occasion": "review",
        "note": "",
    }
    client.post(f"/outcomes/children/{programme.child.pk}/", form)
    response = client.post(f"/outcomes/children/{programme.child.pk}/", {**form, "value": "At expected"}, follow=True)
    assert (
        "Replaced the Maths reading of 2 March 2026: it was working towards expected, it is now at expected."
        in response.text
    )


def test_the_impact_csv_says_n_a_where_a_measure_has_no_threshold_or_reliable_change(programme: Programme) -> None:
    text = programme.client(Role.COMMISSIONER).get("/outcomes/impact/?format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(text)))[2:]
    header, total = rows[0], rows[-1]
    cell = dict(zip(header, total, strict=True))
    assert cell["Stirling Children's Wellbeing Scale: at risk at baseline"] == "n/a"
    assert cell["Attendance: reliably improved"] == "n/a"  # no reliable change amount set
    assert cell["Attendance: at risk at baseline"] == "<5"  # one child: a real count, kept small
