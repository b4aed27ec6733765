"""The sections of the service, who sees each, and what each will hold.

One table serves the header navigation, the section pages and the permission
matrix test.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from joinedup.accounts.models import Role
from joinedup.cases.access import CASE_WORKERS, CHILD_ROLES
from joinedup.sharing.access import PARTNER_ROLES

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    url_name: str
    roles: frozenset[str]
    summary: str

    @property
    def href(self) -> str:
        return reverse(self.url_name)


SECTIONS: tuple[Section, ...] = (
    Section(
        "children",
        "Children",
        "cases:child_list",
        CHILD_ROLES,
        "Find any child whose record you may see in your role, by name.",
    ),
    # A Link Worker's day starts here; a team manager's shows the team's caseloads.
    Section(
        "caseload",
        "Caseload",
        "cases:caseload",
        CASE_WORKERS,
        "The children you work with: who is due a contact or review, and a contact recorded in seconds.",
    ),
    Section(
        "tasks",
        "Tasks",
        "joint:tasks",
        CASE_WORKERS | PARTNER_ROLES,
        "The actions agreed at joint meetings that you own, and when each is due.",
    ),
    Section(
        "directory",
        "Directory",
        "directory:search",
        ALL_ROLES,
        "Find local services that work and that a family can reach.",
    ),
    Section(
        "referrals",
        "Referrals",
        "partner:referrals",
        frozenset({Role.DELIVERY_PRACTITIONER}),
        "The referrals sent to your organisation: answer them, record sessions, close the loop.",
    ),
    Section(
        "identification",
        "Identification",
        "identification:home",
        frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD, Role.SCHOOL_STAFF, Role.COMMISSIONER}),
        "Find children at risk of poorer outcomes before anyone refers them.",
    ),
    Section(
        "sharing",
        "Sharing",
        "sharing:home",
        frozenset(
            {
                Role.TEAM_MANAGER,
                Role.DATA_LEAD,
                Role.PARTNER_PROFESSIONAL,
                Role.SCHOOL_STAFF,
                Role.DELIVERY_PRACTITIONER,
            }
        ),
        "Work with other agencies under data-sharing agreements, without duplicating their work.",
    ),
    Section(
        "partnership",
        "Partnership map",
        "partnership:map",
        frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD}),
        "Who is who in your borough: partner organisations and contacts, boards, referral pathways and agreements.",
    ),
    Section(
        "safeguarding",
        "Safeguarding",
        "safeguarding:home",
        frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD}),
        "Raise concerns early and track escalation to Early Help and children's social care.",
    ),
    Section(
        "outcomes",
        "Outcomes",
        "outcomes:home",
        frozenset({Role.TEAM_MANAGER, Role.DATA_LEAD, Role.COMMISSIONER}),
        "Show what changed for children, and the figures outcomes contracts pay on.",
    ),
    Section(
        "privacy",
        "Data protection",
        "privacy:home",
        frozenset({Role.DATA_LEAD}),
        "How long children's records are kept: archive and erase on the borough's rule; subject access exports.",
    ),
    Section(
        "audit",
        "Audit log",
        "audit:search",
        frozenset({Role.ADMINISTRATOR}),
        "Who saw or changed which record, when and why; and a check that nothing in the log was altered.",
    ),
    Section(
        "manage",
        "Manage",
        "manage:organisations",
        frozenset({Role.ADMINISTRATOR}),
        "Organisations, the boroughs they work in, and the people and roles in each.",
    ),
)

SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def sections_for(role: str | None) -> list[Section]:
    if role is None:
        return []
    return [section for section in SECTIONS if role in section.roles]
