"""The personalised support plan pages: goals, actions, the family's words, reviews, history and the family's copy."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.models import (
    CaseSettings,
    Contact,
    Enrolment,
    Goal,
    GoalProgress,
    Plan,
    PlanAction,
    PlanReview,
    PlanVersion,
)
from joinedup.cases.plans import action_add, goal_add, plan_start
from tests.conftest import World
from tests.factories import EnrolmentFactory

TODAY = date.today()
STARTED = TODAY - timedelta(days=120)


def enrolled(world: World, scope: str = "own", *, plan: bool = True) -> Enrolment:
    """The scope's child on the programme since four months ago, at risk in attendance, maths and behaviour."""
    child = world.children[scope]
    assert child.link_worker is not None
    enrolment = EnrolmentFactory.create(
        child=child,
        start_date=STARTED,
        stage=Enrolment.Stage.ACTIVE_PLAN,
        at_risk_domains=["attendance", "maths", "behaviour"],
    )
    if plan:
        plan_start(actor=world.members[Role.LINK_WORKER], enrolment=enrolment)
    return enrolment


def plan_of(enrolment: Enrolment) -> Plan:
    return Plan.objects.get(enrolment=enrolment)


def with_goal(world: World, enrolment: Enrolment, text: str = "Get to school on time every day") -> Goal:
    plan = plan_of(enrolment)
    return goal_add(
        actor=world.members[Role.LINK_WORKER],
        plan=plan,
        seen_version=plan.version,
        domain="attendance",
        goal=text,
        success="On time four days out of five for a month",
    )


def url(enrolment: Enrolment, rest: str = "") -> str:
    return f"/children/{enrolment.child_id}/plan/{rest}"


def hidden_version(page: str) -> int:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "The form carries no plan version."
    return int(found.group(1))


def error_summary(page: str) -> str:
    start = page.index('class="govuk-error-summary"')
    return page[start : page.index("</ul>", start)]


def test_a_link_worker_adds_a_goal_and_an_action_and_marks_it_done(world: World) -> None:
    enrolment = enrolled(world)
    client = world.client_for(Role.LINK_WORKER)
    page = client.get(url(enrolment)).text
    # Each area at risk that is a need gets a button once (maths is attainment); behaviour is named.
    assert "Add a goal for attendance" in page
    assert "Add a goal for attainment, english and maths" in page
    assert "Also found: behaviour" in page
    assert "Version 1, last changed by Link Worker" in page

    form = client.get(url(enrolment, "goals/new/"), {"domain": "attendance"}).text
    assert '<option value="attendance" selected>' in form
    response = client.post(
        url(enrolment, "goals/new/"),
        {
            "version": hidden_version(form),
            "domain": "attendance",
            "goal": "Get to school on time every day",
            "success": "On time four days out of five for a month",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    goal = Goal.objects.get()
    assert response["Location"] == f"{url(enrolment)}#goal-{goal.pk}"
    page = client.get(url(enrolment)).text
    assert "Get to school on time every day" in page
    assert "Add a goal for attendance" not in page
    assert "Add a goal for attainment, english and maths" in page

    form = client.get(url(enrolment, f"goals/{goal.pk}/actions/new/")).text
    due = TODAY - timedelta(days=3)
    response = client.post(
        url(enrolment, f"goals/{goal.pk}/actions/new/"),
        {
            "version": hidden_version(form),
            "action": "Morning routine chart with mum",
            "owner": "family",
            "owner_name": "Ngozi",
            "due_on": due.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    action = PlanAction.objects.get()
    assert (action.goal, action.owner, action.due_on, action.done_on) == (goal, "family", due, None)
    page = client.get(url(enrolment)).text
    assert "Morning routine chart with mum" in page
    assert 'govuk-tag--red">Overdue' in page

    # "Mark done" opens the action with the box ticked and today's date.
    form = client.get(url(enrolment, f"actions/{action.pk}/"), {"done": "1"}).text
    assert re.search(r'name="done"[^>]*checked', form)
    assert f'value="{TODAY:%d/%m/%Y}"' in form
    response = client.post(
        url(enrolment, f"actions/{action.pk}/"),
        {
            "version": hidden_version(form),
            "action": "Morning routine chart with mum",
            "owner": "family",
            "owner_name": "Ngozi",
            "due_on": due.strftime("%d/%m/%Y"),
            "done": "on",
            "done_on": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    action.refresh_from_db()
    assert action.done_on == TODAY
    assert "Overdue" not in client.get(url(enrolment)).text
    plan = plan_of(enrolment)
    assert plan.version == 4
    assert list(plan.versions.values_list("summary", flat=True))[:3] == [
        "Action done: Morning routine chart with mum",
        "Action added: Morning routine chart with mum",
        "Goal added: Get to school on time every day",
    ]
    assert AuditEvent.objects.filter(record_type="plan", child_id=enrolment.child_id).count() == 3


def test_the_family_words_are_kept_and_shown_first_on_the_plan(world: World) -> None:
    enrolment = enrolled(world)
    client = world.client_for(Role.TEAM_MANAGER)
    form = client.get(url(enrolment, "family-words/")).text
    words = "Amara wants to see her friends at school.\nMum wants mornings to be calmer."
    response = client.post(url(enrolment, "family-words/"), {"version": hidden_version(form), "words": words})
    assert response.status_code == 302
    assert plan_of(enrolment).family_words == words
    assert "Mum wants mornings to be calmer." in client.get(url(enrolment)).text


def test_a_plan_is_started_for_an_enrolment_that_has_none_by_those_who_work_the_case(world: World) -> None:
    enrolment = enrolled(world, plan=False)
    school = world.client_for(Role.SCHOOL_STAFF).get(url(enrolment))
    assert school.status_code == 200
    assert "The plan has not been started yet" in school.text
    assert not Plan.objects.exists()  # looking does not write
    page = world.client_for(Role.LINK_WORKER).get(url(enrolment)).text
    plan = plan_of(enrolment)
    assert (plan.version, plan.versions.count()) == (1, 1)
    assert "Add a goal for attendance" in page


def test_two_people_change_the_same_plan_and_the_second_is_told_nothing_was_saved(world: World) -> None:
    enrolment = enrolled(world)
    goal = with_goal(world, enrolment)
    worker = world.client_for(Role.LINK_WORKER)
    manager = world.client_for(Role.TEAM_MANAGER)
    edit = url(enrolment, f"goals/{goal.pk}/")
    seen = hidden_version(worker.get(edit).text)
    assert hidden_version(manager.get(edit).text) == seen

    first = worker.post(
        edit, {"version": seen, "goal": "Get to school by 8.45", "success": goal.success, "status": "active"}
    )
    assert first.status_code == 302
    second = manager.post(
        edit, {"version": seen, "goal": "Walk to school with a friend", "success": goal.success, "status": "active"}
    )
    assert second.status_code == 200
    summary = error_summary(second.text)
    assert "Link Worker changed this plan at" in summary
    assert "Goal reworded: Get to school by 8.45" in summary
    assert "Your change was not saved" in summary
    # Their answers are kept, the goal as it is now is shown, and the form now carries the current version.
    assert "Walk to school with a friend</textarea>" in second.text
    assert "The goal now reads: “Get to school by 8.45”" in second.text
    assert hidden_version(second.text) == seen + 1
    goal.refresh_from_db()
    assert goal.goal == "Get to school by 8.45"
    assert plan_of(enrolment).version == seen + 1

    # Having checked, they save again.
    again = manager.post(
        edit,
        {
            "version": hidden_version(second.text),
            "goal": "Walk to school with a friend",
            "success": goal.success,
            "status": "active",
        },
    )
    assert again.status_code == 302
    goal.refresh_from_db()
    assert goal.goal == "Walk to school with a friend"


def test_a_goal_added_from_an_out_of_date_form_is_refused(world: World) -> None:
    enrolment = enrolled(world)
    worker = world.client_for(Role.LINK_WORKER)
    manager = world.client_for(Role.TEAM_MANAGER)
    seen = hidden_version(worker.get(url(enrolment, "goals/new/")).text)
    hidden_version(manager.get(url(enrolment, "goals/new/")).text)
    body = {"version": seen, "domain": "attendance", "goal": "On time", "success": "Four days in five"}
    assert worker.post(url(enrolment, "goals/new/"), body).status_code == 302
    refused = manager.post(url(enrolment, "goals/new/"), {**body, "goal": "Fewer late marks"})
    assert refused.status_code == 200
    assert "Your change was not saved" in error_summary(refused.text)
    assert "See the plan as it is now" in refused.text
    assert list(Goal.objects.values_list("goal", flat=True)) == ["On time"]


def test_bad_answers_get_specific_errors_and_change_nothing(world: World) -> None:
    enrolment = enrolled(world)
    goal = with_goal(world, enrolment)
    client = world.client_for(Role.LINK_WORKER)
    plan = plan_of(enrolment)
    before = (plan.version, PlanVersion.objects.count(), Goal.objects.count(), PlanAction.objects.count())

    blank = client.post(
        url(enrolment, "goals/new/"), {"version": plan.version, "domain": "health", "goal": "  ", "success": "x"}
    )
    assert blank.status_code == 200
    assert blank.context["form"].errors["goal"] == ["Say what the child and family want to change."]
    assert "There is a problem" in blank.text
    assert 'href="#id_goal"' in error_summary(blank.text)
    unversioned = client.post(url(enrolment, "goals/new/"), {"domain": "health", "goal": "On time", "success": "x"})
    assert "Open the plan again, then make your change." in error_summary(unversioned.text)
    no_area = client.post(url(enrolment, "goals/new/"), {"version": plan.version, "goal": "On time", "success": "x"})
    assert no_area.context["form"].errors["domain"] == ["Choose the area of the child's life this goal is about."]

    early = client.post(
        url(enrolment, f"goals/{goal.pk}/actions/new/"),
        {
            "version": plan.version,
            "action": "Call the attendance officer",
            "owner": "link_worker",
            "due_on": (STARTED - timedelta(days=1)).strftime("%d/%m/%Y"),
        },
    )
    assert early.context["form"].errors["due_on"] == ["The due date is before the child's enrolment started."]
    nobody = client.post(url(enrolment, f"goals/{goal.pk}/actions/new/"), {"version": plan.version, "action": "x"})
    assert nobody.context["form"].errors["owner"] == ["Choose who will do it."]
    garbled = client.post(
        url(enrolment, f"goals/{goal.pk}/actions/new/"),
        {"version": plan.version, "action": "x", "owner": "school", "due_on": "next week"},
    )
    assert garbled.context["form"].errors["due_on"] == ["Enter a real date as day, month and year, like 27/3/2026"]

    future = client.post(
        url(enrolment, "review/"),
        {
            "version": plan.version,
            "reviewed_on": (TODAY + timedelta(days=2)).strftime("%d/%m/%Y"),
            "summary": "Going well",
            f"rating_{goal.pk}": "some",
        },
    )
    assert future.context["form"].errors["reviewed_on"] == ["The date of the review cannot be in the future."]
    unrated = client.post(
        url(enrolment, "review/"),
        {"version": plan.version, "reviewed_on": TODAY.strftime("%d/%m/%Y"), "summary": ""},
    )
    errors = unrated.context["form"].errors
    assert errors[f"rating_{goal.pk}"] == ["Say how this goal is going: Get to school on time every day"]
    assert f'href="#id_rating_{goal.pk}_0"' in unrated.text  # the summary's link lands on the first option

    unchanged = client.post(
        url(enrolment, f"goals/{goal.pk}/"),
        {"version": plan.version, "goal": goal.goal, "success": goal.success, "status": goal.status},
    )
    assert "Nothing was changed." in error_summary(unchanged.text)

    plan.refresh_from_db()
    after = (plan.version, PlanVersion.objects.count(), Goal.objects.count(), PlanAction.objects.count())
    assert after == before
    assert not PlanReview.objects.exists()


def test_a_review_records_progress_and_marks_achieved_goals(world: World) -> None:
    enrolment = enrolled(world)
    CaseSettings.objects.create(area=world.area, review_every_weeks=6)
    on_time = with_goal(world, enrolment)
    friends = with_goal(world, enrolment, "Make a friend in class")
    client = world.client_for(Role.LINK_WORKER)
    form = client.get(url(enrolment, "review/")).text
    assert f'value="{TODAY + timedelta(weeks=6):%d/%m/%Y}"' in form  # the borough's cadence
    assert "Things are harder" in form
    assert "Make a friend in class" in form
    response = client.post(
        url(enrolment, "review/"),
        {
            "version": hidden_version(form),
            "reviewed_on": TODAY.strftime("%d/%m/%Y"),
            "attendees": "Amara, her mum",
            "summary": "Mornings are much better.",
            "next_steps": "Keep the chart going.",
            "next_review_on": (TODAY + timedelta(weeks=6)).strftime("%d/%m/%Y"),
            f"rating_{on_time.pk}": "achieved",
            f"note_{on_time.pk}": "On time every day for a month",
            f"rating_{friends.pk}": "some",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    on_time.refresh_from_db()
    friends.refresh_from_db()
    assert (on_time.status, friends.status) == ("achieved", "active")
    review = PlanReview.objects.get()
    assert sorted(review.progress.values_list("goal__goal", "rating")) == [
        ("Get to school on time every day", "achieved"),
        ("Make a friend in class", "some"),
    ]
    assert plan_of(enrolment).next_review_on == TODAY + timedelta(weeks=6)
    page = client.get(url(enrolment)).text
    assert "Goals achieved" in page
    history = client.get(url(enrolment, "history/")).text
    assert "Mornings are much better." in history
    assert "On time every day for a month" in history
    assert "Some progress" in history


def test_the_history_lists_every_version_and_shows_the_plan_as_it_stood(world: World) -> None:
    enrolment = enrolled(world)
    goal = with_goal(world, enrolment, "Read every evening")
    client = world.client_for(Role.LINK_WORKER)
    plan = plan_of(enrolment)
    client.post(
        url(enrolment, f"goals/{goal.pk}/"),
        {"version": plan.version, "goal": "Read with mum every evening", "success": goal.success, "status": "active"},
    )
    history = client.get(url(enrolment, "history/")).text
    numbers = [int(n) for n in re.findall(r">Version (\d+)</a>", history)]
    assert numbers == [3, 2, 1]
    assert "Goal reworded: Read with mum every evening" in history
    old = client.get(url(enrolment, "history/2/")).text
    assert "Read every evening" in old
    assert "Read with mum every evening" not in old
    assert "See the plan as it is now" in old
    assert client.get(url(enrolment, "history/9/")).status_code == 404
    # Those who may see the child may read the history, not only those who change the plan.
    assert world.client_for(Role.SCHOOL_STAFF).get(url(enrolment, "history/2/")).status_code == 200


def test_the_familys_copy_is_in_plain_words_with_nothing_internal(world: World) -> None:
    enrolment = enrolled(world)
    plan = plan_of(enrolment)
    worker = world.members[Role.LINK_WORKER]
    from joinedup.cases.plans import family_words_set

    family_words_set(actor=worker, plan=plan, seen_version=plan.version, words="We want mornings to be calmer.")
    goal = with_goal(world, enrolment)
    plan.refresh_from_db()
    action_add(
        actor=worker,
        goal=goal,
        seen_version=plan.version,
        action="Phone school about the late gate",
        owner="link_worker",
        due_on=TODAY + timedelta(days=14),
    )
    Contact.objects.create(
        enrolment=enrolment, kind="one_to_one", happened_on=TODAY, notes="Private case note about dad"
    )
    page = world.client_for(Role.LINK_WORKER).get(url(enrolment, "print/")).text
    main = page[page.index('id="main-content"') :]
    assert main.index("We want mornings to be calmer.") < main.index("What we want to change")
    for words in ("What we want to change", "How we’ll know it’s working", "Who will do what, and by when"):
        assert words in main
    assert "Going to school every day" in main  # the need, as families say it
    assert "Link Worker (Link Worker):</span> Phone school about the late gate" in main  # their name, then who
    assert f"by {TODAY + timedelta(days=14):%-d %B %Y}" in main
    assert "Print this page" in main
    for internal in (
        "Private case note",
        "intervention",
        "at risk",
        "identification",
        "Identification",
        "threshold",
        "Version",
        "behaviour",
        "Attendance",
    ):
        assert internal not in main, f"The family's copy says {internal!r}"


def test_a_closed_enrolments_plan_is_a_record_only(world: World) -> None:
    enrolment = enrolled(world)
    goal = with_goal(world, enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(stage=Enrolment.Stage.CLOSED, closed_on=TODAY)
    client = world.client_for(Role.LINK_WORKER)
    page = client.get(url(enrolment)).text
    assert "This plan is a record and cannot change." in page
    assert "Get to school on time every day" in page
    assert "Add a goal" not in page
    assert "Change the goal" not in page
    refused = client.post(url(enrolment, f"goals/{goal.pk}/"), {"version": 2, "goal": "x", "success": "y"})
    assert refused.status_code == 302
    assert refused["Location"] == url(enrolment)
    goal.refresh_from_db()
    assert goal.goal == "Get to school on time every day"


@pytest.mark.parametrize("role", [Role.DATA_LEAD, Role.SCHOOL_STAFF])
def test_those_who_may_see_the_child_read_the_plan_but_cannot_change_it(world: World, role: Role) -> None:
    enrolment = enrolled(world)
    goal = with_goal(world, enrolment)
    client = world.client_for(role)
    page = client.get(url(enrolment))
    assert page.status_code == 200
    assert "Get to school on time every day" in page.text
    assert "Change the goal" not in page.text
    assert "Review the plan" not in page.text
    for rest in ("goals/new/", f"goals/{goal.pk}/", f"goals/{goal.pk}/actions/new/", "family-words/", "review/"):
        assert client.get(url(enrolment, rest)).status_code == 403
    assert client.post(url(enrolment, "goals/new/"), {"version": 2, "goal": "x"}).status_code == 403
    assert Goal.objects.count() == 1


@pytest.mark.parametrize("scope", ["other_org", "other_area"])
def test_another_programme_or_borough_cannot_see_or_change_the_plan(world: World, scope: str) -> None:
    enrolment = enrolled(world, scope)
    goal = Goal.objects.create(plan=plan_of(enrolment), domain="attendance", goal="Private goal", success="x")
    for role in (Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD):
        client = world.client_for(role)
        for rest in ("", "history/", "history/1/", "print/", f"goals/{goal.pk}/"):
            response = client.get(url(enrolment, rest))
            # A data lead is refused changing any plan (403) before the child is looked for.
            assert response.status_code == (403 if role == Role.DATA_LEAD and rest.startswith("goals") else 404)
            assert "Private goal" not in response.text


def test_a_goal_of_another_childs_plan_is_not_found(world: World) -> None:
    own = enrolled(world)
    other = enrolled(world, "other_org")
    foreign = Goal.objects.create(plan=plan_of(other), domain="attendance", goal="Theirs", success="x")
    client = world.client_for(Role.TEAM_MANAGER)
    assert client.get(url(own, f"goals/{foreign.pk}/")).status_code == 404
    assert client.get(url(own, f"goals/{foreign.pk}/actions/new/")).status_code == 404


def test_every_plan_page_is_audited(world: World) -> None:
    enrolment = enrolled(world)
    client = world.client_for(Role.SCHOOL_STAFF)
    for rest in ("", "history/", "history/1/", "print/"):
        before = AuditEvent.objects.filter(record_type="child", child_id=enrolment.child_id).count()
        assert client.get(url(enrolment, rest)).status_code == 200
        after = AuditEvent.objects.filter(record_type="child", child_id=enrolment.child_id).count()
        assert after == before + 1, rest


def grow(world: World, enrolment: Enrolment, goals: int, actions: int) -> None:
    plan = plan_of(enrolment)
    for n in range(goals):
        goal = Goal.objects.create(plan=plan, domain="attendance", goal=f"Goal {n}", success="Better")
        PlanAction.objects.bulk_create(
            PlanAction(plan=plan, goal=goal, action=f"Step {n}.{m}", owner="school", due_on=TODAY + timedelta(days=m))
            for m in range(actions)
        )
    review = PlanReview.objects.create(plan=plan, reviewed_on=TODAY, summary="Fine", plan_version=plan.version)
    GoalProgress.objects.bulk_create(GoalProgress(review=review, goal=goal, rating="some") for goal in plan.goals.all())


@pytest.mark.parametrize("rest", ["", "history/", "print/"])
def test_plan_pages_cost_the_same_queries_whatever_the_plan_holds(
    world: World, django_assert_max_num_queries: Any, rest: str
) -> None:
    enrolment = enrolled(world)
    client = world.client_for(Role.LINK_WORKER)
    grow(world, enrolment, goals=1, actions=1)
    client.get(url(enrolment, rest))  # the session, warmed
    with django_assert_max_num_queries(20) as small:
        assert client.get(url(enrolment, rest)).status_code == 200
    grow(world, enrolment, goals=12, actions=4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url(enrolment, rest))
    assert "Goal 11" in page.text


def test_the_childs_record_sums_up_the_plan(world: World, django_assert_max_num_queries: Any) -> None:
    enrolment = enrolled(world)
    goal = with_goal(world, enrolment)
    plan = plan_of(enrolment)
    action_add(
        actor=world.members[Role.LINK_WORKER],
        goal=goal,
        seen_version=plan.version,
        action="Phone the school",
        owner="link_worker",
        due_on=TODAY - timedelta(days=1),
    )
    Plan.objects.filter(pk=plan.pk).update(next_review_on=TODAY + timedelta(days=30))
    client: Client = world.client_for(Role.SCHOOL_STAFF)
    page = client.get(f"/children/{enrolment.child_id}/").text
    summary = page[page.index("Personalised support plan") :]
    assert "Get to school on time every day" in summary
    assert "Working on it" in summary
    assert "Phone the school: by" in summary
    assert "Overdue" in summary
    assert f"Next review: {TODAY + timedelta(days=30):%-d %B %Y}" in summary
    assert f'href="/children/{enrolment.child_id}/plan/"' in summary


def test_each_goal_being_worked_on_leads_to_a_service_search_for_its_need(world: World) -> None:
    enrolment = enrolled(world)
    goal = with_goal(world, enrolment)
    page = world.client_for(Role.LINK_WORKER).get(url(enrolment)).text
    child = enrolment.child_id
    assert f"/directory/?child={child}&amp;goal={goal.pk}&amp;need={goal.domain}" in page
