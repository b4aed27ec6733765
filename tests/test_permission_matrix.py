"""Every route x every role x own / other organisation / other borough.

The test walks the URL configuration, so a new route that is not listed in
``ROUTES`` fails here until someone decides who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from joinedup.accounts.models import Role
from joinedup.core.models import Job
from joinedup.directory.models import DirectoryFeed, DirectoryImport, Service
from tests.conftest import World

ALL = frozenset(Role)
NONE: frozenset[Role] = frozenset()
CHILD_ROLES = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD, Role.SCHOOL_STAFF})
ADMIN = frozenset({Role.ADMINISTRATOR})
SCOPES = ("own", "other_org", "other_area")


@dataclass(frozen=True)
class Route:
    """Who may use a route. ``allowed`` maps a scope to the roles allowed there."""

    kwargs: Callable[[World, str], dict[str, object]] = lambda world, scope: {}
    allowed: dict[str, frozenset[Role]] = field(default_factory=dict)
    method: str = "get"
    public: bool = False
    api: bool = False


def same_everywhere(roles: frozenset[Role]) -> dict[str, frozenset[Role]]:
    return dict.fromkeys(SCOPES, roles)


def only_own(roles: frozenset[Role]) -> dict[str, frozenset[Role]]:
    return {"own": roles, "other_org": NONE, "other_area": NONE}


def child_kwargs(key: str) -> Callable[[World, str], dict[str, object]]:
    return lambda world, scope: {key: world.children[scope].pk}


def organisation_kwargs(world: World, scope: str) -> dict[str, object]:
    return {"pk": {"own": world.programme, "other_org": world.other_programme, "other_area": _far_org(world)}[scope].pk}


def _far_org(world: World) -> object:
    return world.children["other_area"].school


def person_kwargs(world: World, scope: str) -> dict[str, object]:
    user = {
        "own": world.members[Role.LINK_WORKER].user,
        "other_org": world.children["other_org"].link_worker,
        "other_area": world.children["other_area"].link_worker,
    }[scope]
    return {"pk": user.pk}


def membership_kwargs(world: World, scope: str) -> dict[str, object]:
    """The role of the person whose child is in that scope (the Link Worker's own for "own")."""
    user = world.children[scope].link_worker
    return {"pk": user.memberships.get().pk}


def job_kwargs(world: World, scope: str) -> dict[str, object]:
    admin = world.members[Role.ADMINISTRATOR]
    starter = admin.user if scope == "own" else world.children[scope].link_worker
    assert starter is not None
    job = Job.objects.create(kind="audit_verify", title="Check", started_by=starter, organisation=admin.organisation)
    return {"pk": job.pk}


def service_kwargs(world: World, scope: str) -> dict[str, object]:
    """A service in the borough's directory ("own" and "other_org": directories are per borough) or another's."""
    area = world.other_area if scope == "other_area" else world.area
    service, _ = Service.objects.get_or_create(
        id=f"00000000-0000-4000-8000-{area.pk:012d}", defaults={"name": f"Service in {area.name}", "area": area}
    )
    return {"pk": service.pk}


def import_kwargs(world: World, scope: str) -> dict[str, object]:
    area = world.other_area if scope == "other_area" else world.area
    feed, _ = DirectoryFeed.objects.get_or_create(area=area, source="feed.json", defaults={"kind": "json"})
    return {"pk": DirectoryImport.objects.create(feed=feed).pk}


DATA_LEAD = frozenset({Role.DATA_LEAD})
BOROUGH_DATA_LEAD = {"own": DATA_LEAD, "other_org": DATA_LEAD, "other_area": NONE}


def oruk_kwargs(kind: str) -> Callable[[World, str], dict[str, object]]:
    """The id of a published directory record, for the open ORUK API (the same in every scope)."""

    def kwargs(world: World, scope: str) -> dict[str, object]:
        return {f"{kind}_id": _oruk_directory()[kind]}

    return kwargs


def _oruk_directory() -> dict[str, str]:
    """One published service at one location, with its organization, a taxonomy and a term."""
    from joinedup.directory.models import (
        Location,
        Organization,
        Service,
        ServiceAtLocation,
        Taxonomy,
        TaxonomyTerm,
    )

    organization, _ = Organization.objects.get_or_create(
        id="0a000000-0000-4000-8000-000000000001", defaults={"name": "Open Door", "description": "Family support."}
    )
    service, _ = Service.objects.get_or_create(
        id="0b000000-0000-4000-8000-000000000001", defaults={"name": "Parent support", "organization": organization}
    )
    location, _ = Location.objects.get_or_create(id="0c000000-0000-4000-8000-000000000001")
    at_location, _ = ServiceAtLocation.objects.get_or_create(
        id="0d000000-0000-4000-8000-000000000001", defaults={"service": service, "location": location}
    )
    taxonomy, _ = Taxonomy.objects.get_or_create(
        id="0e000000-0000-4000-8000-000000000001", defaults={"name": "Needs", "description": "Needs."}
    )
    term, _ = TaxonomyTerm.objects.get_or_create(
        id="0f000000-0000-4000-8000-000000000001",
        defaults={"name": "Parenting", "description": "Parenting.", "taxonomy_id": taxonomy.id},
    )
    return {
        "organization": organization.id,
        "service": service.id,
        "service_at_location": at_location.id,
        "taxonomy": taxonomy.id,
        "taxonomy_term": term.id,
    }


def _identification(world: World) -> dict[str, dict[str, int]]:
    """One screening per scope: the own school, another school in the borough, a school in another borough.

    Each has an import, a mapping, a run with its school list, one proposed pupil and one not.
    The Link Worker is based at the own school only.
    """
    cached: dict[str, dict[str, int]] | None = getattr(world, "identification", None)
    if cached is not None:
        return cached
    from joinedup.identification.models import ColumnMapping, ScreenedPupil, ScreeningImport
    from joinedup.identification.services import identification_run

    lead = world.members[Role.DATA_LEAD].user
    schools = {
        "own": world.school,
        "other_org": world.children["other_org"].school,
        "other_area": world.children["other_area"].school,
    }
    found: dict[str, dict[str, int]] = {}
    for scope, school in schools.items():
        area = world.other_area if scope == "other_area" else world.area
        record = ScreeningImport.objects.create(
            area=area, kind="school_data", school_year="2026/27", file_name="s.csv", stored_path="", started_by=lead
        )
        mapping = ColumnMapping.objects.create(area=area, name=f"Export {scope}", kind="school_data", updated_by=lead)
        for n, (fsm, attendance) in enumerate(((True, 80.0), (False, 99.0))):
            ScreenedPupil.objects.create(
                area=area,
                school=school,
                school_year="2026/27",
                upn=f"{scope}-{n}",
                year_group=5,
                fsm=fsm,
                attendance_pct=attendance,
                reading="below" if fsm else "above",
                school_data_import=record,
            )
        found[scope] = {"import": record.pk, "mapping": mapping.pk}
    for area in (world.area, world.other_area):
        run = identification_run(area=area, school_year="2026/27", started_by=lead)
        for scope, school in schools.items():
            cohort = run.school_cohorts.filter(school=school).first()
            if cohort is None:
                continue
            found[scope].update(
                run=run.pk,
                cohort=cohort.pk,
                proposed=cohort.entries.get(proposed=True).pk,
                not_proposed=cohort.entries.get(proposed=False).pk,
            )
    # A rules version only the other borough has, so its number is not found in the first.
    from joinedup.identification.models import RuleSetVersion

    RuleSetVersion.objects.create(area=world.other_area, number=9, rules={}, note="Other borough only")
    for scope in ("own", "other_org"):
        found[scope]["rules"] = 1
    found["other_area"]["rules"] = 9
    world.members[Role.LINK_WORKER].schools.add(world.school)
    world.identification = found
    return found


def enrolment_kwargs(world: World, scope: str) -> dict[str, object]:
    """The child in that scope, with an open enrolment."""
    from datetime import date

    from joinedup.cases.models import Enrolment

    child = world.children[scope]
    assert child.link_worker is not None
    Enrolment.objects.create(
        child=child,
        programme_organisation=child.programme_organisation,
        school=child.school,
        link_worker=child.link_worker,
        start_date=date(2026, 9, 1),
        planned_end_date=date(2028, 9, 1),
    )
    return {"pk": child.pk}


def consent_kwargs(world: World, scope: str) -> dict[str, object]:
    """A consent on record for the child in that scope."""
    from datetime import date

    from joinedup.cases.models import Consent

    child = world.children[scope]
    consent = Consent.objects.create(child=child, purpose="enrolment", given_by="parent", given_on=date(2026, 9, 1))
    return {"pk": child.pk, "consent_pk": consent.pk}


def confirmed_entry_kwargs(world: World, scope: str) -> dict[str, object]:
    """A child confirmed on an agreed list in that scope's school, ready to enrol."""
    from django.utils import timezone

    from joinedup.identification.models import CohortEntry, SchoolCohort

    pk = _identification(world)[scope]["proposed"]
    CohortEntry.objects.filter(pk=pk).update(decision="confirmed")
    SchoolCohort.objects.filter(entries__pk=pk).update(locked_at=timezone.now())
    return {"entry_pk": pk}


def identification_kwargs(key: str, name: str = "pk") -> Callable[[World, str], dict[str, object]]:
    return lambda world, scope: {name: _identification(world)[scope][key]}


IDENTIFICATION = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD, Role.SCHOOL_STAFF, Role.COMMISSIONER})
REPORTS = frozenset({Role.DATA_LEAD, Role.TEAM_MANAGER, Role.COMMISSIONER})
MANAGERS = frozenset({Role.DATA_LEAD, Role.TEAM_MANAGER})
SCHOOL_STAFF = frozenset({Role.SCHOOL_STAFF})


def in_borough(roles: frozenset[Role]) -> dict[str, frozenset[Role]]:
    return {"own": roles, "other_org": roles, "other_area": NONE}


# The open Open Referral UK API: everyone, signed in or not, reads the published directory.
OPEN = same_everywhere(ALL)

ROUTES: dict[str, Route] = {
    "healthz": Route(public=True, allowed=same_everywhere(ALL)),
    "accounts:sign_in": Route(public=True, allowed=same_everywhere(ALL)),
    "accounts:sign_in_code": Route(allowed=same_everywhere(ALL)),
    "accounts:two_factor_setup": Route(allowed=same_everywhere(ALL)),
    "accounts:sign_out": Route(method="post", allowed=same_everywhere(ALL)),
    "accounts:acting_as": Route(allowed=same_everywhere(ALL)),
    "accounts:account": Route(allowed=same_everywhere(ALL)),
    "accounts:password_reset": Route(public=True, allowed=same_everywhere(ALL)),
    # A made-up link shows the "expired" page to anyone; a real link is for its owner only.
    "accounts:password_set": Route(
        public=True, kwargs=lambda world, scope: {"uidb64": "MQ", "token": "not-a-token"}, allowed=same_everywhere(ALL)
    ),
    "core:home": Route(allowed=same_everywhere(ALL)),
    "core:about": Route(public=True, allowed=same_everywhere(ALL)),
    "core:accessibility": Route(public=True, allowed=same_everywhere(ALL)),
    "core:section": Route(
        kwargs=lambda world, scope: {"slug": "outcomes"},
        allowed=same_everywhere(frozenset({Role.TEAM_MANAGER, Role.DATA_LEAD, Role.COMMISSIONER})),
    ),
    # Jobs are seen only by the person who started them ("own": the administrator's job).
    "core:job": Route(kwargs=job_kwargs, allowed=only_own(ADMIN)),
    "core:job_progress": Route(kwargs=job_kwargs, allowed=only_own(ADMIN)),
    "cases:child_list": Route(allowed=same_everywhere(CHILD_ROLES)),
    "cases:child_detail": Route(kwargs=child_kwargs("pk"), allowed=only_own(CHILD_ROLES)),
    # Consent is recorded by those who work with the child: their Link Worker and the team manager.
    "cases:consent_new": Route(
        kwargs=child_kwargs("pk"), allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    "cases:consent_withdraw": Route(
        kwargs=consent_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    "cases:settings": Route(allowed=same_everywhere(MANAGERS)),
    "cases:chronology": Route(kwargs=child_kwargs("pk"), allowed=only_own(CHILD_ROLES)),
    "cases:caseload": Route(allowed=same_everywhere(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))),
    "cases:contact_new": Route(
        kwargs=enrolment_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    # An open enrolment's stage and Link Worker: the child's Link Worker and the team manager.
    "cases:enrolment_edit": Route(
        kwargs=enrolment_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    # Enrolling a confirmed child: the Link Worker based at that school, and the programme's managers.
    "cases:enrol": Route(
        kwargs=confirmed_entry_kwargs,
        allowed={
            "own": frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}),
            "other_org": frozenset({Role.TEAM_MANAGER}),
            "other_area": NONE,
        },
    ),
    "audit:search": Route(allowed=same_everywhere(ADMIN)),
    "audit:verify": Route(method="post", allowed=same_everywhere(ADMIN)),
    "manage:organisations": Route(allowed=same_everywhere(ADMIN)),
    # Administrators manage organisations and people in their own borough only.
    "manage:organisation_two_factor": Route(
        method="post",
        kwargs=organisation_kwargs,
        allowed={"own": ADMIN, "other_org": ADMIN, "other_area": NONE},
    ),
    "manage:people": Route(allowed=same_everywhere(ADMIN)),
    "manage:person_add": Route(allowed=same_everywhere(ADMIN)),
    "manage:person_two_factor_reset": Route(
        method="post", kwargs=person_kwargs, allowed={"own": ADMIN, "other_org": ADMIN, "other_area": NONE}
    ),
    "manage:membership_end": Route(
        method="post", kwargs=membership_kwargs, allowed={"own": ADMIN, "other_org": ADMIN, "other_area": NONE}
    ),
    "manage:person_unlock": Route(
        method="post", kwargs=person_kwargs, allowed={"own": ADMIN, "other_org": ADMIN, "other_area": NONE}
    ),
    # The directory is open to every role; its management is for the borough's data lead.
    "directory:search": Route(allowed=same_everywhere(ALL)),
    "directory:service": Route(kwargs=service_kwargs, allowed=same_everywhere(ALL)),
    "directory:service_edit": Route(kwargs=service_kwargs, allowed=BOROUGH_DATA_LEAD),
    "directory:service_verify": Route(method="post", kwargs=service_kwargs, allowed=BOROUGH_DATA_LEAD),
    "directory:manage": Route(allowed=same_everywhere(DATA_LEAD)),
    "directory:imports": Route(allowed=same_everywhere(DATA_LEAD)),
    "directory:import_detail": Route(kwargs=import_kwargs, allowed=BOROUGH_DATA_LEAD),
    "directory:gaps": Route(allowed=same_everywhere(frozenset({Role.DATA_LEAD, Role.TEAM_MANAGER, Role.COMMISSIONER}))),
    # Identification: school lists by school; reports and rules by borough; imports for the data lead.
    "identification:home": Route(allowed=same_everywhere(IDENTIFICATION)),
    "identification:imports": Route(allowed=same_everywhere(DATA_LEAD)),
    "identification:import_detail": Route(kwargs=identification_kwargs("import"), allowed=BOROUGH_DATA_LEAD),
    "identification:mappings": Route(allowed=same_everywhere(DATA_LEAD)),
    "identification:mapping_new": Route(allowed=same_everywhere(DATA_LEAD)),
    "identification:mapping_edit": Route(kwargs=identification_kwargs("mapping"), allowed=BOROUGH_DATA_LEAD),
    "identification:rules": Route(allowed=same_everywhere(IDENTIFICATION)),
    "identification:rules_edit": Route(allowed=same_everywhere(DATA_LEAD)),
    "identification:rules_upload": Route(method="post", allowed=same_everywhere(DATA_LEAD)),
    "identification:rules_version": Route(
        kwargs=identification_kwargs("rules", "number"), allowed=in_borough(IDENTIFICATION)
    ),
    "identification:rules_toml": Route(
        kwargs=identification_kwargs("rules", "number"), allowed=in_borough(IDENTIFICATION)
    ),
    "identification:runs": Route(allowed=same_everywhere(REPORTS)),
    "identification:run": Route(kwargs=identification_kwargs("run"), allowed=in_borough(IDENTIFICATION)),
    "identification:fairness": Route(kwargs=identification_kwargs("run"), allowed=in_borough(REPORTS)),
    # The own school's list: its staff, the Link Worker based there, and the programme's managers.
    "identification:cohort": Route(
        kwargs=identification_kwargs("cohort"),
        allowed={"own": CHILD_ROLES, "other_org": MANAGERS, "other_area": NONE},
    ),
    "identification:cohort_lock": Route(
        method="post", kwargs=identification_kwargs("cohort"), allowed=only_own(SCHOOL_STAFF)
    ),
    "identification:entry_decide": Route(
        method="post", kwargs=identification_kwargs("proposed"), allowed=only_own(SCHOOL_STAFF)
    ),
    "identification:entry_add": Route(
        kwargs=identification_kwargs("not_proposed"),
        allowed={
            "own": frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}),
            "other_org": frozenset({Role.TEAM_MANAGER}),
            "other_area": NONE,
        },
    ),
    "identification:link_workers": Route(allowed=same_everywhere(MANAGERS)),
    "published_rules": Route(
        public=True, kwargs=lambda world, scope: {"ons_code": world.area.ons_code}, allowed=same_everywhere(ALL)
    ),
    "find_support:search": Route(public=True, allowed=same_everywhere(ALL)),
    "find_support:service": Route(public=True, kwargs=service_kwargs, allowed=same_everywhere(ALL)),
    "oruk:root": Route(public=True, allowed=OPEN),
    "oruk:openapi": Route(public=True, allowed=OPEN),
    "oruk:services": Route(public=True, allowed=OPEN),
    "oruk:service": Route(public=True, kwargs=oruk_kwargs("service"), allowed=OPEN),
    "oruk:service_at_locations": Route(public=True, allowed=OPEN),
    "oruk:service_at_location": Route(public=True, kwargs=oruk_kwargs("service_at_location"), allowed=OPEN),
    "oruk:taxonomies": Route(public=True, allowed=OPEN),
    "oruk:taxonomy": Route(public=True, kwargs=oruk_kwargs("taxonomy"), allowed=OPEN),
    "oruk:taxonomy_terms": Route(public=True, allowed=OPEN),
    "oruk:taxonomy_term": Route(public=True, kwargs=oruk_kwargs("taxonomy_term"), allowed=OPEN),
    "oruk:organizations": Route(public=True, allowed=OPEN),
    "oruk:organization": Route(public=True, kwargs=oruk_kwargs("organization"), allowed=OPEN),
    # Any other path under /api/oruk/ is a JSON 404 for everyone.
    "oruk:unknown": Route(
        public=True, kwargs=lambda world, scope: {"rest": "no-such-endpoint"}, allowed=same_everywhere(NONE)
    ),
    "api:openapi-json": Route(public=True, api=True, allowed=same_everywhere(ALL)),
    "api:openapi-view": Route(public=True, api=True, allowed=same_everywhere(ALL)),
    # The API's root has no operation of its own: 404 for everyone.
    "api:api-root": Route(public=True, api=True, allowed=same_everywhere(NONE)),
    "api:me": Route(api=True, allowed=same_everywhere(ALL)),
    "api:children": Route(api=True, allowed=same_everywhere(ALL)),
    "api:child": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
    "api:enrolments": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
    "api:contacts": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
    # The same path as api:contacts (its GET); who may POST is tested in tests/cases/test_api.py.
    "api:contact_create": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
}


def all_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace and pattern.namespace
                    else (pattern.namespace or namespace)
                )
                walk(pattern.url_patterns, inner or "")
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_in_the_matrix() -> None:
    missing = all_route_names() - set(ROUTES)
    assert not missing, f"Add these routes to ROUTES with who may use them: {sorted(missing)}"
    stale = set(ROUTES) - all_route_names()
    assert not stale, f"These routes no longer exist: {sorted(stale)}"


def request(client: Client, route: Route, url: str) -> int:
    response = client.post(url) if route.method == "post" else client.get(url)
    if response.status_code == 302:
        # Being sent to sign in again is a refusal, not a success.
        assert not response["Location"].startswith(reverse("accounts:sign_in")) or route.method == "post"
    return response.status_code


CASES = [(name, role, scope) for name in sorted(ROUTES) for role in Role for scope in SCOPES]


@pytest.mark.parametrize(("name", "role", "scope"), CASES)
def test_matrix(world: World, name: str, role: Role, scope: str) -> None:
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(world, scope))
    status = request(world.client_for(role), route, url)
    if role in route.allowed[scope]:
        assert status in (200, 302), f"{role.label} should reach {name} ({scope}) but got {status}"
    else:
        assert status in (403, 404), f"{role.label} must be refused {name} ({scope}) but got {status}"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_is_refused_everything_but_public_routes(world: World, name: str) -> None:
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(world, "own"))
    response = Client().post(url) if route.method == "post" else Client().get(url)
    if route.public:
        assert response.status_code == (200 if route.allowed["own"] else 404)
    elif route.api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))
