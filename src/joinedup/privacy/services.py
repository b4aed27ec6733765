"""Data protection: a subject access export of everything held about a child, and retention rules that
archive records past their date and later erase them, each step audited without personal data."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Role
from joinedup.audit.models import AuditAction, AuditEvent
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.cases.models import Child, Enrolment
from joinedup.core.backup import json_value
from joinedup.core.spreadsheets import spreadsheet_safe
from joinedup.privacy.holdings import Holding, holdings
from joinedup.privacy.models import RetentionRule

KEEPERS = frozenset({Role.DATA_LEAD})
SUBJECT_ACCESS = "subject_access"
ACCESS_LOG_COLUMNS = ("when", "person", "role", "organisation", "action", "purpose", "what")


# --- Subject access ---------------------------------------------------------------------------------------


def _text(value: object) -> str:
    """A value as a spreadsheet cell shows it."""
    plain = json_value(value)
    if plain is None:
        return ""
    if isinstance(plain, dict | list):
        return json.dumps(plain, ensure_ascii=False, sort_keys=True)
    return str(plain)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in rows])
    return out.getvalue()


def access_log(child: Child) -> QuerySet[AuditEvent]:
    """Every audited look at or change to the child's record, oldest first."""
    return AuditEvent.objects.filter(child_id=child.pk).select_related("organisation").order_by("seq")


def subject_access_export(*, actor: Membership, child: Child) -> tuple[str, bytes]:
    """A ZIP of everything held about ``child`` and of who saw the record, for a subject access request.

    The caller has already been through the access gate. The export itself is audited.
    """
    if actor.role not in KEEPERS:
        raise ValidationError("Only a programme data lead prepares a subject access export.")
    held = holdings(child)
    log = list(access_log(child))
    prepared = timezone.localtime()
    name = f"subject-access-{child.pk}-{prepared:%Y-%m-%d}"
    buffer = io.BytesIO()
    rows_of = {holding.label: holding.rows() for holding in held}  # each kind read once, for both forms
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}/README.txt", _readme(child, held, len(log), actor, prepared))
        everything = {
            holding.label: {
                "name": holding.name,
                "about_other_people": holding.about_others,
                "may_tell_of_other_people": holding.may_name_others,
                "rows": [{key: json_value(value) for key, value in row.items()} for row in rows_of[holding.label]],
            }
            for holding in held
        }
        archive.writestr(f"{name}/everything.json", json.dumps(everything, ensure_ascii=False, indent=2))
        for holding in held:
            rows = rows_of[holding.label]
            header = list(rows[0]) if rows else []
            archive.writestr(
                f"{name}/records/{holding.label.replace('.', '-')}.csv",
                _csv(header, [[_text(row[key]) for key in header] for row in rows]),
            )
        archive.writestr(
            f"{name}/who-saw-the-record.csv",
            _csv(
                list(ACCESS_LOG_COLUMNS),
                [
                    [
                        _text(timezone.localtime(event.occurred_at)),
                        event.actor_email,
                        event.role,
                        event.organisation.name if event.organisation else "",
                        event.get_action_display(),
                        event.purpose,
                        f"{event.record_type} {event.record_id}".strip(),
                    ]
                    for event in log
                ],
            ),
        )
    audit_record(
        action=AuditAction.EXPORT,
        actor=actor,
        record_type="child",
        record_id=child.pk,
        child_id=child.pk,
        purpose=SUBJECT_ACCESS,
        detail={"kinds": len(held), "rows": sum(len(holding.pks) for holding in held), "access_events": len(log)},
    )
    return f"{name}.zip", buffer.getvalue()


def _mark(holding: Holding) -> str:
    if holding.about_others:
        return " (about other people too)"
    return " (may tell of other people)" if holding.may_name_others else ""


def _readme(child: Child, held: list[Holding], events: int, actor: Membership, prepared: datetime) -> str:
    lines = [
        f"Subject access export: everything Joinedup holds about child {child.pk}",
        f"Prepared {prepared:%d %B %Y at %H:%M} by {actor.user.full_name} ({actor.get_role_display()}, "
        f"{actor.organisation.name}).",
        "",
        "everything.json      every record, kind by kind, with every field",
        "records/*.csv        the same, one spreadsheet per kind",
        f"who-saw-the-record.csv  every audited view of or change to the record ({events} events)",
        "",
        "What is held:",
        *(f"  {holding.name}: {len(holding.pks)}" + _mark(holding) for holding in held),
        "",
        "Before release: kinds marked 'about other people too' (the household) or 'may tell of other people'",
        "(notes, concerns, meetings), and the names of staff in who-saw-the-record.csv, may need redacting",
        "under the third-party rules for subject access requests.",
        "Related records are shown by their number (a school, a worker); the record page names them.",
    ]
    return "\n".join(lines) + "\n"


# --- Retention --------------------------------------------------------------------------------------------


def retention_rule(area: Area) -> RetentionRule:
    rule, _ = RetentionRule.objects.get_or_create(area=area)
    return rule


def retention_rule_save(*, actor: Membership, archive_after_months: int, erase_at_age: int) -> RetentionRule:
    if actor.role not in KEEPERS:
        raise ValidationError("Only a programme data lead sets how long records are kept.")
    rule = retention_rule(actor.area)
    before = {"archive_after_months": rule.archive_after_months, "erase_at_age": rule.erase_at_age}
    rule.archive_after_months = archive_after_months
    rule.erase_at_age = erase_at_age
    rule.updated_by = actor.user
    rule.full_clean()
    rule.save()
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="retention_rule",
        record_id=rule.pk,
        detail={
            "before": before,
            "after": {"archive_after_months": archive_after_months, "erase_at_age": erase_at_age},
        },
    )
    return rule


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    # The same day of the month, or the month's last day when it has fewer.
    for candidate_day in range(day.day, 0, -1):
        try:
            return date(year, month + 1, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _years_before(day: date, years: int) -> date:
    return _months_before(day, years * 12)


@dataclass(frozen=True)
class RetentionDue:
    """What a borough's rule makes due on a day: records to archive, and archived records to erase."""

    rule: RetentionRule
    archive: QuerySet[Child]
    erase: QuerySet[Child]
    closed_before: date
    born_before: date


def retention_due(area: Area, *, today: date) -> RetentionDue:
    rule = retention_rule(area)
    closed_before = _months_before(today, rule.archive_after_months)
    born_before = _years_before(today, rule.erase_at_age)
    in_area = Child.objects.filter(area=area)
    open_enrolment = Enrolment.objects.filter(child=OuterRef("pk"), closed_on__isnull=True)
    archive = (
        in_area.filter(archived_at__isnull=True)
        .annotate(last_closed=Max("enrolments__closed_on"))
        .exclude(Exists(open_enrolment))
        .filter(Q(last_closed__lt=closed_before) | Q(last_closed__isnull=True, created_at__date__lt=closed_before))
    )
    erase = in_area.filter(archived_at__isnull=False, date_of_birth__lte=born_before)
    return RetentionDue(rule, archive.order_by("pk"), erase.order_by("pk"), closed_before, born_before)


@dataclass(frozen=True)
class RetentionResult:
    archived: int
    erased: int
    rows_erased: int


def retention_apply(area: Area, *, today: date, actor: Membership | None = None) -> RetentionResult:
    """Archive and erase what the borough's rule makes due, all or nothing, auditing each child by number."""
    if actor is not None and actor.role not in KEEPERS:
        raise ValidationError("Only a programme data lead applies the retention rule.")
    with transaction.atomic():
        due = retention_due(area, today=today)
        to_archive = list(due.archive.values_list("pk", flat=True))
        to_erase = list(due.erase.select_related("family"))
        now = timezone.now()
        reason = f"Retention: no open enrolment since before {due.closed_before:%d %B %Y}"
        Child.objects.filter(pk__in=to_archive).update(archived_at=now, archived_reason=reason)
        audit_record_many(
            action=AuditAction.ARCHIVE,
            actor=actor,
            record_type="child",
            records=[(pk, pk) for pk in to_archive],
            purpose="retention",
            detail={"rule": _rule_detail(due.rule)},
        )
        rows = 0
        erased_tables: set[str] = set()
        for child in to_erase:
            rows += _erase(child, erased_tables)
            audit_record(
                action=AuditAction.ERASE,
                actor=actor,
                record_type="child",
                record_id=child.pk,
                child_id=child.pk,
                purpose="retention",
                detail={"rule": _rule_detail(due.rule), "born": child.date_of_birth.year},
            )
        if erased_tables:
            # Rows point at each other in every direction: the database checks that nothing is left
            # pointing at a row that is gone (which would undo the whole run).
            connection.check_constraints()
    return RetentionResult(archived=len(to_archive), erased=len(to_erase), rows_erased=rows)


def _rule_detail(rule: RetentionRule) -> dict[str, int]:
    return {"archive_after_months": rule.archive_after_months, "erase_at_age": rule.erase_at_age}


def _erase(child: Child, tables: set[str]) -> int:
    """Delete every row held about the child (and the household, when no other child is in it)."""
    held = holdings(child)
    household_stays = Child.objects.filter(family_id=child.family_id).exclude(pk=child.pk).exists()
    doomed = [holding for holding in held if not (holding.about_others and household_stays)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for holding in doomed:
            table = holding.model._meta.db_table
            column = str(holding.model._meta.pk.column)
            tables.add(table)
            for start in range(0, len(holding.pks), 500):
                chunk = holding.pks[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {quote(table)} WHERE {quote(column)} IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                    list(chunk),
                )
    return sum(len(holding.pks) for holding in doomed)
