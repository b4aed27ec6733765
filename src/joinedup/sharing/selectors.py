"""Reads for sharing, already scoped by the gates in ``access.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from joinedup.accounts.models import Membership, Organisation
from joinedup.cases.models import Child
from joinedup.linkage import date_read
from joinedup.sharing.access import PARTNER_ROLES, agreements_visible_to, sees_results, shared_cases_for_partner
from joinedup.sharing.models import FIELD_LABELS, DataSharingAgreement, MatchPair, MatchRun, SharedCase

# The matcher's compared fields, by the column of a person list they come from.
LEVEL_OF_COLUMN = {
    "forenames": "forename",
    "surname": "surname",
    "date_of_birth": "dob",
    "sex": "sex",
    "postcode": "postcode",
    "address": "address",
    "school": "school",
    "nhs_number": "nhs_number",
    "upn": "upn",
}


#: Rows on a page of a run's automatic pairs, or of a partner's shared children.
PAGE_ROWS = 50


def partners_for(actor: Membership) -> QuerySet[Organisation]:
    """The organisations in the actor's borough an agreement can be made with: any but ours and programmes."""
    return (
        Organisation.objects.filter(areas=actor.area_id)
        .exclude(pk=actor.organisation_id)
        .exclude(kind=Organisation.Kind.PROGRAMME)
        .order_by("name")
    )


def _waiting(prefix: str) -> Q:
    """Pairs waiting for a person, as a filter (``prefix`` for related pairs, like "pairs__"): undecided,
    whichever band (an undone automatic confirmation waits too)."""
    return Q(**{f"{prefix}decision": MatchPair.Decision.UNDECIDED})


@dataclass(frozen=True)
class AgreementRow:
    agreement: DataSharingAgreement
    #: Its pairs waiting for a person, or None where the actor's role may not see its results.
    waiting: int | None


def agreements_listed(actor: Membership) -> list[AgreementRow]:
    """The agreements the actor sees, each with its pairs waiting for a person."""
    agreements = agreements_visible_to(actor).annotate(waiting=Count("runs__pairs", filter=_waiting("runs__pairs__")))
    return [
        AgreementRow(agreement, agreement.waiting if sees_results(actor, agreement) else None)
        for agreement in agreements
    ]


def agreement_runs(agreement: DataSharingAgreement) -> QuerySet[MatchRun]:
    """The agreement's runs, newest first, each with ``waiting``: its pairs waiting for a person."""
    return agreement.runs.select_related("started_by").annotate(waiting=Count("pairs", filter=_waiting("pairs__")))


@dataclass(frozen=True)
class RunPairs:
    to_review: list[MatchPair]
    decided: Page[MatchPair]

    def listed(self) -> list[MatchPair]:
        return [*self.to_review, *self.decided]


def run_pairs(run: MatchRun, page_number: str | None) -> RunPairs:
    """The run's pairs: all those waiting for a person, and the decided ones (automatically, by a person,
    or in an earlier run) a page at a time."""
    pairs = run.pairs.select_related("child__school", "decided_by").order_by("child__surname", "child__forenames", "pk")
    return RunPairs(
        to_review=list(pairs.filter(_waiting(""))),
        decided=Paginator(pairs.exclude(_waiting("")), PAGE_ROWS).get_page(page_number),
    )


def next_to_review(pair: MatchPair) -> int | None:
    """Another pair of the same run still waiting for a person, to go on to."""
    following: int | None = pair.run.pairs.filter(_waiting("")).exclude(pk=pair.pk).values_list("pk", flat=True).first()
    return following


def shared_case_of_pair(pair: MatchPair) -> SharedCase | None:
    """The shared case in force this pair is behind, if any."""
    return SharedCase.objects.filter(pair=pair, ended_at__isnull=True).select_related("child").first()


def partner_practitioners(case: SharedCase) -> QuerySet[Membership]:
    """Who may lead a shared case for the partner: its practitioners who see shared cases, not its commissioners."""
    return Membership.objects.filter(
        organisation_id=case.partner_id, area_id=case.child.area_id, role__in=PARTNER_ROLES, is_active=True
    ).select_related("user")


@dataclass(frozen=True)
class ComparedField:
    label: str
    ours: str
    theirs: str
    level: str
    differs: bool


def _ours(child: Child) -> dict[str, str]:
    family = child.family
    return {
        "record_id": str(child.pk),
        "forenames": child.forenames,
        "surname": child.surname,
        "date_of_birth": f"{child.date_of_birth.day} {child.date_of_birth:%B %Y}",
        "sex": child.get_sex_display(),
        "postcode": child.home_postcode,
        "address": ", ".join(filter(None, [family.address_line_1, family.address_line_2, family.town])),
        "school": child.school.name,
        "nhs_number": "",
        "upn": "",
    }


def _plain(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())


def _same(column: str, child: Child, ours: str, theirs: str) -> bool:
    if column == "date_of_birth":
        return date_read(theirs).value == child.date_of_birth
    if column == "sex":
        return _plain(theirs)[:1] == child.sex.casefold()
    return _plain(ours) == _plain(theirs)


def pair_comparison(pair: MatchPair) -> list[ComparedField]:
    """Our child and the partner's record side by side, field by field, each with the level the matcher found
    and whether the two differ (said in words on the page, not by colour alone)."""
    ours = _ours(pair.child)
    if pair.run.kind == MatchRun.Kind.ENCODED:
        return _levels_only(pair, ours, ENCODED_VALUE)
    theirs = pair.partner_details
    if not theirs:
        return _levels_only(pair, ours, DELETED_VALUE)
    sent = set(pair.run.agreement.fields_we_send)
    rows = []
    for column, label in FIELD_LABELS.items():
        if column == "record_id" or column not in theirs:
            continue
        mine, written = ours[column], theirs.get(column, "")
        partner = _as_written(column, written)
        if column not in sent:
            # They send it, we may not: the matcher never saw ours, so the two were not compared.
            rows.append(ComparedField(label, mine, partner, NOT_COMPARED, False))
            continue
        level = pair.levels.get(LEVEL_OF_COLUMN.get(column, ""), "")
        if not mine or not partner:
            level = level or "missing"
        # The matcher's level says whether they agree: "HA09GT" and "HA0 9GT" are the same postcode.
        differs = (
            _differs(level) if level else (bool(mine and written) and not _same(column, pair.child, mine, written))
        )
        rows.append(ComparedField(label, mine, partner, level, differs))
    return rows


#: How a field compared when it is not in what we may send: the matcher had only theirs.
NOT_COMPARED = "not compared: not in what we may send"


def _as_written(column: str, value: str) -> str:
    """The partner's value as the page shows ours: a date of birth as "9 June 2019" when it reads as a date."""
    if column == "date_of_birth" and value:
        read = date_read(value).value
        if read is not None:
            return f"{read.day} {read:%B %Y}"
    return value


#: What the page shows for a partner's value the matcher saw only as an encoding.
ENCODED_VALUE = "Encoded, not seen"
#: What it shows once the partner's details were deleted, when the agreement ended.
DELETED_VALUE = "Deleted when the agreement ended"


def _levels_only(pair: MatchPair, ours: dict[str, str], theirs: str) -> list[ComparedField]:
    """A record with no values to show (encoded, or deleted): each field says only how it compared."""
    rows = []
    for column, label in FIELD_LABELS.items():
        level = pair.levels.get(LEVEL_OF_COLUMN.get(column, ""), "")
        if column == "record_id" or not level:
            continue
        rows.append(ComparedField(label, ours[column], theirs, level, _differs(level)))
    return rows


def _differs(level: str) -> bool:
    return level not in ("the same", "missing")


# -- what a partner sees -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedChild:
    """A child shared with a partner, with only what the agreement lets us send them ("" or None otherwise)."""

    case: SharedCase
    name: str
    date_of_birth: date | None
    age: int | None
    school: str


def shared_child(case: SharedCase, today: date) -> SharedChild:
    sent = set(case.agreement.fields_we_send)
    child = case.child
    name = " ".join(
        part for column, part in (("forenames", child.forenames), ("surname", child.surname)) if column in sent
    )
    return SharedChild(
        case=case,
        name=name,
        date_of_birth=child.date_of_birth if "date_of_birth" in sent else None,
        age=child.age_on(today) if "date_of_birth" in sent else None,
        school=child.school.name if "school" in sent else "",
    )


def agreements_paused_for_partner(actor: Membership) -> list[tuple[DataSharingAgreement, str]]:
    """The partner's agreements not ended but not in force today, with why: their children are not shown."""
    agreements = DataSharingAgreement.objects.filter(
        partner_id=actor.organisation_id, area_id=actor.area_id, ended_at__isnull=True
    ).select_related("organisation", "partner")
    return [(agreement, refusal) for agreement in agreements if (refusal := agreement.refusal())]


def shared_cases_page(actor: Membership, search: str, page_number: str | None) -> Page[SharedCase]:
    """A page of the partner's shared cases, those matching ``search`` when given: by their own record number,
    or by the child's name under agreements that let us send it (a name we may not send cannot be searched for)."""
    cases = shared_cases_for_partner(actor).select_related(
        "child__school", "child__link_worker", "agreement", "lead_membership__user"
    )
    if search:
        agreements = DataSharingAgreement.objects.filter(partner_id=actor.organisation_id, area_id=actor.area_id)
        found = Q(partner_record_id__iexact=search)
        for column in ("forenames", "surname"):
            sending = [agreement.pk for agreement in agreements if column in agreement.fields_we_send]
            found |= Q(agreement_id__in=sending) & Q(**{f"child__{column}__icontains": search})
        cases = cases.filter(found)
    ordered = cases.order_by("child__surname", "child__forenames", "pk")
    return Paginator(ordered, PAGE_ROWS).get_page(page_number)
