"""The outcomes API: the borough's measures, and a child's measurements and progress.

A child is reached only through ``access_child`` (so every read is audited); readings are written by the same
service as the page, marked as sent by a partner system.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from joinedup.cases.access import access_child
from joinedup.outcomes.models import Measure, Measurement
from joinedup.outcomes.selectors import child_progress, measures_in_use
from joinedup.outcomes.services import RECORDERS, measurement_record, measures_ensure

router = Router(tags=["outcomes"])


class MeasureOut(Schema):
    key: str
    name: str
    kind: str
    scale: str
    higher_is_better: bool
    threshold: float | None
    thresholds_by_respondent: dict[str, float]
    reliable_change: float | None
    minimum: float | None
    maximum: float | None


class MeasurementOut(Schema):
    id: int
    measure: str = Field(alias="measure.key")
    value: float
    respondent: str
    taken_on: date
    occasion: str
    source: str


class MeasurementIn(Schema):
    measure: str = Field(description="The measure's short name, as GET /api/outcomes/measures lists them.")
    value: str = Field(max_length=20, description="A number, or for attainment: below, expected or above.")
    taken_on: date
    respondent: Measurement.Respondent | None = Field(default=None, description="Questionnaires only.")
    occasion: Measurement.Occasion = Measurement.Occasion.REVIEW
    note: str = Field(default="", max_length=300)


class ProgressOut(Schema):
    measure: str
    baseline_value: float | None
    baseline_on: date | None
    latest_value: float | None
    latest_on: date | None
    at_risk_at_baseline: bool | None
    at_risk_now: bool | None
    no_longer_at_risk: bool
    reliable_change: int | None = Field(description="1 reliably better, -1 reliably worse, 0 neither; null if unknown.")


class Problem(Schema):
    detail: str


@router.get("/measures", response=list[MeasureOut], summary="The measures of your borough")
def measures(request: HttpRequest) -> list[Measure]:
    actor = request.auth  # type: ignore[attr-defined]
    measures_ensure(actor.area)
    return list(measures_in_use(actor.area_id))


@router.get(
    "/children/{child_id}/measurements",
    response=list[MeasurementOut],
    summary="Every measurement of a child (audited)",
)
def measurements(request: HttpRequest, child_id: int) -> list[Measurement]:
    child = access_child(request.auth, child_id)  # type: ignore[attr-defined]
    return list(Measurement.objects.filter(child=child).select_related("measure").order_by("taken_on", "pk"))


@router.post(
    "/children/{child_id}/measurements",
    response={201: MeasurementOut, 400: Problem, 403: Problem},
    summary="Record a measurement for a child (the same measure, day and respondent again updates it)",
)
def measurement_create(request: HttpRequest, child_id: int, payload: MeasurementIn) -> Status[object]:
    actor = request.auth  # type: ignore[attr-defined]
    child = access_child(actor, child_id)
    if actor.role not in RECORDERS:
        return Status(403, {"detail": "Your role cannot record measurements."})
    measure = measures_in_use(child.area_id).filter(key=payload.measure).first()
    if measure is None:
        keys = ", ".join(measures_in_use(child.area_id).values_list("key", flat=True))
        return Status(400, {"detail": f"No measure “{payload.measure}” in the child's borough. Use one of: {keys}."})
    try:
        reading = measurement_record(
            actor=actor,
            child=child,
            measure=measure,
            value=payload.value,
            taken_on=payload.taken_on,
            respondent=payload.respondent or "",
            occasion=payload.occasion,
            note=payload.note,
            source=Measurement.Source.API,
        )
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    return Status(201, reading)


@router.get(
    "/children/{child_id}/progress",
    response=list[ProgressOut],
    summary="Where a child stands on each measure: baseline, latest, at risk, reliable change (audited)",
)
def progress(request: HttpRequest, child_id: int) -> list[dict[str, Any]]:
    child = access_child(request.auth, child_id)  # type: ignore[attr-defined]
    rows = []
    for row in child_progress(child):
        standing = row.standing
        rows.append(
            {
                "measure": row.measure.key,
                "baseline_value": standing.baseline.value if standing.baseline else None,
                "baseline_on": standing.baseline.on if standing.baseline else None,
                "latest_value": standing.latest.value if standing.latest else None,
                "latest_on": standing.latest.on if standing.latest else None,
                "at_risk_at_baseline": standing.baseline_at_risk,
                "at_risk_now": standing.latest_at_risk,
                "no_longer_at_risk": standing.no_longer_at_risk,
                "reliable_change": standing.reliable,
            }
        )
    return rows
