"""Reads for identification pages: the school's list, run summaries and the children ready to enrol."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from joinedup.accounts.models import Area, Membership
from joinedup.identification.access import schools_visible
from joinedup.identification.models import CohortEntry, IdentificationRun, SchoolCohort
from joinedup.rules import HIDDEN, SUPPRESSED

# Fairness groups that are themselves criteria of the rules: a high rate there is the rules working.
CRITERIA = ("economic_disadvantage",)
ON_LIST = Q(proposed=True) | Q(source=CohortEntry.Source.ADDED)
SHOWN: dict[str, Q] = {
    "list": ON_LIST,
    "pending": ON_LIST & Q(decision=CohortEntry.Decision.PENDING),
    "confirmed": ON_LIST & Q(decision=CohortEntry.Decision.CONFIRMED),
    "declined": ON_LIST & Q(decision=CohortEntry.Decision.DECLINED),
    "social_care": Q(route="social_care"),
    "all": Q(),
}
# What the list page needs of each pupil; nothing more is read.
_PUPIL_COLUMNS = ("pupil__upn", "pupil__forenames", "pupil__surname", "pupil__date_of_birth", "pupil__sex")


def cohort_entries(
    cohort: SchoolCohort, *, show: str = "list", year_group: int | None = None, domain: str = "", q: str = ""
) -> QuerySet[CohortEntry]:
    """The school's list as shown: by year group, then rank, with each pupil's name and UPN."""
    entries = (
        cohort.entries.filter(SHOWN.get(show, ON_LIST))
        .select_related("pupil", "decided_by")
        .only(
            "year_group",
            "rank",
            "n_domains",
            "flags",
            "domains_missing",
            "proposed",
            "route",
            "explanation",
            "source",
            "decision",
            "decision_reason",
            "decided_at",
            "cohort_id",
            "decided_by__full_name",
            *_PUPIL_COLUMNS,
        )
        .order_by("year_group", "rank", "pk")
    )
    if year_group is not None:
        entries = entries.filter(year_group=year_group)
    if q:
        words = q.split()
        for word in words:
            entries = entries.filter(
                Q(pupil__forenames__icontains=word) | Q(pupil__surname__icontains=word) | Q(pupil__upn__iexact=word)
            )
    if domain:
        # The flags are a short JSON list; matching on the domain's quoted name works on SQLite and PostgreSQL.
        entries = entries.filter(flags__icontains=f'"{domain}"')
    return entries


@dataclass(frozen=True)
class CohortCounts:
    on_list: int
    pending: int
    confirmed: int
    declined: int
    added: int
    social_care: int
    year_groups: list[int]


def cohort_counts(cohort: SchoolCohort) -> CohortCounts:
    """The numbers at the top of a school's list, in one query."""
    rows = cohort.entries.values_list("year_group", "proposed", "source", "decision", "route")
    tally: Counter[str] = Counter()
    years: set[int] = set()
    for year, proposed, source, decision, route in rows:
        years.add(year)
        if route == "social_care":
            tally["social_care"] += 1
        if proposed or source == CohortEntry.Source.ADDED:
            tally["on_list"] += 1
            tally[decision] += 1
            tally["added"] += source == CohortEntry.Source.ADDED
    return CohortCounts(
        on_list=tally["on_list"],
        pending=tally[CohortEntry.Decision.PENDING],
        confirmed=tally[CohortEntry.Decision.CONFIRMED],
        declined=tally[CohortEntry.Decision.DECLINED],
        added=tally["added"],
        social_care=tally["social_care"],
        year_groups=sorted(years),
    )


def latest_run(area: Area, school_year: str | None = None) -> IdentificationRun | None:
    runs = IdentificationRun.objects.filter(area=area, status=IdentificationRun.Status.FINISHED)
    if school_year:
        runs = runs.filter(school_year=school_year)
    return runs.select_related("rules").order_by("-started_at", "-pk").first()


def run_school_cohorts(run: IdentificationRun, actor: Membership) -> list[dict[str, Any]]:
    """Each school's list in a run that ``actor`` may see, with its decision counts."""
    cohorts = (
        SchoolCohort.objects.filter(run=run, school__in=schools_visible(actor))
        .select_related("school", "locked_by")
        .order_by("school__name")
    )
    decided = Counter(
        (cohort_id, decision)
        for cohort_id, decision in CohortEntry.objects.filter(ON_LIST, cohort__run=run).values_list(
            "cohort_id", "decision"
        )
    )
    return [
        {
            "cohort": cohort,
            "on_list": sum(decided[(cohort.pk, choice)] for choice in CohortEntry.Decision.values),
            "pending": decided[(cohort.pk, CohortEntry.Decision.PENDING)],
            "confirmed": decided[(cohort.pk, CohortEntry.Decision.CONFIRMED)],
            "declined": decided[(cohort.pk, CohortEntry.Decision.DECLINED)],
        }
        for cohort in cohorts
    ]


def ready_to_enrol(actor: Membership) -> QuerySet[CohortEntry]:
    """Children confirmed on an agreed school list (or one agreed before a re-run reopened it): the
    Link Worker's next families to approach.

    Only the latest finished run of each school year counts, so a child is listed once.
    """
    latest: dict[str, int] = {}
    finished = IdentificationRun.objects.filter(area=actor.area_id, status=IdentificationRun.Status.FINISHED)
    for run_id, year in finished.order_by("-started_at", "-pk").values_list("pk", "school_year"):
        latest.setdefault(year, run_id)
    return (
        CohortEntry.objects.filter(
            ON_LIST,
            Q(cohort__locked_at__isnull=False) | Q(cohort__previously_agreed_at__isnull=False),
            cohort__run__in=list(latest.values()),
            cohort__school__in=schools_visible(actor),
            decision=CohortEntry.Decision.CONFIRMED,
        )
        # A child enrolled from any run's list has been contacted already.
        .exclude(pupil__cohort_entries__enrolment__isnull=False)
        .select_related("pupil", "cohort__school")
        .order_by("cohort__school__name", "year_group", "rank")
    )


def fairness_rows(run: IdentificationRun) -> list[dict[str, Any]]:
    """The run's fairness report, as stored, with suppressed counts kept as ``"<5"``."""
    rows = []
    for group, value, screened, identified, rate, ratio in run.fairness:
        rows.append(
            {
                "group": group,
                "value": value,
                "screened": screened,
                "identified": identified,
                "rate": rate,
                "ratio": ratio,
                "suppressed": bool({SUPPRESSED, HIDDEN} & {screened, identified}),
                # A ratio well away from 1 is worth a look (the four-fifths rule of thumb), except for a
                # group the rules select on by design.
                "flag": ratio is not None and (ratio < 0.8 or ratio > 1.25) and group not in ("all", *CRITERIA),
            }
        )
    return rows
