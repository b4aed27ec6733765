"""Writes for identification: rule versions, column mappings, imports, runs and the schools' decisions.

Every write checks what it is given and either changes everything it should or nothing:
an import with a bad row writes nothing unless the person chose to import the valid rows.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Organisation, User
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.core.jobs import Progress
from joinedup.identification.models import (
    PUPIL_FIELDS,
    SURVEY_FIELDS,
    TEXT_FIELDS,
    CohortEntry,
    ColumnMapping,
    IdentificationRun,
    RuleSetVersion,
    SchoolCohort,
    ScreenedPupil,
    ScreeningImport,
    pupil_from_values,
)
from joinedup.rules import (
    ATTAINMENT_DOMAINS,
    Pupil,
    ReadingError,
    Result,
    RowProblem,
    RuleSet,
    fairness_report,
    identify,
    read_school_data,
    read_survey,
    rules_to_dict,
)

NOTE_REQUIRED = "Say what changed and why, for the published record."
# An import keeps this many problems to show; the count is always exact.
PROBLEMS_KEPT = 1000
_BATCH = 2000


# -- rules -------------------------------------------------------------------------------------------


def rules_current(area: Area) -> RuleSetVersion:
    """The area's rules in force: the newest version, or the published defaults as version 1."""
    latest = RuleSetVersion.objects.filter(area=area).order_by("-number").first()
    if latest is not None:
        return latest
    version, _ = RuleSetVersion.objects.get_or_create(
        area=area,
        number=1,
        defaults={"rules": _stored(RuleSet()), "note": "The published default rules."},
    )
    return version


def _stored(rules: RuleSet) -> dict[str, Any]:
    """The rules as saved: without the area and version labels, which the row itself holds."""
    stored = rules_to_dict(rules)
    stored.pop("area", None)
    stored.pop("version", None)
    return stored


def rules_version_save(*, actor: Membership, rules: RuleSet, note: str) -> RuleSetVersion:
    """Publish ``rules`` as the area's next version. Refuses a version identical to the current one."""
    if not note.strip():
        raise ValidationError({"note": NOTE_REQUIRED})
    with transaction.atomic():
        # One new version at a time per borough: the borough's row is the lock.
        Area.objects.select_for_update().get(pk=actor.area_id)
        current = rules_current(actor.area)
        if _stored(rules) == current.rules:
            raise ValidationError("These rules are the same as version %(number)s.", params={"number": current.number})
        number = (RuleSetVersion.objects.filter(area=actor.area).aggregate(top=Max("number"))["top"] or 0) + 1
        version = RuleSetVersion.objects.create(
            area=actor.area, number=number, rules=_stored(rules), note=note.strip(), created_by=actor.user
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="identification.rules",
            record_id=version.pk,
            detail={"version": number, "note": version.note},
        )
    return version


def rules_changes(older: RuleSetVersion | None, newer: RuleSetVersion) -> list[tuple[str, object, object]]:
    """What differs between two versions, as (setting, was, now), settings named as in the TOML."""
    if older is None:
        return []
    before, after = _flat(older.rules), _flat(newer.rules)
    return [
        (key, before.get(key), after.get(key))
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    ]


def _flat(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


# -- column mappings ---------------------------------------------------------------------------------


def mapping_save(
    *,
    actor: Membership,
    name: str,
    kind: str,
    columns: dict[str, str],
    attainment_scale: str = ColumnMapping.Scale.KS2_SCALED,
    mapping: ColumnMapping | None = None,
) -> ColumnMapping:
    """Create or change a saved mapping; only the columns whose name differs from ours are kept."""
    kept = {
        column: columns[column].strip() for column in ColumnMapping.columns_for(kind) if columns.get(column, "").strip()
    }
    kept = {column: header for column, header in kept.items() if header != column}
    used = Counter(kept.values())
    twice = sorted(header for header, count in used.items() if count > 1)
    if twice:
        raise ValidationError(f"Each file column can stand for one of ours only: ‘{twice[0]}’ is given twice.")
    duplicate = ColumnMapping.objects.filter(area=actor.area, kind=kind, name=name.strip())
    if mapping is not None:
        duplicate = duplicate.exclude(pk=mapping.pk)
    if duplicate.exists():
        raise ValidationError({"name": "There is already a mapping with this name. Choose another name."})
    with transaction.atomic():
        if mapping is None:
            mapping = ColumnMapping(area=actor.area, kind=kind)
        mapping.name = name.strip()
        mapping.columns = kept
        mapping.attainment_scale = attainment_scale
        mapping.updated_by = actor.user
        mapping.save()
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="identification.mapping",
            record_id=mapping.pk,
            detail={"name": mapping.name, "columns": kept, "attainment_scale": attainment_scale},
        )
    return mapping


# -- imports -----------------------------------------------------------------------------------------


class ImportRejected(Exception):
    """Nothing was written; ``record`` holds the problems."""

    def __init__(self, record: ScreeningImport) -> None:
        super().__init__(record.message)
        self.record = record


@dataclass(frozen=True)
class _Checked:
    rows: list[tuple[int, Pupil]]
    problems: list[RowProblem]
    total_rows: int


def screening_import(
    *,
    area: Area,
    kind: str,
    path: str | Path,
    file_name: str,
    school_year: str,
    started_by: User,
    mapping: ColumnMapping | None = None,
    accept_valid_rows: bool = False,
    retry_of: ScreeningImport | None = None,
    progress: Progress | None = None,
) -> ScreeningImport:
    """Import school data or survey returns for ``area`` and ``school_year``, all or nothing.

    School data rows are upserted by UPN (a re-import of the same file changes nothing);
    survey rows are set on the pupils already imported. With problems, nothing is written
    unless ``accept_valid_rows``; then the rows without problems are.

    Raises:
        ImportRejected: the file could not be read, or it has problems and
            ``accept_valid_rows`` is false. The record says why.
    """
    record = ScreeningImport.objects.create(
        area=area,
        kind=kind,
        school_year=school_year,
        file_name=file_name,
        stored_path=str(path),
        mapping=mapping,
        accept_valid_rows=accept_valid_rows,
        retry_of=retry_of,
        started_by=started_by,
    )
    columns = dict(mapping.columns) if mapping else {}
    try:
        if kind == ColumnMapping.Kind.SCHOOL_DATA:
            scale = mapping.attainment_scale if mapping else ColumnMapping.Scale.KS2_SCALED
            checked = _school_data_checked(area, Path(path), file_name, columns, scale, progress)
        else:
            checked = _survey_checked(area, school_year, Path(path), file_name, columns)
    except (ReadingError, OSError, UnicodeDecodeError, csv.Error) as error:
        _finish(record, ScreeningImport.Status.REJECTED, message=_unreadable(error))
        raise ImportRejected(record) from None
    except Exception as error:
        _finish(record, ScreeningImport.Status.FAILED, message=f"The import stopped: {type(error).__name__}.")
        raise
    if not checked.total_rows and not checked.problems:
        # An import of nothing would say "Imported 0 pupils" and look like success: say what is missing.
        noun = "pupils" if kind == ColumnMapping.Kind.SCHOOL_DATA else "survey returns"
        _finish(
            record,
            ScreeningImport.Status.REJECTED,
            message=f"{file_name} has a header row but no {noun} under it: expected one row per pupil.",
        )
        raise ImportRejected(record)
    record.rows = checked.total_rows
    record.problem_count = len(checked.problems)
    record.bad_rows = len({problem.row for problem in checked.problems})
    record.problems = [[p.row, p.column, p.value, p.expected] for p in checked.problems[:PROBLEMS_KEPT]]
    if checked.problems and not accept_valid_rows:
        _finish(
            record,
            ScreeningImport.Status.REJECTED,
            message=f"{len(checked.problems)} problem{'s' if len(checked.problems) != 1 else ''} on {record.bad_rows} "
            f"row{'s' if record.bad_rows != 1 else ''}; nothing was imported.",
        )
        raise ImportRejected(record)
    try:
        _write(record, checked, progress)
    except Exception as error:
        # Nothing was written (one transaction); say so on the record rather than leave it "running".
        _finish(record, ScreeningImport.Status.FAILED, message=f"The import stopped: {type(error).__name__}.")
        raise
    return record


def _write(record: ScreeningImport, checked: _Checked, progress: Progress | None) -> None:
    area, kind, school_year = record.area, record.kind, record.school_year
    with transaction.atomic():
        if kind == ColumnMapping.Kind.SCHOOL_DATA:
            created, updated = _school_data_write(area, school_year, record, checked.rows, progress)
        else:
            created, updated = 0, _survey_write(area, school_year, record, checked.rows)
        record.created, record.updated = created, updated
        status = ScreeningImport.Status.IMPORTED_VALID if checked.problems else ScreeningImport.Status.IMPORTED
        rows = "row" if record.bad_rows == 1 else "rows"
        left_out = f" Left out {record.bad_rows} {rows} with problems." if checked.problems else ""
        count = len(checked.rows)
        if kind == ColumnMapping.Kind.SCHOOL_DATA:
            pupils = "pupil" if count == 1 else "pupils"
            message = f"Imported {count} {pupils}: {created} new, {updated} updated.{left_out}"
        else:
            returns = "survey return" if count == 1 else "survey returns"
            message = f"Imported {count} {returns}, each joined to its pupil.{left_out}"
        _finish(record, status, message=message)
        audit_record(
            action=AuditAction.CREATE,
            user=record.started_by,
            record_type="identification.import",
            record_id=record.pk,
            detail={"kind": kind, "rows": len(checked.rows), "school_year": school_year},
        )


def _unreadable(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "The file is not text in UTF-8. Save it from your spreadsheet as ‘CSV UTF-8’, or as XLSX, and try again."
    if isinstance(error, OSError):
        return "The uploaded file could not be opened. Upload it again."
    return str(error)


def _finish(record: ScreeningImport, status: str, *, message: str) -> None:
    record.status = status
    record.message = message
    record.finished_at = timezone.now()
    record.save()


def _school_data_checked(
    area: Area, path: Path, file_name: str, columns: dict[str, str], scale: str, progress: Progress | None
) -> _Checked:
    data = read_school_data(path, columns, progress=progress)
    schools = dict(Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, areas=area).values_list("urn", "pk"))
    problems = list(data.problems)
    rows: list[tuple[int, Pupil]] = []
    urn_column = columns.get("school_urn", "school_urn")
    for row, pupil in zip(data.row_numbers, data.pupils, strict=True):
        found = [
            RowProblem(file_name, row, columns.get(subject, subject), f"{score:g}", expected)
            for subject, score, expected in _on_scale(pupil, scale)
        ]
        if pupil.school_urn not in schools:
            found.append(
                RowProblem(file_name, row, urn_column, pupil.school_urn, f"the URN of a school in {area.name}")
            )
        if found:
            problems += found
            continue
        rows.append((schools[pupil.school_urn], pupil))
    problems.sort(key=lambda problem: problem.row)
    return _Checked(rows=rows, problems=problems, total_rows=data.rows)


# Each scale's range, and for a scale read as levels, where "expected" and "above" start.
_SCALES: dict[str, tuple[float, float, tuple[float, float] | None]] = {
    ColumnMapping.Scale.KS2_SCALED: (80, 120, None),
    ColumnMapping.Scale.GCSE_GRADE: (1, 9, (4, 7)),
}


def _on_scale(pupil: Pupil, scale: str) -> list[tuple[str, float, str]]:
    """Check each numeric attainment against ``scale``; a scale read as levels turns it into one.

    Returns (subject, score, what was expected) for each score outside the scale.
    """
    low, high, cuts = _SCALES[scale]
    wrong = []
    for subject in ATTAINMENT_DOMAINS:
        score = getattr(pupil, subject)
        if score is None or isinstance(score, str):
            continue
        if not low <= score <= high:
            label = ColumnMapping.Scale(scale).label.split(" (")[0]
            wrong.append((subject, score, f"a level or one of the {label} from {low:g} to {high:g}"))
        elif cuts is not None:
            setattr(pupil, subject, "below" if score < cuts[0] else ("expected" if score < cuts[1] else "above"))
    return wrong


def _school_data_write(
    area: Area, school_year: str, record: ScreeningImport, rows: Sequence[tuple[int, Pupil]], progress: Progress | None
) -> tuple[int, int]:
    existing = set(ScreenedPupil.objects.filter(area=area, school_year=school_year).values_list("upn", flat=True))
    # A new pupil starts with no survey answers; a pupil already there keeps theirs.
    fixed = (area.pk, school_year, record.pk, "", None, None, None, None)
    values = [(*fixed, school_id, *_stored_values(pupil)) for school_id, pupil in rows]
    columns = ["area_id", "school_year", "school_data_import_id", *SURVEY_FIELDS, "school_id", *PUPIL_FIELDS]
    for start in range(0, len(values), _BATCH):
        _insert(
            ScreenedPupil,
            columns,
            values[start : start + _BATCH],
            conflict=["area_id", "school_year", "upn"],
            update=["school_data_import_id", "school_id", *[name for name in PUPIL_FIELDS if name != "upn"]],
        )
        if progress is not None:
            progress(min(start + _BATCH, len(values)), len(values))
    updated = sum(1 for _school, pupil in rows if pupil.upn in existing)
    return len(rows) - updated, updated


_ATTAINMENT = frozenset(("reading", "writing", "maths", "english"))


def _stored_values(pupil: Pupil) -> list[Any]:
    """A pupil's values in ``PUPIL_FIELDS`` order, as the columns store them (blank text, not NULL)."""
    values: list[Any] = []
    for name in PUPIL_FIELDS:
        value = getattr(pupil, name)
        if name in _ATTAINMENT:
            value = "" if value is None else (value if isinstance(value, str) else f"{value:g}")
        elif value is None and name in TEXT_FIELDS:
            value = ""
        values.append(value)
    return values


def _insert(
    model: type[models.Model],
    columns: list[str],
    rows: list[tuple[Any, ...]],
    *,
    conflict: list[str] | None = None,
    update: list[str] | None = None,
) -> None:
    """Insert ``rows``; with ``conflict``, update the ``update`` columns of a row already there.

    One prepared statement run for every row: the ORM's ``bulk_create`` builds and prepares each
    value in Python, which was most of an import's time (docs/decisions/0012). The column names
    are our own, never input; values are as the database stores them (JSON already encoded).
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    parameters = ", ".join(["%s"] * len(columns))
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(map(quote, columns))}) VALUES ({parameters})"  # noqa: S608
    if conflict:
        assignments = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in update or ())
        sql += f" ON CONFLICT ({', '.join(map(quote, conflict))}) DO UPDATE SET {assignments}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _survey_checked(area: Area, school_year: str, path: Path, file_name: str, columns: dict[str, str]) -> _Checked:
    # The pupils already imported, so a survey that names pupils instead of giving UPNs can be matched.
    screened = [
        Pupil(
            upn=upn,
            school_urn="",
            year_group=0,
            forenames=forenames or None,
            surname=surname or None,
            date_of_birth=born,
        )
        for upn, forenames, surname, born in ScreenedPupil.objects.filter(
            area=area, school_year=school_year
        ).values_list("upn", "forenames", "surname", "date_of_birth")
    ]
    returns, problems, row_numbers = read_survey(path, columns, pupils=screened, with_rows=True)
    known = {pupil.upn for pupil in screened}
    upn_column = columns.get("upn", "upn")
    rows: list[tuple[int, Pupil]] = []
    problems = list(problems)
    for upn, answers in returns.items():
        if upn not in known:
            problems.append(
                RowProblem(
                    file_name, row_numbers[upn], upn_column, upn, f"the UPN of a pupil in the {school_year} school data"
                )
            )
            continue
        rows.append((0, Pupil(upn=upn, school_urn="", year_group=0, **answers._asdict())))
    problems.sort(key=lambda problem: problem.row)
    every_row = {row_numbers[upn] for upn in returns} | {problem.row for problem in problems}
    return _Checked(rows=rows, problems=problems, total_rows=len(every_row))


def _survey_write(area: Area, school_year: str, record: ScreeningImport, rows: Sequence[tuple[int, Pupil]]) -> int:
    upns = [pupil.upn for _school, pupil in rows]
    ids = dict(ScreenedPupil.objects.filter(area=area, school_year=school_year, upn__in=upns).values_list("upn", "pk"))
    values = [(record.pk, *_survey_values(pupil), ids[pupil.upn]) for _school, pupil in rows if pupil.upn in ids]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(name)} = %s" for name in ("survey_import_id", *SURVEY_FIELDS))
    sql = f"UPDATE {quote(ScreenedPupil._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608 - our names only
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(values)


def _survey_values(pupil: Pupil) -> list[Any]:
    return ["" if pupil.respondent is None else pupil.respondent, *[getattr(pupil, name) for name in SURVEY_FIELDS[1:]]]


# -- runs --------------------------------------------------------------------------------------------


class RunRefused(Exception):
    """There is nothing to screen; the message says what to import first."""


def identification_run(
    *, area: Area, school_year: str, started_by: User, progress: Progress | None = None
) -> IdentificationRun:
    """Apply the area's current rules to every pupil screened for ``school_year``.

    Decisions already made in an earlier run of the same year stand: a confirmed, declined or
    added child keeps that decision, and a locked school list stays locked.
    """
    fields = ("pk", "school_id", "school__urn", *PUPIL_FIELDS, *SURVEY_FIELDS)
    values = list(ScreenedPupil.objects.filter(area=area, school_year=school_year).values(*fields))
    if not values:
        raise RunRefused(f"No school data has been imported for {area.name} in {school_year}. Import it first.")
    version = rules_current(area)
    run = IdentificationRun.objects.create(area=area, school_year=school_year, rules=version, started_by=started_by)
    try:
        pupils = [pupil_from_values(row, row["school__urn"] or "") for row in values]
        results = identify(pupils, version.rule_set())
        if progress is not None:
            progress(len(results) // 2, len(results))
        with transaction.atomic():
            _run_write(run, values, pupils, results)
            audit_record(
                action=AuditAction.CREATE,
                user=started_by,
                record_type="identification.run",
                record_id=run.pk,
                detail={"school_year": school_year, "rules_version": version.number, "screened": len(results)},
            )
    except Exception as error:
        IdentificationRun.objects.filter(pk=run.pk).update(
            status=IdentificationRun.Status.FAILED, error=f"{type(error).__name__}: {error}", finished_at=timezone.now()
        )
        raise
    if progress is not None:
        progress(len(results), len(results))
    run.refresh_from_db()
    return run


def _run_write(
    run: IdentificationRun, values: list[dict[str, Any]], pupils: list[Pupil], results: list[Result]
) -> None:
    previous = _earlier_decisions(run)
    schools = sorted({row["school_id"] for row in values})
    cohorts = {
        school_id: SchoolCohort.objects.create(run=run, school_id=school_id, **previous.locks.get(school_id, {}))
        for school_id in schools
    }
    counts: Counter[tuple[int, str]] = Counter()
    undecided = {"source": CohortEntry.Source.RULES, "decision": CohortEntry.Decision.PENDING, "decision_reason": ""}
    entries = []
    for row, result in zip(values, results, strict=True):
        school_id = row["school_id"]
        counts[(school_id, "screened")] += 1
        counts[(school_id, "proposed")] += result.proposed
        flags = [
            [flag.domain, _plain(flag.value), _plain(flag.threshold), flag.text] for flag in result.domains_at_risk
        ]
        decided = previous.decisions.get(row["pk"], undecided)
        entries.append(
            (
                cohorts[school_id].pk,
                row["pk"],
                result.year_group,
                result.rank,
                result.n_domains,
                json.dumps(flags),
                json.dumps(result.domains_missing),
                result.proposed,
                result.route,
                result.explanation,
                decided["source"],
                decided["decision"],
                decided["decision_reason"],
                decided.get("decided_by_id"),
                decided.get("decided_at"),
            )
        )
    columns = [
        "cohort_id",
        "pupil_id",
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
        "decided_by_id",
        "decided_at",
    ]
    for start in range(0, len(entries), _BATCH):
        _insert(CohortEntry, columns, entries[start : start + _BATCH])
    _reopen_if_new_proposals(cohorts)
    for school_id, cohort in cohorts.items():
        cohort.screened = counts[(school_id, "screened")]
        cohort.proposed = counts[(school_id, "proposed")]
    SchoolCohort.objects.bulk_update(cohorts.values(), ["screened", "proposed"])
    fairness = fairness_report(pupils, results)
    run.fairness = [[row.group, row.value, row.screened, row.identified, row.rate, row.ratio] for row in fairness]
    run.screened = len(results)
    run.proposed = sum(result.proposed for result in results)
    run.social_care = sum(result.route == "social_care" for result in results)
    run.status = IdentificationRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save()


def _reopen_if_new_proposals(cohorts: dict[int, SchoolCohort]) -> None:
    """An agreed list stays agreed, unless the new run proposes children it did not decide.

    Then the school decides those and agrees the list again; what it decided before stands.
    """
    locked = [cohort for cohort in cohorts.values() if cohort.is_locked]
    if not locked:
        return
    undecided = set(
        CohortEntry.objects.filter(
            Q(proposed=True) | Q(source=CohortEntry.Source.ADDED),
            cohort__in=locked,
            decision=CohortEntry.Decision.PENDING,
        ).values_list("cohort_id", flat=True)
    )
    for cohort in locked:
        if cohort.pk in undecided:
            cohort.previously_agreed_at = cohort.locked_at
            cohort.locked_at = None
            cohort.locked_by = None
            cohort.save(update_fields=["previously_agreed_at", "locked_at", "locked_by"])


def _plain(value: object) -> object:
    """A flag's value as JSON keeps it: numbers and words as they are."""
    return value if isinstance(value, str | int | float | bool) else str(value)


@dataclass(frozen=True)
class _Earlier:
    decisions: dict[int, dict[str, Any]]
    locks: dict[int, dict[str, Any]]


def _earlier_decisions(run: IdentificationRun) -> _Earlier:
    """The latest earlier run's decisions and locks for the same area and year, to carry forward."""
    earlier = (
        IdentificationRun.objects.filter(
            area=run.area, school_year=run.school_year, status=IdentificationRun.Status.FINISHED
        )
        .exclude(pk=run.pk)
        .order_by("-started_at", "-pk")
        .first()
    )
    if earlier is None:
        return _Earlier({}, {})
    decided = CohortEntry.objects.filter(cohort__run=earlier).exclude(
        decision=CohortEntry.Decision.PENDING, source=CohortEntry.Source.RULES
    )
    decisions = {
        pupil_id: {
            "source": source,
            "decision": decision,
            "decision_reason": reason,
            "decided_by_id": by,
            "decided_at": at,
        }
        for pupil_id, source, decision, reason, by, at in decided.values_list(
            "pupil_id", "source", "decision", "decision_reason", "decided_by_id", "decided_at"
        )
    }
    locks = {
        school_id: {"locked_at": at, "locked_by_id": by, "agreed_with": agreed}
        for school_id, at, by, agreed in SchoolCohort.objects.filter(run=earlier, locked_at__isnull=False).values_list(
            "school_id", "locked_at", "locked_by_id", "agreed_with"
        )
    }
    return _Earlier(decisions, locks)


# -- the school's decisions --------------------------------------------------------------------------


def _unlocked(cohort: SchoolCohort) -> None:
    if not cohort.is_current():
        raise ValidationError("This list is from an earlier run. Decisions are made on the current list.")
    if cohort.is_locked:
        raise ValidationError(
            "This list was agreed and locked on %(when)s, so it cannot change.",
            params={"when": f"{timezone.localtime(cohort.locked_at):%-d %B %Y}"},
        )


def cohort_decide(*, actor: Membership, entry: CohortEntry, decision: str, reason: str) -> CohortEntry:
    """Confirm or decline a child on the school's list. Declining needs a reason."""
    reason = reason.strip()
    if decision not in (CohortEntry.Decision.CONFIRMED, CohortEntry.Decision.DECLINED):
        raise ValidationError({"decision": "Choose confirm or decline."})
    if decision == CohortEntry.Decision.DECLINED and not reason:
        raise ValidationError({"reason": "Give the reason for declining, for the record."})
    with transaction.atomic():
        entry = CohortEntry.objects.select_for_update().select_related("cohort", "pupil").get(pk=entry.pk)
        _unlocked(entry.cohort)
        if not entry.on_list:
            raise ValidationError("This child is not on the list. A Link Worker can add them, with a reason.")
        entry.decision = decision
        entry.decision_reason = reason
        entry.decided_by = actor.user
        entry.decided_at = timezone.now()
        entry.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="identification.cohort_entry",
            record_id=entry.pk,
            detail={"decision": decision, "reason": reason, "upn": entry.pupil.upn},
        )
    return entry


def cohort_add(*, actor: Membership, entry: CohortEntry, reason: str) -> CohortEntry:
    """A Link Worker adds a child the rules did not propose; the school then confirms or declines."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this child should be on the list."})
    with transaction.atomic():
        entry = CohortEntry.objects.select_for_update().select_related("cohort", "pupil").get(pk=entry.pk)
        _unlocked(entry.cohort)
        if entry.on_list:
            raise ValidationError("This child is already on the list.")
        entry.source = CohortEntry.Source.ADDED
        entry.decision = CohortEntry.Decision.PENDING
        entry.decision_reason = reason
        entry.decided_by = actor.user
        entry.decided_at = timezone.now()
        entry.save(update_fields=["source", "decision", "decision_reason", "decided_by", "decided_at"])
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="identification.cohort_entry",
            record_id=entry.pk,
            detail={"added": True, "reason": reason, "upn": entry.pupil.upn},
        )
    return entry


def cohort_lock(*, actor: Membership, cohort: SchoolCohort, agreed_with: str) -> SchoolCohort:
    """Lock the school's list once every child on it is confirmed or declined."""
    agreed_with = agreed_with.strip()
    if not agreed_with:
        raise ValidationError({"agreed_with": "Say who agreed the list with you, for example the Link Worker."})
    with transaction.atomic():
        cohort = SchoolCohort.objects.select_for_update().get(pk=cohort.pk)
        _unlocked(cohort)
        undecided = pending_entries(cohort).count()
        if undecided:
            raise ValidationError(
                "%(count)s %(children)s on the list still to confirm or decline.",
                params={"count": undecided, "children": "child is" if undecided == 1 else "children are"},
            )
        cohort.locked_at = timezone.now()
        cohort.locked_by = actor.user
        cohort.agreed_with = agreed_with
        cohort.save(update_fields=["locked_at", "locked_by", "agreed_with"])
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="identification.school_cohort",
            record_id=cohort.pk,
            detail={"locked": True, "agreed_with": agreed_with},
        )
    return cohort


def pending_entries(cohort: SchoolCohort) -> QuerySet[CohortEntry]:
    """The children on the school's list still to confirm or decline."""
    return cohort.entries.filter(
        Q(proposed=True) | Q(source=CohortEntry.Source.ADDED), decision=CohortEntry.Decision.PENDING
    )


def link_worker_schools_set(*, actor: Membership, membership: Membership, schools: Iterable[Organisation]) -> None:
    """Say which schools a Link Worker is based in (and so whose lists they see)."""
    chosen = list(schools)
    with transaction.atomic():
        membership.schools.set(chosen)
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="accounts.membership",
            record_id=membership.pk,
            detail={"schools": sorted(school.name for school in chosen)},
        )
