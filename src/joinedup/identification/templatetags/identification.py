"""How identification pages name year groups and areas at risk, and link to the directory."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django import template

from joinedup.core.domains import RISK_AREA_NEEDS
from joinedup.identification.models import CohortEntry
from joinedup.rules import DOMAIN_NAMES

register = template.Library()


@register.filter
def year_name(year: int | None) -> str:
    if year is None:
        return ""
    if year == 0:
        return "Reception"
    return "Nursery" if year < 0 else f"Year {year}"


@register.filter
def domain_name(domain: str) -> str:
    return DOMAIN_NAMES.get(domain, domain).capitalize()


@register.filter
def directory_query(entry: CohortEntry) -> str:
    """The directory search for this child's areas at risk, near their home, for their age."""
    needs = sorted({RISK_AREA_NEEDS[domain].value for domain in entry.domains_at_risk if domain in RISK_AREA_NEEDS})
    query: list[tuple[str, str]] = [("need", need) for need in needs]
    born = entry.pupil.date_of_birth
    if born is not None:
        today = date.today()
        query.append(("age", str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))))
    if entry.pupil.postcode:
        query.append(("postcode", entry.pupil.postcode))
    return urlencode(query)


@register.filter
def report_blocks(report: str) -> list[tuple[str, list[str]]]:
    """The rules report's lines as paragraphs and lists: ``("p", [line])`` or ``("ul", [items])``."""
    blocks: list[tuple[str, list[str]]] = []
    for line in report.splitlines():
        if line.startswith("- "):
            if not blocks or blocks[-1][0] != "ul":
                blocks.append(("ul", []))
            blocks[-1][1].append(line[2:])
        elif line.strip():
            blocks.append(("p", [line]))
    return blocks


_GROUP_NAMES = {
    "all": "Everyone screened",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "sen": "Special educational needs",
    "eal": "English as an additional language",
    "economic_disadvantage": "Economic disadvantage",
}
_YES_NO = {"True": "Yes", "False": "No", "missing": "Not recorded"}


@register.filter
def group_name(group: str) -> str:
    return _GROUP_NAMES.get(group, group.replace("_", " ").capitalize())


@register.filter
def group_value(value: str, group: str) -> str:
    if group == "all":
        return ""
    if group in ("eal", "economic_disadvantage") or value == "missing":
        return _YES_NO.get(value, value)
    return value


_TOP_SETTINGS = {"minimum_domains": "Areas at risk needed to be proposed", "social_care_statuses": "Social care list"}


@register.filter
def setting_name(key: str) -> str:
    """A rules setting (``attendance.below``) as the rules editor labels it."""
    from joinedup.identification.forms import RULE_SETTING_LABELS

    domain, _, setting = key.partition(".")
    if not setting:
        return {
            "minimum_domains": "Areas at risk needed to be proposed",
            "social_care_statuses": "Social care list",
        }.get(key, key)
    return f"{DOMAIN_NAMES.get(domain, domain).capitalize()}: {RULE_SETTING_LABELS.get(setting, setting).lower()}"
