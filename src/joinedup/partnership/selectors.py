"""The partnership map of a borough, with each entry's confirmation due or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch

from joinedup.accounts.models import Area, Organisation
from joinedup.partnership.models import Forum, MapSettings, PartnerContact, ReferralPathway
from joinedup.sharing.models import DataSharingAgreement, active_agreement_filter

#: The kinds of organisation the map lists as partners (schools and programmes have their own pages).
PARTNER_KINDS = (
    Organisation.Kind.EARLY_HELP,
    Organisation.Kind.SOCIAL_CARE,
    Organisation.Kind.DELIVERY_PARTNER,
    Organisation.Kind.HEALTH,
    Organisation.Kind.VOLUNTARY,
)


@dataclass
class Entry:
    record: Any
    confirmed_on: date | None
    due: bool


@dataclass
class PartnershipMap:
    area: Area
    every_days: int
    organisations: list[tuple[Organisation, list[Entry]]] = field(default_factory=list)
    forums: list[Entry] = field(default_factory=list)
    pathways: list[Entry] = field(default_factory=list)
    agreements: list[Entry] = field(default_factory=list)

    @property
    def due(self) -> int:
        entries = [entry for _, contacts in self.organisations for entry in contacts]
        return sum(entry.due for entry in [*entries, *self.forums, *self.pathways, *self.agreements])


def partnership_map(area: Area, programme: Organisation | None, on: date) -> PartnershipMap:
    """The borough's map; the agreements in force are the ``programme``'s (every programme's when ``None``)."""
    every = MapSettings.for_area(area.pk).confirm_every_days
    oldest = on - timedelta(days=every)

    def entry(record: Any, confirmed: date | None) -> Entry:
        return Entry(record, confirmed, confirmed is None or confirmed < oldest)

    contacts = PartnerContact.objects.filter(area=area).select_related("confirmed_by")
    organisations = (
        Organisation.objects.filter(areas=area, kind__in=PARTNER_KINDS)
        .prefetch_related(Prefetch("map_contacts", queryset=contacts, to_attr="contacts_here"))
        .order_by("name")
    )
    agreements = DataSharingAgreement.objects.filter(active_agreement_filter(on), area=area).select_related("partner")
    if programme is not None:
        agreements = agreements.filter(organisation=programme)
    return PartnershipMap(
        area=area,
        every_days=every,
        organisations=[
            (organisation, [entry(contact, contact.last_confirmed_on) for contact in organisation.contacts_here])
            for organisation in organisations
        ],
        forums=[entry(forum, forum.last_confirmed_on) for forum in Forum.objects.filter(area=area)],
        pathways=[
            entry(pathway, pathway.last_confirmed_on)
            for pathway in ReferralPathway.objects.filter(area=area).select_related("organisation")
        ],
        agreements=[
            entry(
                agreement, agreement.last_confirmed_on or (agreement.signed_off_at and agreement.signed_off_at.date())
            )
            for agreement in agreements
        ],
    )
