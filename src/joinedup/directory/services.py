"""Writes to the directory: imports, local details, verification, and the search index."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import Area, Membership, Organisation, User
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.core.jobs import Progress
from joinedup.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    DirectoryFeed,
    DirectoryImport,
    Funding,
    Language,
    Location,
    Organization,
    OrganizationIdentifier,
    OrukRecord,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceProfile,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.directory.oruk import Bundle, BundleReader, Problem
from joinedup.directory.search_index import search_entries_rebuild
from joinedup.directory.sources import FeedContent, FeedUnusable, feed_read

# Parents before children, so every foreign key points at a row that exists.
WRITE_ORDER: tuple[type[OrukRecord], ...] = (
    Taxonomy,
    TaxonomyTerm,
    Organization,
    OrganizationIdentifier,
    Location,
    Address,
    Accessibility,
    Service,
    ServiceAtLocation,
    Schedule,
    ServiceArea,
    Contact,
    Phone,
    Language,
    Funding,
    CostOption,
    Attribute,
)

# The rows that belong to a service (or to its contacts) and are replaced with it.
_SERVICE_PARTS: tuple[tuple[type[OrukRecord], str], ...] = (
    (ServiceAtLocation, "service_id__in"),
    (Schedule, "service_id__in"),
    (ServiceArea, "service_id__in"),
    (Language, "service_id__in"),
    (Language, "phone__contact__service_id__in"),
    (Phone, "contact__service_id__in"),
    (Contact, "service_id__in"),
    (Funding, "service_id__in"),
    (CostOption, "service_id__in"),
)

BATCH = 2000


class ImportRejected(Exception):
    """The feed could not be imported; nothing was changed. ``problems`` says what and where."""

    def __init__(self, message: str, problems: list[Problem], record: DirectoryImport) -> None:
        super().__init__(message)
        self.problems = problems
        self.record = record


@dataclass
class ImportReport:
    record: DirectoryImport
    services: int
    created: int
    updated: int
    unchanged: int
    deactivated: int
    format: str
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"Read {self.services:,} service{'s' if self.services != 1 else ''} ({self.format}): "
            f"{self.created:,} new, {self.updated:,} changed, "
            f"{self.unchanged:,} unchanged, {self.deactivated:,} no longer in the feed and marked inactive."
        )


def _model_values(model: type[OrukRecord], values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key in _columns(model)}


_COLUMN_CACHE: dict[type[OrukRecord], frozenset[str]] = {}


def _columns(model: type[OrukRecord]) -> frozenset[str]:
    if model not in _COLUMN_CACHE:
        _COLUMN_CACHE[model] = frozenset(f.attname for f in model._meta.concrete_fields)
    return _COLUMN_CACHE[model]


def _upsert(model: type[OrukRecord], rows: Iterable[dict[str, Any]], *, extra_values: dict[str, Any]) -> None:
    objects = [model(**_model_values(model, row), **extra_values) for row in rows]
    if not objects:
        return
    # Every column of these models comes from the feed (or records which feed), so all are updated.
    update_fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.attname in _columns(model)]
    for start in range(0, len(objects), BATCH):
        model._default_manager.bulk_create(
            objects[start : start + BATCH], update_conflicts=True, unique_fields=["id"], update_fields=update_fields
        )


def bundle_write(*, bundle: Bundle, feed: DirectoryFeed, progress: Progress | None = None) -> dict[str, int]:
    """Write a checked bundle: upsert every record, replace the parts of changed services,
    and mark the feed's services that are no longer in it as inactive. Call inside a transaction."""
    services = bundle.rows.get(Service, {})
    # A service is rewritten when the feed changed it, when it comes back after being dropped, or
    # when another borough's feed last sent it (the feed that last sent a service looks after it).
    existing = {
        sid: (digest, feed_id, removed is None)
        for sid, digest, feed_id, removed in Service.objects.filter(id__in=list(services)).values_list(
            "id", "feed_digest", "feed_id", "removed_from_feed_at"
        )
    }
    changed = {sid for sid in services if existing.get(sid) != (bundle.service_digests[sid], feed.pk, True)}
    created = sum(1 for sid in services if sid not in existing)
    now = timezone.now()

    # Parts of changed services are replaced whole: a schedule dropped from the feed goes.
    changed_existing = [sid for sid in changed if sid in existing]
    for start in range(0, len(changed_existing), BATCH):
        chunk = changed_existing[start : start + BATCH]
        for model, lookup in _SERVICE_PARTS:
            model._default_manager.filter(**{lookup: chunk}).delete()
        Attribute.objects.filter(link_entity="service", link_id__in=chunk).delete()

    feed_fields = {"area_id": feed.area_id, "feed_id": feed.pk, "removed_from_feed_at": None}
    total = sum(len(rows) for rows in bundle.rows.values())
    done = 0
    for model in WRITE_ORDER:
        rows = list(bundle.rows.get(model, {}).values())
        if model is Service:
            rows = [dict(row, feed_digest=bundle.service_digests[row["id"]]) for row in rows if row["id"] in changed]
        elif model in {m for m, _ in _SERVICE_PARTS}:
            rows = [row for row in rows if _owner_service(model, row, bundle) in changed]
        elif model is Attribute:
            rows = [row for row in rows if row["link_entity"] != "service" or row["link_id"] in changed]
        extra = feed_fields if model in (Organization, Service, Location) else {}
        _upsert(model, rows, extra_values=extra)
        done += len(bundle.rows.get(model, {}))
        if progress:
            progress(done, total)

    gone = Service.objects.filter(feed=feed, removed_from_feed_at__isnull=True).exclude(id__in=list(services))
    gone_ids = list(gone.values_list("id", flat=True))
    gone.update(status=Service.Status.INACTIVE, removed_from_feed_at=now, last_modified=now)
    Organization.objects.filter(feed=feed, removed_from_feed_at__isnull=True).exclude(
        id__in=list(bundle.rows.get(Organization, {}))
    ).update(removed_from_feed_at=now)

    search_entries_rebuild(service_ids=[*changed, *gone_ids])
    return {
        "created": created,
        "updated": len(changed) - created,
        "unchanged": len(services) - len(changed),
        "deactivated": len(gone_ids),
    }


def _owner_service(model: type[OrukRecord], row: dict[str, Any], bundle: Bundle) -> str | None:
    if model is Phone:
        return str(bundle.rows[Contact][row["contact_id"]]["service_id"])
    if model is Language and row.get("phone_id"):
        phone = bundle.rows[Phone][row["phone_id"]]
        return str(bundle.rows[Contact][phone["contact_id"]]["service_id"])
    return row.get("service_id")


def feed_bundle(content: FeedContent, *, area: Area) -> Bundle:
    """Read and check everything in the feed, without writing."""
    reader = BundleReader(namespace=area.ons_code)
    for taxonomy in content.taxonomies:
        reader.taxonomy(taxonomy)
    for service in content.services:
        reader.service(service)
    known_terms = set(
        TaxonomyTerm.objects.filter(
            id__in={row["taxonomy_term_id"] for row in reader.bundle.rows.get(Attribute, {}).values()}
        ).values_list("id", flat=True)
    )
    reader.check_references(known_terms)
    bundle = reader.bundle
    bundle.problems.extend(content.problems)
    _check_organizations(bundle)
    _check_part_owners(bundle)
    return bundle


# Where a stored part's service is found (the first that is set).
_PART_OWNER: dict[type[OrukRecord], tuple[str, ...]] = {
    ServiceAtLocation: ("service_id",),
    Schedule: ("service_id", "service_at_location__service_id"),
    ServiceArea: ("service_id",),
    Language: ("service_id", "phone__contact__service_id"),
    Contact: ("service_id",),
    Phone: ("contact__service_id",),
    Funding: ("service_id",),
    CostOption: ("service_id",),
}


def _check_part_owners(bundle: Bundle) -> None:
    """A service's part (a schedule, a contact…) whose id already belongs to a service this feed does not
    send would be taken from that service by the upsert: refuse it instead. (Between services the feed
    sends, a part may move: the service it left is rewritten without it.)"""
    in_feed = bundle.ids(Service)
    for model, owner_paths in _PART_OWNER.items():
        rows = bundle.rows.get(model, {})
        if not rows:
            continue
        ids = list(rows)
        for start in range(0, len(ids), BATCH):
            stored = model._default_manager.filter(id__in=ids[start : start + BATCH]).values_list("id", *owner_paths)
            for part_id, *owners in stored:
                owner = next((found for found in owners if found), None)
                wanted = _owner_service(model, rows[part_id], bundle)
                if owner is not None and owner != wanted and owner not in in_feed:
                    kind = model._meta.verbose_name
                    name = Service.objects.filter(id=owner).values_list("name", flat=True).first() or owner
                    bundle.problems.append(
                        Problem(
                            f"{kind} {part_id}",
                            "id",
                            f"already belongs to another service in the directory (‘{name}’); "
                            "every record needs its own id",
                        )
                    )


def _check_organizations(bundle: Bundle) -> None:
    referenced = {row["organization_id"] for row in bundle.rows.get(Service, {}).values() if row["organization_id"]}
    missing = referenced - bundle.ids(Organization)
    if missing:
        missing -= set(Organization.objects.filter(id__in=missing).values_list("id", flat=True))
    for row in bundle.rows.get(Service, {}).values():
        if row["organization_id"] in missing:
            bundle.problems.append(
                Problem(
                    f"service {row['id']} ‘{row.get('name', '')}’",
                    "organization_id",
                    f"names organization {row['organization_id']}, which the feed does not include",
                )
            )


def directory_import(
    *,
    source: str,
    area: Area,
    started_by: User | None = None,
    progress: Progress | None = None,
    feed_name: str | None = None,
) -> ImportReport:
    """Import an ORUK feed (API base URL, JSON file or CSV folder) into the borough's directory.

    ``feed_name`` names the feed when ``source`` is not how people know it (an uploaded file is saved
    under a new name each time, but uploading "brent.json" again is the same feed)."""
    feed, _ = DirectoryFeed.objects.get_or_create(
        area=area, source=feed_name or source, defaults={"kind": _kind(source)}
    )
    record = DirectoryImport.objects.create(feed=feed, started_by=started_by)
    try:
        content = feed_read(source, progress=progress)
    except FeedUnusable as error:
        _reject(record, str(error), [])
    return content_import(content=content, feed=feed, record=record, progress=progress)


def content_import(
    *,
    content: FeedContent,
    feed: DirectoryFeed,
    record: DirectoryImport | None = None,
    progress: Progress | None = None,
    max_problems: int = 500,
) -> ImportReport:
    """Check and write what a feed holds. All or nothing: any problem rejects the whole feed,
    records every problem in the import history, and changes no service."""
    if record is None:
        record = DirectoryImport.objects.create(feed=feed)
    record.format = content.format
    bundle = feed_bundle(content, area=feed.area)
    if bundle.problems:
        count = len(bundle.problems)
        _reject(
            record,
            f"The feed has {count:,} problem{'s' if count != 1 else ''}; nothing was imported. "
            f"Fix {'them' if count != 1 else 'it'} in the feed (or ask its publisher to) and import again.",
            bundle.problems[:max_problems],
        )
    if not bundle.rows.get(Service):
        _reject(record, "The feed has no services; nothing was imported.", [])
    try:
        with transaction.atomic():
            counts = bundle_write(bundle=bundle, feed=feed, progress=progress)
    except Exception as error:
        # The writes are rolled back; the history says the import failed rather than "running" for ever.
        record.status = DirectoryImport.Status.FAILED
        record.finished_at = timezone.now()
        record.message = f"The import stopped with an error and nothing was changed: {type(error).__name__}: {error}"
        record.save()
        raise
    with transaction.atomic():
        record.status = DirectoryImport.Status.SUCCEEDED
        record.finished_at = timezone.now()
        record.created = counts["created"]
        record.updated = counts["updated"]
        record.unchanged = counts["unchanged"]
        record.deactivated = counts["deactivated"]
        record.save()
    return ImportReport(
        record=record, services=len(bundle.rows[Service]), format=content.format, warnings=content.warnings, **counts
    )


def _kind(source: str) -> str:
    if source.startswith(("http://", "https://")):
        return DirectoryFeed.Kind.API
    return DirectoryFeed.Kind.JSON if source.lower().endswith(".json") else DirectoryFeed.Kind.CSV


def _reject(record: DirectoryImport, message: str, problems: list[Problem]) -> NoReturn:
    record.status = DirectoryImport.Status.REJECTED
    record.finished_at = timezone.now()
    record.message = message
    record.errors = [problem.as_dict() for problem in problems]
    record.save()
    raise ImportRejected(message, problems, record)


# -- local details ----------------------------------------------------------------------------


def profile_for(service: Service) -> ServiceProfile:
    try:
        return service.profile
    except ServiceProfile.DoesNotExist:
        return ServiceProfile(service=service)


@transaction.atomic
def service_profile_update(
    *,
    actor: Membership,
    service: Service,
    evidence_level: str,
    evidence_source_url: str,
    evidence_rated_on: Any,
    need_domains: list[str],
    is_delivery_partner: bool,
    delivery_partner: Organisation | None,
    works_in_areas: Iterable[Area],
    works_with_schools: Iterable[Organisation],
    local_notes: str,
) -> ServiceProfile:
    """Change what Joinedup knows about a service (never the feed's own fields)."""
    profile = profile_for(service)
    if profile._state.adding:
        profile.created_by = actor.user
    profile.evidence_level = evidence_level
    profile.evidence_source_url = evidence_source_url
    profile.evidence_rated_on = evidence_rated_on
    profile.need_domains = sorted(set(need_domains))
    profile.is_delivery_partner = is_delivery_partner
    profile.delivery_partner = delivery_partner if is_delivery_partner else None
    profile.local_notes = local_notes
    profile.modified_by = actor.user
    profile.full_clean()
    profile.save()
    profile.works_in_areas.set(works_in_areas)
    profile.works_with_schools.set(works_with_schools)
    search_entries_rebuild(service_ids=[service.id])
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        record_type="service",
        record_id=service.id,
        detail={"fields": ["evidence", "need domains", "delivery partner", "local relationships", "notes"]},
    )
    return profile


@transaction.atomic
def service_verify(*, actor: Membership, service: Service) -> ServiceProfile:
    """Record that a person checked the service's details are still right."""
    profile = profile_for(service)
    if profile._state.adding:
        profile.created_by = actor.user
    profile.last_verified_at = timezone.now()
    profile.last_verified_by = actor.user
    profile.modified_by = actor.user
    profile.save()
    audit_record(
        actor=actor, action=AuditAction.CHANGE, record_type="service", record_id=service.id, detail={"verified": True}
    )
    return profile
