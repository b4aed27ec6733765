"""Need domains: the areas of a child's life that identification, plans, services and outcomes share.

One list, so a service that addresses "attendance" matches a child at risk in
"attendance" and an outcome measured in "attendance".
"""

from __future__ import annotations

from django.db import models


class NeedDomain(models.TextChoices):
    # The programme's identification domains (risk areas).
    ATTENDANCE = "attendance", "Attendance"
    ATTAINMENT = "attainment", "Attainment, English and maths"
    EMOTIONAL_WELLBEING = "emotional_wellbeing", "Emotional wellbeing"
    RELATIONSHIPS = "relationships", "Relationships"
    FAMILY_SUPPORT = "family_support", "Family support and parental engagement"
    ECONOMIC_DISADVANTAGE = "economic_disadvantage", "Economic disadvantage"
    # Supporting Families outcome areas not already covered above.
    EARLY_YEARS = "early_years", "Early years"
    HEALTH = "health", "Health"
    SUBSTANCE_USE = "substance_use", "Substance use"
    ABUSE_EXPLOITATION = "abuse_exploitation", "Abuse and exploitation"
    CRIME = "crime", "Crime"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    HOUSING = "housing", "Housing"
    FINANCES = "finances", "Finances"


# The same needs in the words a family would use, for the public "find support" page.
FAMILY_LABELS: dict[str, str] = {
    NeedDomain.ATTENDANCE: "Going to school every day",
    NeedDomain.ATTAINMENT: "Schoolwork, reading and maths",
    NeedDomain.EMOTIONAL_WELLBEING: "Feelings, worries and mental health",
    NeedDomain.RELATIONSHIPS: "Friendships and getting on with others",
    NeedDomain.FAMILY_SUPPORT: "Parenting and family life",
    NeedDomain.ECONOMIC_DISADVANTAGE: "Food, clothes and the cost of living",
    NeedDomain.EARLY_YEARS: "Babies and young children",
    NeedDomain.HEALTH: "Health",
    NeedDomain.SUBSTANCE_USE: "Alcohol and drugs",
    NeedDomain.ABUSE_EXPLOITATION: "Staying safe from abuse and exploitation",
    NeedDomain.CRIME: "Crime and the police",
    NeedDomain.DOMESTIC_ABUSE: "Domestic abuse",
    NeedDomain.HOUSING: "Housing",
    NeedDomain.FINANCES: "Money, benefits and debt",
}

IDENTIFICATION_DOMAINS: tuple[NeedDomain, ...] = (
    NeedDomain.ATTENDANCE,
    NeedDomain.ATTAINMENT,
    NeedDomain.EMOTIONAL_WELLBEING,
    NeedDomain.RELATIONSHIPS,
    NeedDomain.FAMILY_SUPPORT,
    NeedDomain.ECONOMIC_DISADVANTAGE,
)

# Each domain's bit, for the search index: a service's domains are one integer,
# so "addresses any of these domains" is one bitwise test in SQL.
DOMAIN_BITS: dict[str, int] = {domain.value: 1 << index for index, domain in enumerate(NeedDomain)}


def domain_mask(domains: list[str] | tuple[str, ...] | set[str]) -> int:
    mask = 0
    for domain in domains:
        mask |= DOMAIN_BITS[domain]
    return mask


def domains_in_mask(mask: int) -> list[str]:
    return [domain for domain, bit in DOMAIN_BITS.items() if mask & bit]


# The identification rules' areas at risk (joinedup.rules.DOMAINS) as need domains, so a child's
# areas at risk become the needs their plan starts from and the directory searches for.
# Behaviour (exclusions) has no need domain of its own; it is shown, but not searched for.
RISK_AREA_NEEDS: dict[str, NeedDomain] = {
    "economic_disadvantage": NeedDomain.ECONOMIC_DISADVANTAGE,
    "attendance": NeedDomain.ATTENDANCE,
    "reading": NeedDomain.ATTAINMENT,
    "writing": NeedDomain.ATTAINMENT,
    "maths": NeedDomain.ATTAINMENT,
    "english": NeedDomain.ATTAINMENT,
    "emotional_wellbeing": NeedDomain.EMOTIONAL_WELLBEING,
    "peer_relationships": NeedDomain.RELATIONSHIPS,
}
