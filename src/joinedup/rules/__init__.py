"""Proactive identification: published, explainable rules that suggest children for the programme.

A pure core: plain Python with no Django import, strictly typed. The list it produces is a
suggestion for the school meeting; a person decides, and records why.
"""

from joinedup.rules.model import (
    ATTAINMENT_DOMAINS,
    DOMAINS,
    LEVELS,
    RESPONDENTS,
    SDQ_DOMAINS,
    AttainmentRule,
    AttendanceRule,
    BehaviourRule,
    DisadvantageRule,
    Level,
    Pupil,
    Respondent,
    RuleSet,
    SdqRule,
)
from joinedup.rules.reports import SUPPRESSED, FairnessRow, fairness_report, rules_report
from joinedup.rules.scoring import DOMAIN_NAMES, Flag, PupilDataError, Result, Route, identify
from joinedup.rules.serialise import RulesError, rules_from_dict, rules_from_toml, rules_to_dict, rules_to_toml

__all__ = [
    "ATTAINMENT_DOMAINS",
    "DOMAINS",
    "DOMAIN_NAMES",
    "LEVELS",
    "RESPONDENTS",
    "SDQ_DOMAINS",
    "SUPPRESSED",
    "AttainmentRule",
    "AttendanceRule",
    "BehaviourRule",
    "DisadvantageRule",
    "FairnessRow",
    "Flag",
    "Level",
    "Pupil",
    "PupilDataError",
    "Respondent",
    "Result",
    "Route",
    "RuleSet",
    "RulesError",
    "SdqRule",
    "fairness_report",
    "identify",
    "rules_from_dict",
    "rules_from_toml",
    "rules_report",
    "rules_to_dict",
    "rules_to_toml",
]
