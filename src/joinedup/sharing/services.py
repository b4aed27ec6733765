"""Writes for sharing: agreements, match runs, decisions on pairs and the shared cases they make."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import Membership, Organisation
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.cases.access import Purpose
from joinedup.cases.models import Child
from joinedup.core.concurrency import unchanged_since
from joinedup.core.running import runner_here
from joinedup.core.uploads import upload_delete
from joinedup.linkage import (
    ENCODED_FIELDS,
    FIELDS,
    EncodingError,
    ListError,
    MatchResult,
    MatchSettings,
    PersonList,
    UnreadableDates,
    clear_pair,
    encode,
    encoded_check_pair,
    encoded_fingerprint,
    encoded_read,
    encoded_write,
    key_fingerprint,
    match,
    match_encoded,
    people_clean,
    people_columns,
    people_raw,
)
from joinedup.sharing.lists import columns_refused, our_list
from joinedup.sharing.models import (
    FIELD_LABELS,
    DataSharingAgreement,
    MatchPair,
    MatchRun,
    SharedCase,
    ours_encoded_path,
)

Progress = Callable[[int, int | None], None]
logger = logging.getLogger(__name__)

# The terms of an agreement: changing any of them but the title withdraws its sign-off.
AGREEMENT_TERMS = (
    "partner",
    "title",
    "purpose",
    "lawful_basis",
    "fields_we_send",
    "fields_we_receive",
    "run_roles",
    "result_roles",
    "starts_on",
    "review_on",
    "expires_on",
)


class SharingRefused(ValidationError):
    """Nothing may be shared: no agreement in force, or a role the agreement does not name."""


def agreement_check(agreement: DataSharingAgreement, *, on: date | None = None) -> None:
    """Raise ``SharingRefused`` saying why, unless the agreement is in force on ``on`` (today)."""
    refusal = agreement.refusal(on)
    if refusal:
        raise SharingRefused(refusal)


@transaction.atomic
def agreement_create(
    *,
    actor: Membership,
    partner: Organisation,
    title: str,
    purpose: str,
    lawful_basis: str,
    fields_we_send: Sequence[str],
    fields_we_receive: Sequence[str],
    run_roles: Sequence[str],
    result_roles: Sequence[str],
    starts_on: date,
    expires_on: date,
    review_on: date | None = None,
) -> DataSharingAgreement:
    agreement = DataSharingAgreement(
        area_id=actor.area_id,
        organisation_id=actor.organisation_id,
        partner=partner,
        title=title,
        purpose=purpose,
        lawful_basis=lawful_basis,
        fields_we_send=list(fields_we_send),
        fields_we_receive=list(fields_we_receive),
        run_roles=list(run_roles),
        result_roles=list(result_roles),
        starts_on=starts_on,
        review_on=review_on,
        expires_on=expires_on,
        terms_set_by=actor.user,
        created_by=actor.user,
        modified_by=actor.user,
    )
    agreement.full_clean()
    agreement.save()
    audit_record(action=AuditAction.CREATE, actor=actor, record_type="sharing.agreement", record_id=agreement.pk)
    return agreement


@transaction.atomic
def agreement_update(*, actor: Membership, agreement: DataSharingAgreement, **terms: Any) -> DataSharingAgreement:
    """Change the agreement's terms (``AGREEMENT_TERMS``). A change withdraws the sign-off."""
    unknown = set(terms) - set(AGREEMENT_TERMS)
    if unknown:
        raise TypeError(f"Not terms of an agreement: {', '.join(sorted(unknown))}")
    if agreement.ended_at is not None:
        raise ValidationError("The agreement has ended: make a new one instead.")
    changed = [name for name, value in terms.items() if getattr(agreement, name) != value]
    if "partner" in changed and agreement.runs.exists():
        raise ValidationError(
            {
                "partner": "Lists from this partner have been matched under the agreement: end it and make a new one "
                "with the other organisation instead."
            }
        )
    for name in changed:
        setattr(agreement, name, terms[name])
    if set(changed) - {"title"}:
        agreement.terms_set_by = actor.user
        agreement.signed_off_at = None
        agreement.signed_off_name = agreement.signed_off_role = ""
    agreement.modified_by = actor.user
    agreement.full_clean()
    agreement.save()
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="sharing.agreement",
        record_id=agreement.pk,
        detail={"changed": changed},
    )
    return agreement


@transaction.atomic
def agreement_sign_off(
    *, actor: Membership, agreement: DataSharingAgreement, name: str, role: str
) -> DataSharingAgreement:
    """Record who signed the agreement off for both organisations (by name and role), and when."""
    if agreement.ended_at is not None:
        raise ValidationError("The agreement has ended: make a new one instead.")
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the name of the person who signed the agreement off."
    if not role.strip():
        errors["role"] = "Enter their role, such as Data protection officer."
    if errors:
        raise ValidationError(errors)
    if agreement.terms_set_by_id == actor.user_id:
        raise ValidationError(
            "You set these terms, so someone else records their sign-off: another data lead or team manager "
            "checks the terms against the signed agreement."
        )
    agreement.signed_off_name = name.strip()
    agreement.signed_off_role = role.strip()
    agreement.signed_off_at = timezone.now()
    agreement.modified_by = actor.user
    agreement.full_clean()
    agreement.save()
    audit_record(action=AuditAction.CHANGE, actor=actor, record_type="sharing.agreement", record_id=agreement.pk)
    return agreement


@transaction.atomic
def agreement_end(*, actor: Membership, agreement: DataSharingAgreement, reason: str) -> DataSharingAgreement:
    """End the agreement now, and every shared case that rests on it."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the agreement is ending."})
    if agreement.ended_at is not None:
        raise ValidationError("The agreement has already ended.")
    now = timezone.now()
    agreement.ended_at = now
    agreement.ended_reason = reason.strip()
    agreement.modified_by = actor.user
    agreement.full_clean()
    agreement.save()
    ending = list(SharedCase.objects.filter(agreement=agreement, ended_at__isnull=True))
    SharedCase.objects.filter(pk__in=[case.pk for case in ending]).update(
        ended_at=now, ended_reason="The agreement ended.", modified_by=actor.user, modified_at=now
    )
    audit_record_many(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="sharing.shared_case",
        records=[(case.pk, case.child_id) for case in ending],
        purpose=Purpose.DATA_MANAGEMENT,
        detail={"ended": "The agreement ended."},
    )
    # What the partner sent us about each child is kept only while the agreement is in force: the pairs
    # nobody decided go, and the decided ones keep how each field compared, as the record of what was
    # decided.
    MatchPair.objects.filter(run__agreement=agreement, decision=MatchPair.Decision.UNDECIDED).delete()
    MatchPair.objects.filter(run__agreement=agreement).update(partner_details={})
    audit_record(action=AuditAction.CHANGE, actor=actor, record_type="sharing.agreement", record_id=agreement.pk)
    return agreement


# -- match runs -------------------------------------------------------------------------------------------


def _partner_list(run: MatchRun) -> tuple[PersonList, dict[str, dict[str, str]]]:
    """The partner's list cleaned for matching, and each record's details as the file gave them.

    ``people_read`` in two steps (read, then clean), so the details can be shown as the partner wrote them.
    """
    path = Path(run.stored_path)
    raw = people_raw(path, mapping=run.mapping)
    people = people_clean(raw, run.file_name, unreadable_dates="missing" if run.unreadable_dates_missing else "refuse")
    allowed = list(run.agreement.fields_we_receive)
    details = {
        str(row["record_id"]): {column: str(row[column] or "") for column in allowed}
        for row in raw.select(allowed).to_pylist()
    }
    return people, details


def match_run_create(
    *,
    actor: Membership,
    agreement: DataSharingAgreement,
    path: Path,
    file_name: str,
    mapping: Mapping[str, str | Sequence[str]] | None = None,
    auto_confirm_from: float = 0.99,
    review_from: float = 0.5,
    unreadable_dates_missing: bool = False,
) -> MatchRun:
    """Check the partner's file and record a run of it, to be matched by ``match_run_execute``.

    The file is refused, deleted and nothing recorded when the agreement is not in force, the actor's role
    may not run matches under it, it has columns beyond what the partner may send us, or it cannot be read.
    """
    try:
        _may_run(actor, agreement)
        refused = columns_refused(people_columns(path), mapping or {}, agreement)
        if refused:
            raise ValidationError({"file": refused})
        run = MatchRun(
            agreement=agreement,
            kind=MatchRun.Kind.PLAIN,
            file_name=file_name,
            stored_path=str(path),
            mapping=dict(mapping or {}),
            unreadable_dates_missing=unreadable_dates_missing,
            auto_confirm_from=auto_confirm_from,
            review_from=review_from,
            started_by=actor.user,
        )
        run.full_clean()
        # Read it now, so a file that cannot be matched is refused on the page, not later in the worker.
        _partner_list(run)
    except UnreadableDates as error:
        upload_delete(str(path))
        raise ValidationError(
            {"file": f"{error} Or tick ‘Read a date of birth that is not a date as missing’ and upload it again."}
        ) from None
    except ListError as error:
        upload_delete(str(path))
        raise ValidationError({"file": str(error)}) from None
    except ValidationError:
        upload_delete(str(path))
        raise
    with transaction.atomic():
        run.save()
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="sharing.match_run",
            record_id=run.pk,
            detail={"agreement": agreement.pk, "file": file_name},
        )
    return run


def encoded_run_create(
    *,
    actor: Membership,
    agreement: DataSharingAgreement,
    path: Path,
    file_name: str,
    key: bytes,
    auto_confirm_from: float = 0.99,
    review_from: float = 0.5,
) -> MatchRun:
    """Check a partner's encoded list and record a run of it, with our list encoded now with the same key.

    The key is used here and never kept: our children are encoded at once and the encoded file waits
    beside the partner's for the worker. Refused (and both files deleted, nothing recorded) when the
    agreement is not in force, the role may not run matches, the file is not an encoded list, or it
    was encoded with another key or other settings.
    """
    ours_path = ours_encoded_path(path)
    try:
        _may_run(actor, agreement)
        theirs = encoded_read(path)
        refused = _encoded_fields_refused(theirs, agreement)
        if refused:
            raise ValidationError({"file": refused})
        theirs_made_with, chosen = encoded_fingerprint(theirs), key_fingerprint(key)
        if theirs_made_with != chosen:
            raise ValidationError(
                {
                    "key_file": (
                        f"{file_name} was encoded with another key (fingerprint {theirs_made_with}) than the key file"
                        f" you chose (fingerprint {chosen}). Choose this agreement's key file, or ask"
                        f" {agreement.partner} to encode their list again with it."
                    )
                }
            )
        ours = encode(people_clean(our_list(agreement), "our children").table, key)
        encoded_check_pair(ours, theirs)
        encoded_write(ours, ours_path)
        run = MatchRun(
            agreement=agreement,
            kind=MatchRun.Kind.ENCODED,
            file_name=file_name,
            stored_path=str(path),
            auto_confirm_from=auto_confirm_from,
            review_from=review_from,
            started_by=actor.user,
        )
        run.full_clean()
    except EncodingError as error:
        upload_delete(str(ours_path))
        upload_delete(str(path))
        raise ValidationError({"file": str(error).replace(path.name, file_name)}) from None
    except ValidationError:
        upload_delete(str(ours_path))
        upload_delete(str(path))
        raise
    with transaction.atomic():
        run.save()
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="sharing.match_run",
            record_id=run.pk,
            detail={"agreement": agreement.pk, "file": file_name, "kind": run.kind},
        )
    return run


# The person-list column each encoded field is made from.
_ENCODED_SOURCE = {"forename": "forenames", "forename_group": "forenames", "dob": "date_of_birth"}
_ENCODED_SOURCE |= {"postcode_district": "postcode"}


def _encoded_fields_refused(theirs: Any, agreement: DataSharingAgreement) -> str:
    """Why an encoded list holds more than the agreement lets the partner send us, or ""."""
    given = {
        _ENCODED_SOURCE.get(field, field)
        for field in ENCODED_FIELDS
        if f"bf_{field}" in theirs.column_names and theirs.column(f"bf_{field}").null_count < theirs.num_rows
    }
    extra = sorted(given - set(agreement.fields_we_receive))
    if not extra:
        return ""
    labels = ", ".join(FIELD_LABELS[column].lower() for column in extra)
    return (
        f"The encoded list holds {labels}, which the agreement with {agreement.partner} does not let them send us. "
        "Ask them to encode a list without these columns, and upload it again."
    )


def _may_run(actor: Membership, agreement: DataSharingAgreement) -> None:
    agreement_check(agreement)
    if actor.role not in agreement.run_roles:
        raise SharingRefused(f"The agreement with {agreement.partner} does not let your role run matches.")


def _matched(
    run: MatchRun, settings: MatchSettings, progress: Any
) -> tuple[MatchResult, int, int, dict[str, Any], tuple[str, ...]]:
    """The run's match: the pairs, the number of children each side, the partner's details by record, and
    what reading their list found to say (dates read as missing, or either way round)."""
    if run.kind == MatchRun.Kind.ENCODED:
        ours_encoded, theirs_encoded = (
            encoded_read(ours_encoded_path(run.stored_path)),
            encoded_read(Path(run.stored_path)),
        )
        result = match_encoded(ours_encoded, theirs_encoded, settings, progress=progress)
        # An encoded list holds nothing readable: the review shows how each field compared, no values.
        return result, ours_encoded.num_rows, theirs_encoded.num_rows, {}, ()
    ours = people_clean(our_list(run.agreement), "our children")
    theirs, details = _partner_list(run)
    return match(ours, theirs, settings, progress=progress), ours.rows, theirs.rows, details, theirs.notes


def match_run_execute(*, run: MatchRun, progress: Progress | None = None) -> MatchRun:
    """Match the run's file against our children; keep the pairs at or above the review threshold.

    The pairs at or above the automatic threshold are confirmed and make (or renew) shared cases. The
    uploaded file is deleted whatever happens. A run whose agreement is no longer in force fails and
    matches nothing.
    """
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING, runner=runner_here())

    def step(text: str, share: float) -> None:
        if progress is not None:
            progress(round(share * 100), 100)

    try:
        agreement_check(run.agreement)
        settings = MatchSettings(threshold=run.review_from, one_to_one=True)
        result, our_rows, partner_rows, details, notes = _matched(run, settings, step)
        with transaction.atomic():
            run.our_rows = our_rows
            run.partner_rows = partner_rows
            _pairs_save(run, result.pairs.to_pylist(), details)
            replaced = _earlier_waiting_replace(run)
            run.status = MatchRun.Status.FINISHED
            run.candidate_pairs = result.candidate_pairs
            run.settings_json = result.settings.to_dict()
            run.model_json = result.model
            auto = run.pairs.filter(band=MatchPair.Band.AUTO).count()
            carried = run.pairs.filter(carried_from__isnull=False).count()
            waiting = run.pairs.filter(decision=MatchPair.Decision.UNDECIDED).count()
            earlier = f", {carried} decided in earlier runs" if carried else ""
            run.message = (
                f"Matched {_count(partner_rows, 'record')} of theirs against our "
                f"{_count(our_rows, 'child', 'children')}: "
                f"{auto} confirmed automatically{earlier}, {waiting} to review."
            )
            if replaced:
                run.message += f" It replaces {_count(replaced, 'pair')} still waiting from their earlier lists."
            for note in notes:
                run.message += f" {note}"
            if not _long_enough(run):
                run.message += (
                    f" Lists of fewer than {django_settings.JOINEDUP_AUTO_CONFIRM_FEWEST} children give the model"
                    " too little to learn from,"
                    " so every pair waits for a person."
                )
    except (ListError, EncodingError, ValidationError) as error:
        run.status = MatchRun.Status.FAILED
        run.message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    except Exception:
        # The run page says it failed; the traceback goes to the log, not to the page.
        logger.exception("Match run %s failed", run.pk)
        run.status = MatchRun.Status.FAILED
        run.message = (
            "The match could not finish because of a fault in Joinedup, and nothing was kept. Start the match "
            f"again; if it fails again, tell your administrator that match run {run.pk} failed."
        )
    finally:
        run.files_delete()
        run.finished_at = timezone.now()
        run.save()
    return run


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _long_enough(run: MatchRun) -> bool:
    """Whether both lists are long enough for the model to learn from (``JOINEDUP_AUTO_CONFIRM_FEWEST``)."""
    return min(run.our_rows, run.partner_rows) >= django_settings.JOINEDUP_AUTO_CONFIRM_FEWEST


def _earlier_decisions(run: MatchRun) -> dict[tuple[int, str], MatchPair]:
    """The newest decision on each child and partner record in the partner's earlier runs."""
    decided = (
        MatchPair.objects.filter(
            run__agreement__partner_id=run.agreement.partner_id, run__agreement__area_id=run.agreement.area_id
        )
        .exclude(run=run)
        .exclude(decision=MatchPair.Decision.UNDECIDED)
        .order_by("decided_at", "pk")
        .only("pk", "child_id", "partner_record_id", "decision", "decided_by_id", "decided_at")
    )
    return {(pair.child_id, pair.partner_record_id): pair for pair in decided}


def _pairs_save(run: MatchRun, pairs: list[dict[str, Any]], details: dict[str, dict[str, str]]) -> None:
    """Keep the run's pairs at or above its review threshold, decided automatically, carried from an earlier
    run, or waiting for a person; then settle the shared cases and audit what was shared. A few queries,
    however many pairs."""
    known = set(
        Child.objects.filter(
            area_id=run.agreement.area_id, programme_organisation_id=run.agreement.organisation_id
        ).values_list("pk", flat=True)
    )
    earlier = _earlier_decisions(run)
    now = timezone.now()
    kept = []
    for pair in pairs:
        probability = float(pair["match_probability"])
        child_id = int(pair["left_id"])
        if probability < run.review_from or child_id not in known:
            continue
        levels = {field: str(pair[field]) for field in FIELDS if pair.get(field) is not None}
        record_id = str(pair["right_id"])
        saved = MatchPair(
            run=run,
            child_id=child_id,
            partner_record_id=record_id,
            partner_details=details.get(record_id, {}),
            match_probability=probability,
            match_weight=float(pair["match_weight"]),
            levels=levels,
            band=MatchPair.Band.REVIEW,
        )
        before = earlier.get((child_id, record_id))
        if before is not None:
            # Decided in an earlier run: the same decision stands, and nobody reviews the pair again.
            saved.decision, saved.decided_by_id, saved.decided_at = (
                before.decision,
                before.decided_by_id,
                before.decided_at,
            )
            saved.carried_from = before
        elif probability >= run.auto_confirm_from and clear_pair(levels) and _long_enough(run):
            # Twins and namesakes score high on everything but the first name or the date of birth: a person
            # looks at every pair where those do not agree, however high its score; and at every pair from
            # lists too short for the model to learn from.
            saved.band, saved.decision, saved.decided_at = MatchPair.Band.AUTO, MatchPair.Decision.CONFIRMED, now
        kept.append(saved)
    MatchPair.objects.bulk_create(kept)
    decided = [pair for pair in kept if pair.decision != MatchPair.Decision.UNDECIDED]
    _shared_cases_settle(
        {pair.child_id for pair in decided},
        run.agreement.partner_id,
        user=None,
        reason="Found not to be the same child.",
    )
    for carried, how in ((False, "confirmed automatically"), (True, "confirmed in an earlier run")):
        audit_record_many(
            action=AuditAction.SHARE,
            user=run.started_by,
            record_type="sharing.match_pair",
            records=[
                (pair.pk, pair.child_id)
                for pair in decided
                if pair.decision == MatchPair.Decision.CONFIRMED and (pair.carried_from is not None) == carried
            ],
            purpose=Purpose.DATA_MANAGEMENT,
            detail={"decision": how, "partner": run.agreement.partner_id, "run": run.pk},
        )


def _earlier_waiting_replace(run: MatchRun) -> int:
    """Delete the pairs still waiting from the partner's earlier lists: the newer list is the one to decide
    on (its pairs of the same children and records wait there), and what nobody decided is not kept."""
    replaced, _ = MatchPair.objects.filter(
        run__agreement__partner_id=run.agreement.partner_id,
        run__agreement__area_id=run.agreement.area_id,
        run__started_at__lt=run.started_at,
        decision=MatchPair.Decision.UNDECIDED,
    ).delete()
    return replaced


def _shared_cases_settle(child_ids: set[int], partner_id: int, *, user: Any, reason: str) -> None:
    """Make each child's shared case with the partner follow the decisions on their pairs.

    For each of the partner's records paired with a child, the newest decision counts (undoing one
    leaves the one before it). The child is shared while a record's newest decision is "same child",
    under an agreement in force: the case stands on the newest such pair (made, renewed or moved to it).
    Otherwise a case in force ends, for ``reason``. Three queries and two writes, however many children.
    """
    if not child_ids:
        return
    decided = (
        MatchPair.objects.filter(child_id__in=child_ids, run__agreement__partner_id=partner_id)
        .exclude(decision=MatchPair.Decision.UNDECIDED)
        .select_related("run__agreement__partner")
        .order_by("decided_at", "pk")
    )
    newest: dict[int, dict[str, MatchPair]] = {}
    for pair in decided:
        newest.setdefault(pair.child_id, {})[pair.partner_record_id] = pair
    cases = {
        case.child_id: case
        for case in SharedCase.objects.select_for_update().filter(child_id__in=child_ids, partner_id=partner_id)
    }
    now = timezone.now()
    made, changed = [], []
    for child_id in sorted(child_ids):
        standing = [
            pair
            for pair in newest.get(child_id, {}).values()
            if pair.decision == MatchPair.Decision.CONFIRMED and pair.run.agreement.is_active()
        ]
        case = cases.get(child_id)
        if not standing:
            if case is not None and case.ended_at is None:
                case.ended_at, case.ended_reason = now, reason
                changed.append(case)
            continue
        pair = max(standing, key=lambda each: (each.run.started_at, each.pk))
        if case is not None and case.pair_id == pair.pk and case.ended_at is None:
            continue
        if case is None:
            case = SharedCase(child_id=child_id, partner_id=partner_id, created_by=user)
            made.append(case)
        else:
            changed.append(case)
        case.agreement, case.run, case.pair = pair.run.agreement, pair.run, pair
        case.partner_record_id = pair.partner_record_id
        case.ended_at, case.ended_reason = None, ""
    for case in [*made, *changed]:
        case.modified_by, case.modified_at = user, now
    SharedCase.objects.bulk_create(made)
    SharedCase.objects.bulk_update(
        changed,
        ["agreement", "run", "pair", "partner_record_id", "ended_at", "ended_reason", "modified_by", "modified_at"],
    )


# -- decisions ----------------------------------------------------------------------------------------------

DECISIONS = {"confirm": MatchPair.Decision.CONFIRMED, "reject": MatchPair.Decision.REJECTED}


def _may_decide(pair: MatchPair) -> None:
    frozen = pair.run.frozen()
    if frozen:
        raise ValidationError(frozen)


@transaction.atomic
def pair_decide(*, actor: Membership, pair: MatchPair, decision: str) -> MatchPair:
    """Confirm a pair (same child: a shared case) or reject it (not the same child: ends its shared case).

    Confirming needs the agreement to be in force; rejecting never does, so a mistake can always be undone.
    """
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Choose whether this is the same child."})
    pair = MatchPair.objects.select_for_update().select_related("run__agreement__partner").get(pk=pair.pk)
    _may_decide(pair)
    if pair.decision != MatchPair.Decision.UNDECIDED:
        # Someone decided it since the page was drawn (another person, or another tab).
        who = pair.decided_by.full_name if pair.decided_by else "automatically"
        raise ValidationError(
            f"This pair was decided already ({pair.get_decision_display().lower()}, {who}, "
            f"{timezone.localtime(pair.decided_at):%-d %B %Y, %H:%M}): undo that decision first to change it."
        )
    if decision == "confirm":
        agreement_check(pair.run.agreement)
    pair.decision = DECISIONS[decision]
    pair.decided_by = actor.user
    pair.decided_at = timezone.now()
    pair.full_clean()
    pair.save()
    _shared_cases_settle(
        {pair.child_id}, pair.run.agreement.partner_id, user=actor.user, reason="Found not to be the same child."
    )
    audit_record(
        action=AuditAction.SHARE if decision == "confirm" else AuditAction.CHANGE,
        actor=actor,
        record_type="sharing.match_pair",
        record_id=pair.pk,
        child_id=pair.child_id,
        purpose=Purpose.DATA_MANAGEMENT,
        detail={"decision": pair.decision, "partner": pair.run.agreement.partner_id},
    )
    return pair


@transaction.atomic
def pair_undo(*, actor: Membership, pair: MatchPair) -> MatchPair:
    """Take a decision back (a person's or the automatic one): the pair waits for review, and any shared case
    it made ends."""
    pair = MatchPair.objects.select_for_update().select_related("run__agreement__partner").get(pk=pair.pk)
    _may_decide(pair)
    if pair.decision == MatchPair.Decision.UNDECIDED:
        raise ValidationError("There is no decision on this pair to undo.")
    previous = pair.decision
    pair.decision = MatchPair.Decision.UNDECIDED
    pair.decided_by = actor.user
    pair.decided_at = timezone.now()
    pair.carried_from = None
    pair.save()
    _shared_cases_settle(
        {pair.child_id}, pair.run.agreement.partner_id, user=actor.user, reason="The decision was undone."
    )
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="sharing.match_pair",
        record_id=pair.pk,
        child_id=pair.child_id,
        purpose=Purpose.DATA_MANAGEMENT,
        detail={"undone": previous},
    )
    return pair


@transaction.atomic
def shared_case_lead_set(
    *,
    actor: Membership,
    case: SharedCase,
    membership: Membership | None,
    name: str = "",
    email: str = "",
    seen: datetime | None = None,
) -> SharedCase:
    """Name the partner's lead practitioner: a Joinedup member of the partner, or a name and email.

    ``seen``: when the person opened the case; a lead someone else named since is not silently replaced.
    """
    if membership is None and not name.strip():
        raise ValidationError({"name": "Choose the lead practitioner, or enter their name."})
    unchanged_since(case, seen, noun="shared case")
    case.lead_membership = membership
    case.lead_name = "" if membership else name.strip()
    case.lead_email = "" if membership else email.strip()
    case.modified_by = actor.user
    case.full_clean()
    case.save()
    audit_record(
        action=AuditAction.CHANGE,
        actor=actor,
        record_type="sharing.shared_case",
        record_id=case.pk,
        child_id=case.child_id,
        purpose=Purpose.DATA_MANAGEMENT,
    )
    return case
