"""Reads for outcomes: a child's progress, the impact report, and an outcomes contract's claims.

The impact report and the claims count ``Progress`` rows and group contacts and sessions in SQL; the statistics,
the suppression and the payment rules are ``joinedup.impact``'s. Nothing here returns a child's name to a page a
commissioner may open.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, QuerySet
from django.utils import timezone

from joinedup.accounts.models import Area, Organisation
from joinedup.cases.models import (
    CaseSettings,
    Child,
    Consent,
    Contact,
    EngagementTerm,
    Enrolment,
    PartnerSession,
    Referral,
)
from joinedup.cases.selectors import school_term
from joinedup.identification.models import school_year_of
from joinedup.impact import (
    Achievement,
    Claim,
    DomainCounts,
    GroupCounts,
    ImpactTable,
    Line,
    Rate,
    SummaryRow,
    Terms,
    claim,
    engaged,
    impact_table,
    progress,
    signed_up,
)
from joinedup.impact import Progress as Standing
from joinedup.impact import Reading as ImpactReading
from joinedup.outcomes.models import Contract, Measure, Measurement, Progress, SubmittedClaim

#: How the impact report can be broken down.
GROUPINGS: dict[str, str] = {"school": "School", "partner": "Delivery partner", "cohort": "Cohort year"}
#: Referrals that mean a child worked with the partner.
WORKED_WITH = (Referral.Status.STARTED, Referral.Status.COMPLETED)
#: The report's row for children who worked with no delivery partner.
NO_PARTNER = "none"


@dataclass(frozen=True)
class MeasureProgress:
    """One measure on a child's record: the readings, and where the child stands."""

    measure: Measure
    readings: list[Measurement]
    standing: Standing

    @property
    def baseline_band(self) -> str | None:
        found = self.standing.baseline
        return self.measure.rule().band(found.value, found.respondent) if found else None

    @property
    def latest_band(self) -> str | None:
        found = self.standing.latest
        return self.measure.rule().band(found.value, found.respondent) if found else None

    @property
    def change_text(self) -> str:
        """The change from baseline to latest in words: "3 lower (better)", "Up one level", "No change"."""
        change = self.standing.change
        if change is None:
            return ""
        if change == 0:
            return "No change"
        measure = self.measure
        better = (change > 0) == measure.higher_is_better
        if measure.scale == Measure.Scale.LEVELS:
            steps = "one level" if abs(change) == 1 else "two levels"
            return f"{'Up' if change > 0 else 'Down'} {steps}"
        unit = " percentage points" if measure.scale == Measure.Scale.PERCENT else ""
        return f"{abs(change):.3g}{unit} {'higher' if change > 0 else 'lower'} ({'better' if better else 'worse'})"

    @property
    def spark(self) -> Spark:
        """The readings as a small line chart, 100 wide and 30 high, better values higher up."""
        measure = self.measure
        values = [reading.value for reading in self.readings]
        threshold = measure.threshold
        if threshold is None and measure.thresholds_by_respondent:
            threshold = measure.rule().threshold_for(self.readings[-1].respondent)
        seen = values + ([threshold] if threshold is not None else [])
        low = measure.minimum if measure.minimum is not None else min(seen)
        high = measure.maximum if measure.maximum is not None else max(seen)
        if measure.scale == Measure.Scale.PERCENT:
            # Attendance lives between 80 and 100: on a 0-100 axis a fall across the threshold would look flat.
            low, high = max(low, min(seen) - 5), min(high, max(seen) + 5)
        span = (high - low) or 1.0

        def y(value: float) -> float:
            share = (value - low) / span
            return round(30 - 30 * (share if measure.higher_is_better else 1 - share), 1)

        days = [(reading.taken_on - self.readings[0].taken_on).days for reading in self.readings]
        width = max(days) or 1
        xs = [round(100 * day / width, 1) if len(days) > 1 else 50.0 for day in days]
        points = [(x, y(value)) for x, value in zip(xs, values, strict=True)]
        return Spark(
            points=" ".join(f"{x},{y_}" for x, y_ in points),
            dots=points,
            threshold=y(threshold) if threshold is not None else None,
            label=f"{measure.name}: "
            + ", then ".join(
                f"{measure.shown(reading.value)} on {reading.taken_on:%-d %b %Y}" for reading in self.readings
            ),
        )


@dataclass(frozen=True)
class Spark:
    points: str
    dots: list[tuple[float, float]]
    threshold: float | None
    label: str


def measures_in_use(area: Area | int) -> QuerySet[Measure]:
    return Measure.objects.filter(area=area, active=True)


def child_progress(child: Child) -> list[MeasureProgress]:
    """Each measure of the child's borough with a reading, in the borough's order; one query for the readings."""
    readings: dict[int, list[Measurement]] = defaultdict(list)
    for reading in (
        Measurement.objects.filter(child=child).select_related("measure", "created_by").order_by("taken_on", "pk")
    ):
        readings[reading.measure_id].append(reading)
    rows = []
    for measure in measures_in_use(child.area_id):
        found = readings.get(measure.pk, [])
        if not found:
            continue
        standing = progress(
            measure.rule(),
            [
                ImpactReading(
                    on=reading.taken_on,
                    value=reading.value,
                    respondent=reading.respondent,
                    baseline=reading.occasion == Measurement.Occasion.BASELINE,
                )
                for reading in found
            ],
        )
        rows.append(MeasureProgress(measure, found, standing))
    return rows


# The impact report ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactReport:
    area: Area
    by: str
    cohort_year: str
    measures: list[Measure]
    table: ImpactTable
    comparison: bool
    years: list[str]


def cohort_years(area: Area) -> list[str]:
    starts = Enrolment.objects.filter(child__area=area).values_list("start_date", flat=True).order_by()
    return sorted({school_year_of(day) for day in starts.distinct()}, reverse=True)


def highly_engaged(area: Area, child_ids: set[int] | None = None) -> set[int]:
    """The children who met the borough's high-engagement measure in at least one term: enough Link Worker
    contacts, and (where partner sessions were held) enough of them attended. Reads the terms as counted
    (``cases.EngagementTerm``), so it costs a row per child and term whatever the number of contacts."""
    settings = CaseSettings.for_area(area.pk)
    held = F("attended") + F("did_not_attend")
    terms = (
        EngagementTerm.objects.filter(enrolment__child__area=area, contacts__gte=settings.high_engagement_contacts)
        .alias(gap=ExpressionWrapper(F("attended") * 100 - held * settings.high_engagement_attendance, IntegerField()))
        .filter(Q(attended=0, did_not_attend=0) | Q(gap__gte=0))
        .values_list("enrolment__child_id", flat=True)
        .distinct()
        .order_by()
    )
    found = set(terms)
    return found if child_ids is None else found & child_ids


def impact_report(*, area: Area, by: str, cohort_year: str = "") -> ImpactReport:
    """The impact report for a borough, broken down ``by`` school, delivery partner or cohort year, for one cohort
    year or all of them: counts in SQL, statistics and suppression in ``joinedup.impact``."""
    if by not in GROUPINGS:
        by = "school"
    measures = list(measures_in_use(area))
    enrolments = Enrolment.objects.filter(child__area=area)
    if cohort_year:
        first = date(int(cohort_year[:4]), 9, 1)
        enrolments = enrolments.filter(start_date__gte=first, start_date__lt=first.replace(year=first.year + 1))
    # Each child once, in the school and cohort of their newest enrolment (as their progress rows are).
    child_group: dict[int, tuple[int, str]] = {}
    for child_id, school_id, start in enrolments.order_by("start_date", "pk").values_list(
        "child_id", "school_id", "start_date"
    ):
        child_group[child_id] = (school_id, school_year_of(start))
    children = set(child_group)
    engaged_children = highly_engaged(area, children)
    # Enrolled children only: a child measured but never enrolled has no cohort year.
    progress_rows = Progress.objects.filter(area=area, child__isnull=False).exclude(cohort_year="")
    comparison_rows = Progress.objects.filter(area=area, pupil__isnull=False)
    if cohort_year:
        progress_rows = progress_rows.filter(cohort_year=cohort_year)
        comparison_rows = comparison_rows.filter(cohort_year=cohort_year)

    memberships: dict[int, list[str]]
    names: dict[str, str]
    if by == "partner":
        memberships = defaultdict(list)
        worked = (
            Referral.objects.filter(
                enrolment__child__area=area, status__in=WORKED_WITH, partner_organisation__isnull=False
            )
            .values_list("enrolment__child_id", "partner_organisation_id")
            .distinct()
            .order_by()
        )
        for child_id, partner_id in worked:
            if child_id in children:
                memberships[child_id].append(str(partner_id))
        partners = Organisation.objects.filter(pk__in={int(key) for keys in memberships.values() for key in keys})
        names = {str(pk): name for pk, name in partners.values_list("pk", "name")}
        # The children no partner worked with are a row too, so every child is somewhere in the report.
        for child_id in children - set(memberships):
            memberships[child_id].append(NO_PARTNER)
        names[NO_PARTNER] = "No delivery partner"
    elif by == "school":
        memberships = {child: [str(group[0])] for child, group in child_group.items()}
        names = {
            str(pk): name
            for pk, name in Organisation.objects.filter(
                pk__in={group[0] for group in child_group.values()}
            ).values_list("pk", "name")
        }
    else:
        memberships = {child: [group[1]] for child, group in child_group.items()}
        names = {group[1]: group[1] for group in child_group.values()}

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    everyone: dict[str, int] = defaultdict(int)

    def add(child: int, field: str, amount: int = 1) -> None:
        everyone[field] += amount
        for key in memberships.get(child, ()):
            counts[key][field] += amount

    for child in children:
        add(child, "enrolled")
        if child in engaged_children:
            add(child, "engaged")
    targeted = (
        progress_rows.filter(baseline_at_risk=True, latest_on__isnull=False)
        .values("child_id")
        .annotate(targeted=Count("id"), cleared=Count("id", filter=Q(latest_at_risk=False)))
        .values_list("child_id", "targeted", "cleared")
        .order_by()
    )
    for child, how_many, cleared in targeted:
        if child not in children:
            continue
        add(child, "targeted")
        if cleared:
            add(child, "at_least_one")
        if cleared == how_many:
            add(child, "all_targeted")

    domain_counts = _domain_counts(progress_rows, by, measures)
    comparison_counts = _domain_counts(comparison_rows, by, measures) if by != "partner" else {}
    groups = [
        GroupCounts(
            group=names.get(key, key),
            domains=domain_counts.get(key, {}),
            comparison=comparison_counts.get(key, {}),
            **counts[key],
        )
        # Named groups in order, then the children with none ("No delivery partner") last.
        for key in sorted(counts, key=lambda key: (key == NO_PARTNER, names.get(key, key)))
    ]
    total = GroupCounts(
        group="All children",
        domains=domain_counts.get("", {}),
        comparison=comparison_counts.get("", {}),
        **everyone,
    )
    # A child can work with several partners, so only then do the rows not add up to the total.
    table = impact_table(groups, [measure.key for measure in measures], total=total if by == "partner" else None)
    return ImpactReport(
        area=area,
        by=by,
        cohort_year=cohort_year,
        measures=measures,
        table=table,
        comparison=any(counts.measured for found in comparison_counts.values() for counts in found.values()),
        years=cohort_years(area),
    )


def _domain_counts(rows: QuerySet[Progress], by: str, measures: list[Measure]) -> dict[str, dict[str, DomainCounts]]:
    """Counts per group and measure, in SQL; the key "" holds the borough's total."""
    keys = {measure.pk: measure.key for measure in measures}
    conditions = {
        "measured": Q(latest_on__isnull=False),
        "at_risk": Q(latest_on__isnull=False, baseline_at_risk=True),
        "cleared": Q(latest_on__isnull=False, baseline_at_risk=True, latest_at_risk=False),
        "assessed": Q(reliable__isnull=False),
        "improved": Q(reliable=1),
        "worsened": Q(reliable=-1),
    }
    found: dict[str, dict[str, DomainCounts]] = defaultdict(dict)

    def counted(query: QuerySet[Progress], group: str = "", into: str = "") -> None:
        """Count each measure's rows, per ``group`` (a field), or all together ``into`` one key."""
        # Distinct rows: a child who worked with a partner twice is joined twice, and counted once.
        aggregates = {name: Count("id", filter=condition, distinct=True) for name, condition in conditions.items()}
        fields = ["measure_id", group] if group else ["measure_id"]
        for row in query.values(*fields).annotate(**aggregates).order_by():
            key = keys.get(row["measure_id"])
            if key is not None:
                found[str(row[group]) if group else into][key] = DomainCounts(
                    **{name: row[name] for name in conditions}
                )

    measured = rows.filter(measure_id__in=keys)
    counted(measured)
    if by == "school":
        counted(measured, "school_id")
    elif by == "cohort":
        counted(measured, "cohort_year")
    else:
        worked = measured.filter(
            child__enrolments__referrals__status__in=WORKED_WITH,
            child__enrolments__referrals__partner_organisation__isnull=False,
        )
        counted(worked, "child__enrolments__referrals__partner_organisation_id")
        counted(measured.exclude(child__in=Child.objects.filter(pk__in=worked.values("child_id"))), into=NO_PARTNER)
    return found


# Outcomes contracts and claims ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A claim period: one school term of the contract, as the engagement measure reads terms."""

    name: str
    starts: date
    ends: date

    @property
    def slug(self) -> str:
        return self.starts.isoformat()


def contract_periods(contract: Contract) -> list[Period]:
    """The terms a contract runs through, each cut to the contract's dates, oldest first."""
    periods = []
    day = contract.starts_on
    while day <= contract.ends_on:
        starts, name = school_term(day)
        following = school_term(date(starts.year + (starts.month == 9), {1: 4, 4: 9, 9: 1}[starts.month], 1))[0]
        ends = min(following - timedelta(days=1), contract.ends_on)
        periods.append(Period(name, max(starts, contract.starts_on), ends))
        day = ends + timedelta(days=1)
    return periods


def contract_terms(contract: Contract) -> Terms:
    return Terms(
        contacts=contract.engagement_contacts,
        attendance_pct=contract.engagement_attendance,
        rates=tuple(
            Rate(
                event=rate.event,  # type: ignore[arg-type]
                measure=rate.measure.key if rate.measure else "",
                price=rate.price,
                per_child=rate.per_child,
                total_cap=rate.total_cap,
            )
            for rate in contract.rates.select_related("measure")
        ),
    )


def reference_of(enrolment_id: int) -> str:
    """How a claim names a child: their enrolment's number, which tells a commissioner nothing about who they are,
    and which the programme can look up when a funder audits a payment."""
    return f"E{enrolment_id:06d}"


@dataclass(frozen=True)
class ContractClaim:
    contract: Contract
    period: Period
    claim: Claim
    children: dict[str, int]  # reference → child id, for the programme's own people only


def contract_claim(contract: Contract, period: Period) -> ContractClaim:
    """The claim for one period: every payable event of every child, with the evidence, caps applied from the
    contract's start."""
    terms = contract_terms(contract)
    events = {rate.event for rate in terms.rates}
    until = period.ends
    enrolments = {
        pk: (child_id, start)
        for pk, child_id, start in Enrolment.objects.filter(child__area_id=contract.area_id, start_date__lte=until)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=contract.starts_on))
        .values_list("pk", "child_id", "start_date")
    }
    newest = {child_id: pk for pk, (child_id, _start) in sorted(enrolments.items(), key=lambda item: item[1][1])}
    references = {child_id: reference_of(pk) for child_id, pk in newest.items()}
    achievements: list[Achievement] = []
    if "sign_up" in events:
        achievements += _sign_ups(contract, enrolments, references, until)
    if "engagement" in events:
        achievements += _engagement(contract, terms, references, until)
    outcome_measures = {rate.measure for rate in terms.rates if rate.event == "outcome"}
    if outcome_measures:
        achievements += _outcomes(contract, outcome_measures, references, until)
    found = claim(achievements, terms, starts=period.starts, ends=period.ends)
    return ContractClaim(contract, period, found, {reference: child for child, reference in references.items()})


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _sign_ups(
    contract: Contract, enrolments: dict[int, tuple[int, date]], references: dict[int, str], until: date
) -> list[Achievement]:
    consents: dict[int, tuple[date, str]] = {}
    for child_id, given_on, given_by in (
        Consent.objects.filter(
            child__area_id=contract.area_id,
            purpose=Consent.Purpose.ENROLMENT,
            given_on__lte=until,
        )
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=until))
        .order_by("given_on", "pk")
        .values_list("child_id", "given_on", "given_by")
    ):
        consents.setdefault(child_id, (given_on, given_by))
    labels = dict(Consent.GivenBy.choices)
    found = []
    for _pk, (child_id, start) in enrolments.items():
        consent = consents.get(child_id)
        day = signed_up(start, consent[0] if consent else None)
        if day is None or day < contract.starts_on or day > until:
            continue
        assert consent is not None
        found.append(
            Achievement(
                # The child's one reference (their newest enrolment's), so that enrolling again is not a second
                # sign-up past the limit per child, and the claim line links to the child.
                child=references[child_id],
                event="sign_up",
                on=day,
                evidence=(
                    f"Enrolled on {_long(start)}.",
                    f"Consent to take part given on {_long(consent[0])}"
                    + (f" by {labels.get(consent[1], consent[1]).lower()}." if consent[1] else "."),
                ),
            )
        )
    return found


def _engagement(contract: Contract, terms: Terms, references: dict[int, str], until: date) -> list[Achievement]:
    """High engagement term by term, judged once a term has ended."""
    found = []
    Attendance = PartnerSession.Attendance
    today = timezone.localdate()
    for period in contract_periods(contract):
        # Judged once the term has ended: a term still running may yet fall short (attendance can drop).
        if period.ends > until or period.ends >= today:
            break
        contacts = dict(
            Contact.objects.filter(
                enrolment__child__area_id=contract.area_id,
                happened_on__gte=period.starts,
                happened_on__lte=period.ends,
            )
            .values("enrolment__child_id")
            .annotate(count=Count("id"))
            .values_list("enrolment__child_id", "count")
            .order_by()
        )
        sessions = {
            child: (attended, held)
            for child, attended, held in PartnerSession.objects.filter(
                referral__enrolment__child__area_id=contract.area_id,
                happened_on__gte=period.starts,
                happened_on__lte=period.ends,
            )
            .values("referral__enrolment__child_id")
            .annotate(
                attended=Count("id", filter=Q(attendance=Attendance.ATTENDED)),
                held=Count("id", filter=Q(attendance__in=[Attendance.ATTENDED, Attendance.DID_NOT_ATTEND])),
            )
            .values_list("referral__enrolment__child_id", "attended", "held")
            .order_by()
        }
        for child, count in contacts.items():
            attended, held = sessions.get(child, (0, 0))
            if child not in references or not engaged(count, attended, held, terms):
                continue
            found.append(
                Achievement(
                    child=references[child],
                    event="engagement",
                    on=period.ends,
                    evidence=(
                        f"{count} Link Worker contacts in {period.name} ({terms.contacts} needed).",
                        f"Partner sessions: {attended} of {held} held attended "
                        f"({round(100 * attended / held)}%; {terms.attendance_pct}% needed)."
                        if held
                        else "No partner sessions were held in the term.",
                    ),
                )
            )
    return found


def _outcomes(contract: Contract, measures: set[str], references: dict[int, str], until: date) -> list[Achievement]:
    rows = (
        Progress.objects.filter(
            area_id=contract.area_id,
            child__isnull=False,
            measure__key__in=measures,
            baseline_at_risk=True,
            cleared_on__gte=contract.starts_on,
            cleared_on__lte=until,
        )
        .select_related("measure")
        .order_by()
    )
    found = []
    for row in rows:
        measure = row.measure
        if row.child_id not in references:
            continue  # measured, but not enrolled under the contract
        assert row.child_id is not None
        assert row.cleared_on is not None
        assert row.baseline_on is not None
        found.append(
            Achievement(
                child=references[row.child_id],
                event="outcome",
                measure=measure.key,
                on=row.cleared_on,
                evidence=(
                    f"{measure.name} at baseline: {measure.shown(row.baseline_value)} on {_long(row.baseline_on)}"
                    f" ({measure.threshold_text().lower()}).",
                    f"{measure.name} later: {measure.shown(row.cleared_value)} on {_long(row.cleared_on)},"
                    " no longer at risk.",
                ),
            )
        )
    return found


def submitted_claim(contract: Contract, period: Period) -> tuple[SubmittedClaim, Claim] | None:
    """The term's claim as it was sent, if it was: read back into the core's shape, so the page shows it as any
    other claim."""
    found = (
        SubmittedClaim.objects.filter(contract=contract, starts=period.starts).select_related("submitted_by").first()
    )
    if found is None:
        return None
    lines = tuple(
        Line(
            Achievement(child=child, event=event, measure=measure, on=date.fromisoformat(on), evidence=tuple(evidence)),
            Decimal(price),
            payable,
            reason,
        )
        for child, event, measure, on, evidence, payable, price, reason in found.lines
    )
    summary = tuple(
        SummaryRow(event, measure, achieved, payable, None if unit is None else Decimal(unit), Decimal(amount))
        for event, measure, achieved, payable, unit, amount in found.summary
    )
    return found, Claim(found.starts, found.ends, lines, summary, found.total)
