"""The service directory: Open Referral UK 3.0 objects, and our own local knowledge beside them.

The ORUK models hold exactly what a feed says. Each keeps the standard's field
names, stores an absent field as NULL (so an export leaves it out, as the feed
did), and keeps any field we do not model in ``extra`` so that import followed
by export loses nothing. Ids are the feed's ids (UUIDs).

What Joinedup adds (evidence rating, need domains, delivery partners, local
relationships, verification) lives in ``ServiceProfile``, which imports never
touch. ``SearchEntry`` is a derived table for fast search, rebuilt from both.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.accounts.models import Area, Organisation
from joinedup.core.domains import NeedDomain
from joinedup.core.models import RunByProcess, TrackedModel


def _text() -> models.TextField[str | None, str | None]:
    return models.TextField(null=True, blank=True)


def _ref(*, db_index: bool = False) -> models.CharField[str | None, str | None]:
    """A reference to another record by id, kept as text because feeds may point outside themselves."""
    return models.CharField(max_length=36, null=True, blank=True, db_index=db_index)


class OrukRecord(models.Model):
    """Common to every ORUK object: the feed's id and the fields we keep without modelling."""

    id = models.CharField(primary_key=True, max_length=36)
    extra = models.JSONField(default=dict, blank=True)

    # The standard's scalar fields this model stores, in the standard's order.
    ORUK_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, "name", None) or self.id)


class DirectoryFeed(models.Model):
    """Where a borough's directory comes from: an ORUK API, a JSON file or a folder of CSV files."""

    class Kind(models.TextChoices):
        API = "api", "ORUK API"
        JSON = "json", "JSON file"
        CSV = "csv", "Folder of CSV files"
        GENERATED = "generated", "Demo data"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="directory_feeds")
    source = models.CharField(max_length=500, help_text="The API base URL or the file path, as given.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "source"], name="directory_feed_unique_source")]

    def __str__(self) -> str:
        return f"{self.source} ({self.area})"


class DirectoryImport(RunByProcess):
    """One run of an import, kept as the import history."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        REJECTED = "rejected", "Rejected, nothing changed"
        FAILED = "failed", "Failed, nothing changed"

    feed = models.ForeignKey(DirectoryFeed, on_delete=models.PROTECT, related_name="imports")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    format = models.CharField(max_length=32, blank=True, help_text="ORUK 3.0, ORUK 1.0 or HSDS CSV.")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    # [{"record": "service 1234 (Name)", "field": "minimum_age", "message": "..."}]
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Import of {self.feed.source} at {self.started_at:%Y-%m-%d %H:%M}"


class FeedRecord(OrukRecord):
    """A record an import can create, update and mark as gone from its feed."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    feed = models.ForeignKey(DirectoryFeed, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    removed_from_feed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Organization(FeedRecord):
    """An ORUK organization: who provides services (not a Joinedup ``Organisation`` with members)."""

    name = models.CharField(max_length=500)
    alternate_name = _text()
    description = _text()
    email = _text()
    website = _text()
    tax_status = _text()
    tax_id = _text()
    year_incorporated = models.IntegerField(null=True, blank=True)
    legal_status = _text()
    logo = _text()
    uri = _text()
    parent_organization_id = _ref()

    ORUK_FIELDS = (
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "logo",
        "uri",
        "parent_organization_id",
    )

    class Meta:
        ordering = ["name"]


class OrganizationIdentifier(OrukRecord):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="organization_identifiers")
    identifier_scheme = _text()
    identifier_type = models.TextField()
    identifier = models.TextField()

    ORUK_FIELDS = ("identifier_scheme", "identifier_type", "identifier")


class Service(FeedRecord):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services", null=True, blank=True
    )
    program_id = _ref()
    name = models.CharField(max_length=500)
    alternate_name = _text()
    description = _text()
    url = _text()
    email = _text()
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = _text()
    application_process = _text()
    fees_description = _text()
    wait_time = _text()
    fees = _text()
    accreditations = _text()
    eligibility_description = _text()
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = _text()
    licenses = _text()
    alert = _text()
    last_modified = models.DateTimeField(null=True, blank=True, db_index=True)
    # A digest of the service exactly as its feed last sent it: an unchanged service is skipped on re-import.
    feed_digest = models.CharField(max_length=64, blank=True)

    ORUK_FIELDS = (
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "licenses",
        "alert",
        "last_modified",
        "program_id",
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["organization", "name"]),
            # The published list in name order: count, pages and dropped-service checks stay cheap.
            models.Index(fields=["removed_from_feed_at", "name", "id"], name="service_published_by_name"),
        ]


class Location(FeedRecord):
    location_type = models.CharField(max_length=32, default="physical")
    url = _text()
    name = _text()
    alternate_name = _text()
    description = _text()
    transportation = _text()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = _text()
    external_identifier_type = _text()

    ORUK_FIELDS = (
        "location_type",
        "url",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    )


class Address(OrukRecord):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = _text()
    address_1 = models.TextField()
    address_2 = _text()
    city = models.TextField()
    region = _text()
    state_province = models.TextField()
    postal_code = models.TextField()
    country = models.TextField()
    address_type = models.TextField()

    ORUK_FIELDS = (
        "attention",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    )


class Accessibility(OrukRecord):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = _text()
    details = _text()
    url = _text()
    accessibility = _text()

    ORUK_FIELDS = ("description", "details", "url", "accessibility")


class ServiceAtLocation(OrukRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="service_at_locations")
    description = _text()

    ORUK_FIELDS = ("description",)


class Schedule(OrukRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules", null=True, blank=True)
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, related_name="schedules", null=True, blank=True
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = _text()
    timezone = _text()
    until = _text()
    count = models.IntegerField(null=True, blank=True)
    wkst = _text()
    freq = _text()
    interval = models.FloatField(null=True, blank=True)
    byday = _text()
    byweekno = _text()
    bymonthday = _text()
    byyearday = _text()
    description = _text()
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = _text()
    attending_type = _text()
    notes = _text()

    ORUK_FIELDS = (
        "valid_from",
        "valid_to",
        "dtstart",
        "timezone",
        "until",
        "count",
        "wkst",
        "freq",
        "interval",
        "byday",
        "byweekno",
        "bymonthday",
        "byyearday",
        "description",
        "opens_at",
        "closes_at",
        "schedule_link",
        "attending_type",
        "notes",
    )


class ServiceArea(OrukRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = _text()
    description = _text()
    extent = _text()
    extent_type = _text()
    uri = _text()
    service_area = _text()

    ORUK_FIELDS = ("name", "description", "extent", "extent_type", "uri", "service_area")


class Language(OrukRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages", null=True, blank=True)
    phone = models.ForeignKey("Phone", on_delete=models.CASCADE, related_name="languages", null=True, blank=True)
    name = _text()
    code = _text()
    note = _text()

    ORUK_FIELDS = ("name", "code", "note")


class Funding(OrukRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="funding")
    source = _text()

    ORUK_FIELDS = ("source",)


class CostOption(OrukRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = _text()
    currency = _text()
    amount = models.FloatField(null=True, blank=True)
    amount_description = _text()

    ORUK_FIELDS = ("valid_from", "valid_to", "option", "currency", "amount", "amount_description")


class Contact(OrukRecord):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = _text()
    title = _text()
    department = _text()
    email = _text()

    ORUK_FIELDS = ("name", "title", "department", "email")


class Phone(OrukRecord):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    number = models.TextField()
    extension = _text()
    type = _text()
    description = _text()

    ORUK_FIELDS = ("number", "extension", "type", "description")


class Taxonomy(OrukRecord):
    name = models.TextField()
    description = models.TextField()
    uri = _text()
    version = _text()

    ORUK_FIELDS = ("name", "description", "uri", "version")

    class Meta:
        verbose_name_plural = "taxonomies"


class TaxonomyTerm(OrukRecord):
    code = _text()
    name = models.TextField()
    description = models.TextField()
    parent_id = _ref()
    # The taxonomy's name as the feed wrote it, and its id when the feed gives one (it may
    # name a taxonomy the feed does not publish, so it is not a foreign key).
    taxonomy = _text()
    taxonomy_id = _ref(db_index=True)
    language = _text()
    term_uri = _text()
    term = _text()

    ORUK_FIELDS = (
        "code",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "taxonomy_id",
        "language",
        "term_uri",
        "term",
    )


class Attribute(OrukRecord):
    """A taxonomy term attached to a record (``link_entity`` names which kind, ``link_id`` which one)."""

    link_entity = models.CharField(max_length=32)
    link_id = models.CharField(max_length=36)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes")
    link_type = _text()
    value = _text()

    ORUK_FIELDS = ("link_type", "value")

    class Meta:
        indexes = [
            models.Index(fields=["link_entity", "link_id"]),
            models.Index(fields=["taxonomy_term", "link_entity"]),
        ]


class EvidenceLevel(models.TextChoices):
    """Foundations Guidebook ratings (guidebook.eif.org.uk/eif-evidence-standards)."""

    LEVEL_4 = "4", "Level 4: effect lasting a year or more in several rigorous studies"
    LEVEL_3 = "3", "Level 3: a rigorous study shows a short-term effect"
    LEVEL_2 = "2", "Level 2: preliminary evidence"
    NL2 = "NL2", "NL2: evidence below level 2"
    NE = "NE", "NE: found not to be effective"
    NOT_ASSESSED = "", "Not assessed"


# A service's details should be checked by someone at least this often.
VERIFY_EVERY = timedelta(days=365)

# For ranking: higher is stronger evidence; "not effective" ranks below unassessed.
EVIDENCE_RANK: dict[str, int] = {"4": 4, "3": 3, "2": 2, "NL2": 1, "": 0, "NE": -1}


class ServiceProfile(TrackedModel):
    """What Joinedup knows about a service beyond its feed. Imports never change it."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, primary_key=True, related_name="profile")
    evidence_level = models.CharField(max_length=3, choices=EvidenceLevel.choices, blank=True)
    evidence_source_url = models.URLField("evidence source", max_length=500, blank=True)
    evidence_rated_on = models.DateField("date of the rating", null=True, blank=True)
    need_domains = models.JSONField(default=list, blank=True)
    is_delivery_partner = models.BooleanField(
        "commissioned delivery partner", default=False, help_text="Commissioned by the programme to deliver support."
    )
    delivery_partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partner_services",
        null=True,
        blank=True,
        help_text="The partner organisation in Joinedup that receives referrals to this service.",
    )
    works_in_areas = models.ManyToManyField(Area, related_name="local_services", blank=True)
    works_with_schools = models.ManyToManyField(Organisation, related_name="local_services", blank=True)
    local_notes = models.TextField(blank=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    def __str__(self) -> str:
        return f"Local details of {self.service_id}"

    @property
    def need_labels(self) -> list[str]:
        return [NeedDomain(domain).label for domain in self.need_domains if domain in NeedDomain.values]

    @property
    def is_stale(self) -> bool:
        """Not checked by anyone in the last year."""
        return self.last_verified_at is None or timezone.now() - self.last_verified_at > VERIFY_EVERY


class SearchEntry(models.Model):
    """One row per place a service is offered (or one row for a service offered remotely), for search.

    Derived from the ORUK records and the profile by ``search_entries_rebuild``;
    never edited directly. Everything a search filters on is a column here, so a
    search is one indexed query (a latitude band, then the rest) and ranking
    happens over the few hundred rows that remain.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_entries")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # A tenth of a degree of latitude (about 7 miles) the place is in: a search looks up each band its box
    # touches and seeks straight to the box's longitudes, instead of scanning one wide latitude band.
    lat_band = models.SmallIntegerField(null=True, blank=True)
    need_mask = models.BigIntegerField(default=0)
    minimum_age = models.SmallIntegerField(default=0)
    maximum_age = models.SmallIntegerField(default=200)
    evidence_rank = models.SmallIntegerField(default=0)
    is_free = models.BooleanField(default=False)
    is_delivery_partner = models.BooleanField(default=False)
    day_mask = models.SmallIntegerField(default=0, help_text="Monday is bit 0; no schedule means 0.")
    time_mask = models.SmallIntegerField(default=0, help_text="Bits for parts of the day, see search.TIMES.")
    languages = models.CharField(max_length=300, default="", help_text="Lower-case codes and names, |-separated.")
    text = models.TextField(default="", help_text="Lower-case name, description, organisation and terms.")

    class Meta:
        indexes = [
            models.Index(fields=["lat_band", "longitude", "latitude"]),
            models.Index(fields=["latitude"], name="search_entry_no_place", condition=models.Q(latitude__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"Search entry for {self.service_id}"
