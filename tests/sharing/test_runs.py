from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from joinedup.accounts.models import Role
from joinedup.core.models import Job
from joinedup.sharing.models import MatchPair, MatchRun, SharedCase
from joinedup.sharing.services import match_run_create, match_run_execute, pair_undo
from tests.conftest import World
from tests.factories import ChildFactory
from tests.sharing.conftest import PARTNER_HEADER, THEIR_ROWS, Sharing, agreement_make, children_make, write

EXACT = {"P001", "P002", "P003", "P004", "P005"}
TO_REVIEW = {"P006", "P012"}


def test_a_run_keeps_only_the_likely_pairs_with_only_the_agreed_fields(sharing: Sharing) -> None:
    path = sharing.partner_file()
    run = sharing.run(path)
    assert run.status == MatchRun.Status.FINISHED, run.message
    assert run.message == (
        "Matched 13 records of theirs against our 13 children: 5 confirmed automatically, 2 to review."
        # What reading their list found, said as the command line says it.
        " 4 dates of birth could be read either way round (03/02/2015); read day first, as UK lists write them."
    )
    pairs = {pair.partner_record_id: pair for pair in run.pairs.select_related("child")}
    # The partner's children we do not know are not kept at all.
    assert set(pairs) == EXACT | TO_REVIEW
    assert {pairs[id_].band for id_ in EXACT} == {MatchPair.Band.AUTO}
    assert {pairs[id_].band for id_ in TO_REVIEW} == {MatchPair.Band.REVIEW}
    assert pairs["P006"].child.forenames == "William"
    assert pairs["P006"].levels["forename"] == "nickname or other form"
    assert all(pair.match_probability >= 0.5 for pair in pairs.values())
    for pair in pairs.values():
        assert set(pair.partner_details) <= set(sharing.agreement.fields_we_receive)
    assert pairs["P001"].partner_details == {
        "record_id": "P001",
        "forenames": "Amelia",
        "surname": "Thornton",
        "date_of_birth": "03/02/2015",
        "postcode": "NW10 4AB",
    }
    # The settings and the trained model are kept to repeat the run; the file is not.
    assert run.settings_json["threshold"] == 0.5
    assert run.settings_json["one_to_one"] is True
    assert run.model_json
    assert not path.exists()
    assert run.stored_path == ""
    # Automatically confirmed pairs are shared cases at once.
    assert SharedCase.objects.filter(ended_at__isnull=True).count() == 5


def test_thresholds_are_the_run_s_own(sharing: Sharing) -> None:
    with pytest.raises(ValidationError, match="no higher than the automatic one"):
        sharing.run(auto_confirm_from=0.6, review_from=0.7)
    assert not MatchRun.objects.exists()
    run = sharing.run(auto_confirm_from=1.0)
    assert set(run.pairs.values_list("band", flat=True)) == {MatchPair.Band.REVIEW}
    assert run.pairs.count() == 7
    assert not SharedCase.objects.exists()


def test_a_column_beyond_the_agreement_is_refused_and_nothing_is_kept(sharing: Sharing) -> None:
    path = write(
        sharing.folder,
        "caseload.csv",
        "record_id,forenames,surname,date_of_birth,postcode,nhs_number,Ethnicity",
        "P001,Amelia,Thornton,03/02/2015,NW10 4AB,9434765919,White British",
    )
    with pytest.raises(ValidationError) as refused:
        match_run_create(actor=sharing.data_lead, agreement=sharing.agreement, path=path, file_name=path.name)
    message = refused.value.message_dict["file"][0]
    assert "the agreement with Brent Early Help does not let them send us" in message
    assert "‘nhs_number’ (nhs number)" in message
    assert "‘Ethnicity’" in message
    assert not path.exists()
    assert not MatchRun.objects.exists()


def test_the_file_s_own_column_names_through_a_mapping(sharing: Sharing) -> None:
    path = write(
        sharing.folder,
        "export.csv",
        "Client ID,First name,Last name,DOB,Home postcode",
        *THEIR_ROWS,
    )
    mapping = {
        "record_id": "Client ID",
        "forenames": "First name",
        "surname": "Last name",
        "date_of_birth": "DOB",
        "postcode": "Home postcode",
    }
    run = sharing.run(path, mapping=mapping)
    assert run.status == MatchRun.Status.FINISHED
    assert set(run.pairs.values_list("partner_record_id", flat=True)) == EXACT | TO_REVIEW


def test_a_file_that_cannot_be_read_is_refused_on_the_spot(sharing: Sharing) -> None:
    path = write(sharing.folder, "caseload.csv", PARTNER_HEADER, "P001,Amelia,Thornton,31/02/2015,NW10 4AB")
    with pytest.raises(ValidationError) as refused:
        match_run_create(actor=sharing.data_lead, agreement=sharing.agreement, path=path, file_name=path.name)
    assert "caseload.csv" in refused.value.messages[0]
    assert not path.exists()
    assert not MatchRun.objects.exists()


def test_a_date_of_birth_that_is_not_a_date_can_be_read_as_missing(sharing: Sharing) -> None:
    rows = [row if not row.startswith("P001,") else "P001,Amelia,Thornton,31/02/2015,NW10 4AB" for row in THEIR_ROWS]
    path = sharing.partner_file(*rows)
    client = sharing.world.client_for(Role.DATA_LEAD)
    url = f"/sharing/agreements/{sharing.agreement.pk}/match/"
    with path.open("rb") as upload:
        refused = client.post(url, {"file": upload, "auto_confirm_from": "0.99", "review_from": "0.5"})
    assert "1 date of birth is not a date (row 4: ‘31/02/2015’)" in refused.text
    assert "Or tick ‘Read a date of birth that is not a date as missing’" in refused.text
    path = sharing.partner_file(*rows)
    run = sharing.run(path, unreadable_dates_missing=True)
    assert run.status == MatchRun.Status.FINISHED
    assert run.pairs.filter(partner_record_id="P001").exists()  # found on the name and postcode alone
    assert "1 date of birth is not a date and is treated as missing." in run.message


def test_no_run_outside_an_agreement_in_force(sharing: Sharing) -> None:
    agreement = sharing.agreement
    agreement.starts_on = dt.date(2025, 3, 4)
    agreement.expires_on = dt.date(2026, 3, 3)
    agreement.save()
    path = sharing.partner_file()
    with pytest.raises(ValidationError) as refused:
        match_run_create(actor=sharing.data_lead, agreement=agreement, path=path, file_name=path.name)
    assert refused.value.messages == ["The agreement with Brent Early Help expired on 3 March 2026."]
    assert not path.exists()
    assert not MatchRun.objects.exists()


def test_a_run_whose_agreement_ends_before_it_starts_matches_nothing(sharing: Sharing) -> None:
    path = sharing.partner_file()
    run = match_run_create(actor=sharing.data_lead, agreement=sharing.agreement, path=path, file_name=path.name)
    sharing.agreement.signed_off_at = None
    sharing.agreement.save()
    run = match_run_execute(run=run)
    assert run.status == MatchRun.Status.FAILED
    assert run.message == "The agreement with Brent Early Help has not been signed off."
    assert not run.pairs.exists()
    assert not path.exists()


def test_only_the_roles_the_agreement_names_may_run_a_match(sharing: Sharing) -> None:
    path = sharing.partner_file()
    with pytest.raises(ValidationError, match="does not let your role run matches"):
        match_run_create(
            actor=sharing.world.members[Role.TEAM_MANAGER], agreement=sharing.agreement, path=path, file_name="x.csv"
        )
    assert not MatchRun.objects.exists()


def test_a_newer_list_updates_the_shared_cases_instead_of_duplicating_them(sharing: Sharing) -> None:
    first = sharing.run()
    renumbered = [row.replace("P00", "Q00", 1) for row in THEIR_ROWS]
    second = sharing.run(sharing.partner_file(*renumbered, name="caseload-december.csv"))
    assert second.status == MatchRun.Status.FINISHED
    cases = SharedCase.objects.filter(partner=sharing.partner)
    assert cases.count() == 5
    assert {case.run_id for case in cases} == {second.pk}
    assert {case.partner_record_id for case in cases} == {id_.replace("P", "Q") for id_ in EXACT}
    assert first.pairs.filter(decision=MatchPair.Decision.CONFIRMED).count() == 5  # the first run's pairs stand


def test_our_side_is_only_the_programme_s_children_in_the_borough(world: World, tmp_path: Path) -> None:
    """Another programme's children in the same borough are never matched."""
    partner = world.members[Role.PARTNER_PROFESSIONAL].organisation
    other = agreement_make(world, partner, organisation=world.other_programme)
    ours = children_make(world)  # the world's programme's, not the other's
    theirs = ChildFactory.create(
        forenames="Amelia",
        surname="Thornton",
        date_of_birth=dt.date(2015, 2, 3),
        home_postcode="NW10 4AB",
        area=world.area,
        school=world.children["other_org"].school,
        programme_organisation=world.other_programme,
    )
    path = write(tmp_path, "caseload.csv", PARTNER_HEADER, *THEIR_ROWS)
    lead = world.members[Role.DATA_LEAD]
    run = match_run_execute(run=match_run_create(actor=lead, agreement=other, path=path, file_name=path.name))
    assert run.our_rows == 2  # the other programme's children: Bilal in the world, and this Amelia
    assert list(run.pairs.values_list("child_id", flat=True)) == [theirs.pk]
    assert not run.pairs.filter(child__in=ours).exists()


@pytest.mark.django_db(transaction=True)
def test_the_upload_page_runs_the_match_in_the_background(
    sharing: Sharing, django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]]
) -> None:
    client = sharing.world.client_for(Role.DATA_LEAD)
    url = f"/sharing/agreements/{sharing.agreement.pk}/match/"
    content = "\n".join([PARTNER_HEADER + ",Ethnicity", "P001,Amelia,Thornton,03/02/2015,NW10 4AB,White"])
    bad = client.post(
        url, {"file": SimpleUploadedFile("c.csv", content.encode()), "auto_confirm_from": "0.99", "review_from": "0.5"}
    )
    assert bad.status_code == 200
    assert "does not let them send us: ‘Ethnicity’" in bad.text
    assert not MatchRun.objects.exists()
    assert not Job.objects.exists()

    content = "\n".join([PARTNER_HEADER, *THEIR_ROWS]) + "\n"
    upload: Any = SimpleUploadedFile("caseload.csv", content.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload, "auto_confirm_from": "0.99", "review_from": "0.5"})
    run = MatchRun.objects.get()
    assert response["Location"] == f"/sharing/runs/{run.pk}/"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.error
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FINISHED
    assert run.stored_path == ""
    page = client.get(f"/sharing/runs/{run.pk}/").text
    assert "5 confirmed automatically, 2 to review" in page
    progress = client.get(f"/jobs/{job.pk}/").text
    assert "Match finished" in progress
    assert f'href="/sharing/runs/{run.pk}/">See the pairs to review' in progress
    assert "William Patterson" in page


def test_a_run_that_breaks_is_recorded_as_failed_and_its_file_deleted(sharing: Sharing, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("math domain error")

    monkeypatch.setattr("joinedup.sharing.services.match", broken)
    path = sharing.partner_file()
    run = sharing.run(path)
    assert run.status == MatchRun.Status.FAILED
    assert run.message == (
        "The match could not finish because of a fault in Joinedup, and nothing was kept. Start the match again; "
        f"if it fails again, tell your administrator that match run {run.pk} failed."
    )
    assert "math domain" not in run.message
    assert not path.exists()
    assert not run.pairs.exists()


def test_a_twin_is_never_confirmed_automatically_however_high_the_score(sharing: Sharing) -> None:
    """Amelia's twin sister on their list: everything agrees but the first name. A person decides."""
    from joinedup.sharing.services import _pairs_save

    run = sharing.run(sharing.partner_file(*[row for row in THEIR_ROWS if row.startswith("P10")]))
    amelia = sharing.children[0]
    agreeing = {"surname": "the same", "dob": "the same", "postcode": "the same"}
    scored = [
        {"left_id": str(amelia.pk), "right_id": "P201", "match_probability": 0.9999, "match_weight": 20.0}
        | agreeing
        | {"forename": "different"},
        {"left_id": str(sharing.children[1].pk), "right_id": "P202", "match_probability": 0.9999, "match_weight": 20.0}
        | agreeing
        | {"forename": "the same"},
    ]
    _pairs_save(run, scored, {})

    twin, same = run.pairs.get(partner_record_id="P201"), run.pairs.get(partner_record_id="P202")
    assert (twin.band, twin.decision) == (MatchPair.Band.REVIEW, MatchPair.Decision.UNDECIDED)
    assert not SharedCase.objects.filter(child=amelia).exists()
    assert (same.band, same.decision) == (MatchPair.Band.AUTO, MatchPair.Decision.CONFIRMED)


def test_each_automatic_confirmation_is_audited_against_the_child(sharing: Sharing) -> None:
    from joinedup.audit.models import AuditAction, AuditEvent

    run = sharing.run()
    automatic = run.pairs.filter(band=MatchPair.Band.AUTO)
    events = AuditEvent.objects.filter(action=AuditAction.SHARE, record_type="sharing.match_pair")
    assert events.count() == automatic.count() == 5
    assert set(events.values_list("child_id", flat=True)) == set(automatic.values_list("child_id", flat=True))
    assert {event.user_id for event in events} == {sharing.data_lead.user_id}


def test_pairs_from_lists_too_short_to_learn_from_all_wait_for_a_person(sharing: Sharing, settings: Any) -> None:
    settings.JOINEDUP_AUTO_CONFIRM_FEWEST = 50
    run = sharing.run()
    assert run.pairs.exists()
    assert not run.pairs.filter(band=MatchPair.Band.AUTO).exists()
    assert not SharedCase.objects.exists()
    assert "Lists of fewer than 50 children give the model too little to learn from" in run.message


def test_a_review_threshold_above_the_automatic_one_is_refused_on_the_page(sharing: Sharing) -> None:
    client = sharing.world.client_for(Role.DATA_LEAD)
    with sharing.partner_file().open("rb") as upload:
        page = client.post(
            f"/sharing/agreements/{sharing.agreement.pk}/match/",
            {"file": upload, "auto_confirm_from": "0.6", "review_from": "0.9"},
        )
    assert page.status_code == 200
    assert "The review threshold must be above 0 and no higher than the automatic one" in page.text
    with sharing.partner_file().open("rb") as upload:
        page = client.post(
            f"/sharing/agreements/{sharing.agreement.pk}/match/",
            {"file": upload, "auto_confirm_from": "2", "review_from": ""},
        )
    assert "Enter the probability to confirm automatically from as a number from 0.01 to 1" in page.text
    assert "Enter the probability to review from as a number from 0.01 to 1" in page.text
    assert not MatchRun.objects.exists()


def test_keeping_a_run_s_pairs_takes_the_same_few_queries_however_many_there_are(
    sharing: Sharing, django_assert_max_num_queries: Any
) -> None:
    # Seven pairs kept (five confirmed automatically, each a shared case and an audit event): the pairs, the
    # shared cases and the audit are each written at once, not one at a time.
    path = sharing.partner_file()
    run = match_run_create(actor=sharing.data_lead, agreement=sharing.agreement, path=path, file_name=path.name)
    with django_assert_max_num_queries(20):
        run = match_run_execute(run=run)
    assert run.pairs.count() == 7
    assert SharedCase.objects.filter(partner=sharing.partner, ended_at__isnull=True).count() == 5


def test_an_undone_automatic_confirmation_waits_for_a_person_like_any_other(sharing: Sharing) -> None:
    run = sharing.run()
    pair_undo(actor=sharing.data_lead, pair=run.pairs.get(partner_record_id="P001"))
    client = sharing.world.client_for(Role.DATA_LEAD)
    listed = client.get("/sharing/agreements/").text
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in listed
    assert "3 pairs</dd>" in client.get(f"/sharing/runs/{run.pk}/").text
