"""Reading and writing Open Referral UK 3.0 JSON.

``BundleReader`` turns services as a feed sends them (nested JSON) into rows
for each model, checking every field and collecting every problem with the
record and field it belongs to. ``service_to_oruk`` and friends turn stored
rows back into the standard's JSON. Both are driven by each model's
``ORUK_FIELDS``, so a field is declared once and read and written the same way.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import models

from joinedup.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
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
    Taxonomy,
    TaxonomyTerm,
)

VERSION = "HSDS-UK-3.0"
PROFILE = "https://openreferraluk.org/specifications/3.0"

# Ids in a feed should be UUIDs. Other ids (numbers, slugs) are turned into UUIDs
# derived from the borough, the kind of record and the id, so the same feed
# always gives the same ids and two boroughs' "1" never collide.
_ID_NAMESPACE = uuid.UUID("8d0f5b1e-6f0e-4d8a-9d7c-4f3e1c2b5a60")

# Keys whose values are ids, wherever they appear.
_ID_KEYS = frozenset(
    {
        "id",
        "organization_id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "contact_id",
        "phone_id",
        "taxonomy_term_id",
        "taxonomy_id",
        "parent_id",
        "parent_organization_id",
        "program_id",
        "link_id",
    }
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a feed: which record, which field, and why."""

    record: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"record": self.record, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        where = f"{self.record}, {self.field}" if self.field else self.record
        return f"{where}: {self.message}"


class FieldError(ValueError):
    pass


def _label(kind: str, data: dict[str, Any]) -> str:
    name = data.get("name")
    return f"{kind} {data.get('id', '(no id)')}" + (f" ‘{name}’" if isinstance(name, str) and name else "")


# -- reading ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FieldError(f"expected text, got {json.dumps(value)[:40]}")
    return str(value)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise FieldError(f"expected a number, got {value}")
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        raise FieldError(f"expected a number, got ‘{value}’") from None


def _integer(value: Any) -> int:
    number = _number(value)
    if not number.is_integer():
        raise FieldError(f"expected a whole number, got {value}")
    return int(number)


def _date(value: Any) -> date:
    text = _text(value).strip()
    try:
        # Some feeds write dates as date-times; the date part is what the field means.
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        raise FieldError(f"expected a date like 2025-09-01, got ‘{value}’") from None


def _datetime(value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(_text(value).strip())
    except ValueError:
        raise FieldError(f"expected a date and time like 2025-09-01T09:30:00Z, got ‘{value}’") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _time(value: Any) -> time:
    text = _text(value).strip()
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        raise FieldError(f"expected a time like 09:30, got ‘{value}’") from None
    return parsed.replace(tzinfo=None)


def _status(value: Any) -> str:
    text = _text(value).strip().lower()
    if text not in Service.Status.values:
        allowed = ", ".join(Service.Status.values)
        raise FieldError(f"expected one of {allowed}, got ‘{value}’")
    return text


def _parser_for(model_field: models.Field[Any, Any]) -> Any:
    if isinstance(model_field, models.DateTimeField):
        return _datetime
    if isinstance(model_field, models.DateField):
        return _date
    if isinstance(model_field, models.TimeField):
        return _time
    if isinstance(model_field, models.FloatField):
        return _number
    if isinstance(model_field, models.IntegerField):
        return _integer
    return _text


def _field(model: type[OrukRecord], name: str) -> models.Field[Any, Any]:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field


def record_id(value: Any, *, kind: str, namespace: str) -> str:
    """The id to store for a feed's id: the id itself when it is a UUID, else a UUID derived from it."""
    text = _text(value).strip()
    if not text:
        raise FieldError("is empty")
    try:
        return str(uuid.UUID(text)) if len(text) == 36 else str(uuid.uuid5(_ID_NAMESPACE, f"{namespace}:{kind}:{text}"))
    except ValueError:
        return str(uuid.uuid5(_ID_NAMESPACE, f"{namespace}:{kind}:{text}"))


def digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


# The keys that tie a service's own part to its parent.
_PARENT_KEYS = ("service_id", "contact_id", "phone_id", "link_id")


@dataclass
class Bundle:
    """Rows read from a feed, by model and id, ready to be written."""

    rows: dict[type[OrukRecord], dict[str, dict[str, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    service_digests: dict[str, str] = field(default_factory=dict)

    def add(self, model: type[OrukRecord], values: dict[str, Any]) -> None:
        rows = self.rows.setdefault(model, {})
        earlier = rows.get(values["id"])
        # Places, organizations and terms are shared between services and may repeat; a service's own
        # parts (a schedule, a contact) may not: one id under two parents would silently move it.
        parents = [key for key in _PARENT_KEYS if key in values]
        if earlier is not None and any(earlier.get(key) != values[key] for key in parents):
            kind = model._meta.verbose_name
            self.problems.append(
                Problem(
                    f"{kind} {values['id']}", "id", f"is used for two different {kind}s; every record needs its own id"
                )
            )
            return
        rows[values["id"]] = values

    def ids(self, model: type[OrukRecord]) -> set[str]:
        return set(self.rows.get(model, {}))


# The kind of id each reference names, so a non-UUID reference maps to the same UUID as the record.
_REFERENCE_KIND = {
    "organization_id": "organization",
    "parent_organization_id": "organization",
    "location_id": "location",
    "taxonomy_term_id": "taxonomy_term",
    "taxonomy_id": "taxonomy",
    "parent_id": "taxonomy_term",
    "program_id": "program",
    "service_id": "service",
    "service_at_location_id": "service_at_location",
    "contact_id": "contact",
    "phone_id": "phone",
}


class BundleReader:
    """Reads ORUK 3.0 services (as from ``/services/{id}``) into a ``Bundle``."""

    def __init__(self, *, namespace: str) -> None:
        self.namespace = namespace
        self.bundle = Bundle()

    # Each model's parsers, built once: {field name: parser}.
    _parsers: dict[type[OrukRecord], dict[str, Any]] = {}

    @classmethod
    def parsers(cls, model: type[OrukRecord]) -> dict[str, Any]:
        if model not in cls._parsers:
            cls._parsers[model] = {name: _parser_for(_field(model, name)) for name in model.ORUK_FIELDS}
            if model is Service:
                cls._parsers[model]["status"] = _status
        return cls._parsers[model]

    def _id(self, value: Any, kind: str) -> str:
        return record_id(value, kind=kind, namespace=self.namespace)

    def _record(
        self, model: type[OrukRecord], kind: str, data: Any, *, label: str, nested: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        """The stored values of one object: parsed standard fields, and the rest kept in ``extra``."""
        if not isinstance(data, dict):
            self.bundle.problems.append(Problem(label, "", f"expected a {kind} object, got {type(data).__name__}"))
            return None
        label = _label(kind, data)
        if data.get("id") in (None, ""):
            self.bundle.problems.append(Problem(label, "id", "is missing; every record needs an id"))
            return None
        try:
            values: dict[str, Any] = {"id": self._id(data["id"], kind), "extra": {}}
        except FieldError as error:  # an id that is not text or a number (true, a list)
            self.bundle.problems.append(Problem(label, "id", str(error)))
            return None
        parsers = self.parsers(model)
        skip = set(nested)
        failed: set[str] = set()
        for key, raw in data.items():
            if key == "id" or key in skip:
                continue
            if key in parsers:
                if raw is None or (raw == "" and parsers[key] is not _text):
                    # Absent. A column the database requires (an address's state_province) keeps its
                    # default, "", instead of failing the whole write.
                    if _field(model, key).null:
                        values[key] = None
                    continue
                try:
                    value = parsers[key](raw)
                    if key in _REFERENCE_KIND:
                        value = self._id(value, _REFERENCE_KIND[key])
                    values[key] = value
                except FieldError as error:
                    failed.add(key)
                    self.bundle.problems.append(Problem(label, key, str(error)))
            elif key in _REFERENCE_KIND and raw not in (None, ""):
                try:
                    values["extra"][key] = self._id(raw, _REFERENCE_KIND[key])
                except FieldError as error:
                    self.bundle.problems.append(Problem(label, key, str(error)))
            else:
                values["extra"][key] = raw
        for required in _REQUIRED.get(model, ()):
            if values.get(required) in (None, "") and required not in failed:
                self.bundle.problems.append(Problem(label, required, "is missing; the standard requires it"))
        return values

    def _linked(self, data: dict[str, Any], kind: str, read: Callable[[dict[str, Any]], str | None]) -> str | None:
        """The id of the record ``kind`` that ``data`` links to: nested in full (which is read too), or named by
        ``<kind>_id``. None when it has neither."""
        nested = data.get(kind)
        if isinstance(nested, dict) and nested:
            return read(nested)
        if data.get(f"{kind}_id"):
            try:
                return self._id(data[f"{kind}_id"], kind)
            except FieldError as error:
                self.bundle.problems.append(Problem(_label(kind, data), f"{kind}_id", str(error)))
        return None

    def _list(self, data: dict[str, Any], key: str, label: str) -> list[Any]:
        items = data.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            self.bundle.problems.append(Problem(label, key, "expected a list"))
            return []
        return items

    def service(self, data: Any) -> None:
        values = self._record(Service, "service", data, label="service", nested=_SERVICE_NESTED)
        if values is None:
            return
        label = _label("service", data)
        service_id = values["id"]
        values["organization_id"] = self._linked(data, "organization", self.organization)
        values["extra"].pop("organization_id", None)
        self.bundle.add(Service, values)
        self.bundle.service_digests[service_id] = digest(data)
        for item in self._list(data, "schedules", label):
            self._child(Schedule, "schedule", item, service_id=service_id)
        for item in self._list(data, "service_areas", label):
            self._child(ServiceArea, "service_area", item, service_id=service_id)
        for item in self._list(data, "languages", label):
            self._child(Language, "language", item, service_id=service_id)
        for item in self._list(data, "funding", label):
            self._child(Funding, "funding", item, service_id=service_id)
        for item in self._list(data, "cost_options", label):
            self._child(CostOption, "cost_option", item, service_id=service_id)
        for item in self._list(data, "contacts", label):
            self.contact(item, service_id=service_id)
        for item in self._list(data, "service_at_locations", label):
            self.service_at_location(item, service_id=service_id)
        for item in self._list(data, "attributes", label):
            self.attribute(item, link_entity="service", link_id=service_id)

    def _child(self, model: type[OrukRecord], kind: str, data: Any, **parent: str) -> dict[str, Any] | None:
        values = self._record(model, kind, data, label=kind)
        if values is not None:
            values.update(parent)
            self.bundle.add(model, values)
        return values

    def contact(self, data: Any, *, service_id: str) -> None:
        values = self._record(Contact, "contact", data, label="contact", nested=("phones",))
        if values is None:
            return
        values["service_id"] = service_id
        self.bundle.add(Contact, values)
        for phone in self._list(data, "phones", _label("contact", data)):
            phone_values = self._record(Phone, "phone", phone, label="phone", nested=("languages",))
            if phone_values is None:
                continue
            phone_values["contact_id"] = values["id"]
            self.bundle.add(Phone, phone_values)
            for language in self._list(phone, "languages", _label("phone", phone)):
                self._child(Language, "language", language, phone_id=phone_values["id"])

    def service_at_location(self, data: Any, *, service_id: str) -> None:
        values = self._record(
            ServiceAtLocation, "service_at_location", data, label="service_at_location", nested=("location",)
        )
        if values is None:
            return
        label = _label("service_at_location", data)
        location_id = self._linked(data, "location", self.location)
        if location_id is None:
            self.bundle.problems.append(Problem(label, "location", "is missing; say where the service is offered"))
            return
        values["extra"].pop("location_id", None)
        values.update(service_id=service_id, location_id=location_id)
        self.bundle.add(ServiceAtLocation, values)

    def location(self, data: dict[str, Any]) -> str | None:
        values = self._record(
            Location, "location", data, label="location", nested=("addresses", "accessibility", "attributes")
        )
        if values is None:
            return None
        label = _label("location", data)
        for name, bound in (("latitude", 90), ("longitude", 180)):
            if values.get(name) is not None and not -bound <= values[name] <= bound:
                self.bundle.problems.append(Problem(label, name, f"must be between -{bound} and {bound}"))
        self.bundle.add(Location, values)
        for item in self._list(data, "addresses", label):
            self._child(Address, "address", item, location_id=values["id"])
        for item in self._list(data, "accessibility", label):
            self._child(Accessibility, "accessibility", item, location_id=values["id"])
        for item in self._list(data, "attributes", label):
            self.attribute(item, link_entity="location", link_id=values["id"])
        return str(values["id"])

    def organization(self, data: dict[str, Any]) -> str | None:
        values = self._record(
            Organization, "organization", data, label="organization", nested=("organization_identifiers", "attributes")
        )
        if values is None:
            return None
        label = _label("organization", data)
        self.bundle.add(Organization, values)
        for item in self._list(data, "organization_identifiers", label):
            self._child(OrganizationIdentifier, "organization_identifier", item, organization_id=values["id"])
        for item in self._list(data, "attributes", label):
            self.attribute(item, link_entity="organization", link_id=values["id"])
        return str(values["id"])

    def attribute(self, data: Any, *, link_entity: str, link_id: str) -> None:
        values = self._record(Attribute, "attribute", data, label="attribute", nested=("taxonomy_term",))
        if values is None:
            return
        label = _label("attribute", data)
        term_id = self._linked(data, "taxonomy_term", self.taxonomy_term)
        if term_id is None:
            self.bundle.problems.append(Problem(label, "taxonomy_term", "is missing; an attribute names a term"))
            return
        for key in ("taxonomy_term_id", "link_id", "link_entity"):
            values["extra"].pop(key, None)
        values.update(taxonomy_term_id=term_id, link_entity=link_entity, link_id=link_id)
        self.bundle.add(Attribute, values)

    def taxonomy_term(self, data: dict[str, Any]) -> str | None:
        values = self._record(TaxonomyTerm, "taxonomy_term", data, label="taxonomy_term")
        if values is None:
            return None
        self.bundle.add(TaxonomyTerm, values)
        return str(values["id"])

    def taxonomy(self, data: Any) -> None:
        values = self._record(Taxonomy, "taxonomy", data, label="taxonomy", nested=("taxonomy_terms",))
        if values is None:
            return
        self.bundle.add(Taxonomy, values)
        for term in self._list(data, "taxonomy_terms", _label("taxonomy", data)):
            term_id = self.taxonomy_term(term) if isinstance(term, dict) else None
            if term_id and not self.bundle.rows[TaxonomyTerm][term_id].get("taxonomy_id"):
                self.bundle.rows[TaxonomyTerm][term_id]["taxonomy_id"] = values["id"]

    def check_references(self, known_terms: set[str]) -> None:
        """Every attribute must name a term the feed (or an earlier import) defines."""
        terms = self.bundle.ids(TaxonomyTerm) | known_terms
        for values in self.bundle.rows.get(Attribute, {}).values():
            if values["taxonomy_term_id"] not in terms:
                self.bundle.problems.append(
                    Problem(
                        f"attribute {values['id']}",
                        "taxonomy_term_id",
                        f"names taxonomy term {values['taxonomy_term_id']}, which the feed does not define",
                    )
                )


_SERVICE_NESTED = (
    "organization",
    "schedules",
    "service_areas",
    "service_at_locations",
    "languages",
    "funding",
    "cost_options",
    "contacts",
    "attributes",
)

# Fields the standard marks as required, beyond the id.
_REQUIRED: dict[type[OrukRecord], tuple[str, ...]] = {
    Service: ("name", "status"),
    Organization: ("name",),
    Phone: ("number",),
    Taxonomy: ("name",),
    TaxonomyTerm: ("name",),
}


# -- writing ---------------------------------------------------------------------------------


def _out(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def oruk_fields(record: OrukRecord, **more: Any) -> dict[str, Any]:
    """A record's standard fields (absent ones left out, as the standard's schemas expect), then its extras."""
    data: dict[str, Any] = {"id": record.id}
    for name in record.ORUK_FIELDS:
        value = getattr(record, name)
        if value is not None:
            data[name] = _out(value)
    for name, value in more.items():
        if value is not None:
            data[name] = value
    for name, value in record.extra.items():
        data.setdefault(name, value)
    return data


def taxonomy_term_to_oruk(term: TaxonomyTerm) -> dict[str, Any]:
    return oruk_fields(term)


def taxonomy_to_oruk(taxonomy: Taxonomy, terms: Iterable[TaxonomyTerm] | None = None) -> dict[str, Any]:
    if terms is None:
        return oruk_fields(taxonomy)
    return oruk_fields(taxonomy, taxonomy_terms=[taxonomy_term_to_oruk(term) for term in terms])


def attributes_to_oruk(attributes: Iterable[Attribute]) -> list[dict[str, Any]]:
    return [
        oruk_fields(
            attribute,
            link_id=attribute.link_id,
            taxonomy_term_id=attribute.taxonomy_term_id,
            taxonomy_term=taxonomy_term_to_oruk(attribute.taxonomy_term),
        )
        for attribute in attributes
    ]


def organization_to_oruk(organization: Organization, attributes: Iterable[Attribute] = ()) -> dict[str, Any]:
    return oruk_fields(
        organization,
        organization_identifiers=[oruk_fields(item) for item in organization.organization_identifiers.all()],
        attributes=attributes_to_oruk(attributes) or None,
    )


def location_to_oruk(location: Location, attributes: Iterable[Attribute] = ()) -> dict[str, Any]:
    return oruk_fields(
        location,
        addresses=[oruk_fields(item) for item in location.addresses.all()],
        accessibility=[oruk_fields(item) for item in location.accessibility.all()],
        attributes=attributes_to_oruk(attributes) or None,
    )


def service_at_location_to_oruk(
    item: ServiceAtLocation, attributes: dict[tuple[str, str], list[Attribute]], **more: Any
) -> dict[str, Any]:
    location = item.location
    return oruk_fields(item, location=location_to_oruk(location, attributes.get(("location", location.id), ())), **more)


def contact_to_oruk(contact: Contact) -> dict[str, Any]:
    return oruk_fields(
        contact,
        phones=[
            oruk_fields(phone, languages=[oruk_fields(language) for language in phone.languages.all()] or None)
            for phone in contact.phones.all()
        ]
        or None,
    )


def service_to_oruk(service: Service, attributes: dict[tuple[str, str], list[Attribute]]) -> dict[str, Any]:
    """The whole service as ``/services/{id}`` returns it. ``attributes`` holds every attribute of the page,
    keyed by (entity, id); the selector that loaded ``service`` fetched them in one query."""
    organization = service.organization
    return oruk_fields(
        service,
        organization_id=service.organization_id,
        schedules=[oruk_fields(item) for item in service.schedules.all()],
        service_areas=[oruk_fields(item) for item in service.service_areas.all()],
        service_at_locations=[
            service_at_location_to_oruk(item, attributes) for item in service.service_at_locations.all()
        ],
        languages=[oruk_fields(item) for item in service.languages.all()],
        organization=(
            organization_to_oruk(organization, attributes.get(("organization", organization.id), ()))
            if organization
            else None
        ),
        funding=[oruk_fields(item) for item in service.funding.all()],
        cost_options=[oruk_fields(item) for item in service.cost_options.all()],
        contacts=[contact_to_oruk(item) for item in service.contacts.all()],
        attributes=attributes_to_oruk(attributes.get(("service", service.id), ())),
    )


def service_summary_to_oruk(service: Service) -> dict[str, Any]:
    """A service in a list without ``full``: its own fields and its organization's id."""
    return oruk_fields(service, organization_id=service.organization_id)
