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
from joinedup.rules.reading import (
    COHORT_COLUMNS,
    SCHOOL_DATA_COLUMNS,
    SURVEY_COLUMNS,
    PupilData,
    ReadingError,
    RowProblem,
    SurveyReturn,
    mapping_from_file,
    read_pupils,
    read_school_data,
    read_survey,
    write_cohort,
)
from joinedup.rules.reports import SUPPRESSED, FairnessRow, fairness_report, rules_report
from joinedup.rules.scoring import DOMAIN_NAMES, Flag, PupilDataError, Result, Route, identify
from joinedup.rules.serialise import RulesError, rules_from_dict, rules_from_toml, rules_to_dict, rules_to_toml

__all__ = [
    "ATTAINMENT_DOMAINS",
    "COHORT_COLUMNS",
    "DOMAINS",
    "DOMAIN_NAMES",
    "LEVELS",
    "RESPONDENTS",
    "SCHOOL_DATA_COLUMNS",
    "SDQ_DOMAINS",
    "SUPPRESSED",
    "SURVEY_COLUMNS",
    "AttainmentRule",
    "AttendanceRule",
    "BehaviourRule",
    "DisadvantageRule",
    "FairnessRow",
    "Flag",
    "Level",
    "Pupil",
    "PupilData",
    "PupilDataError",
    "ReadingError",
    "Respondent",
    "Result",
    "Route",
    "RowProblem",
    "RuleSet",
    "RulesError",
    "SdqRule",
    "SurveyReturn",
    "fairness_report",
    "identify",
    "mapping_from_file",
    "read_pupils",
    "read_school_data",
    "read_survey",
    "rules_from_dict",
    "rules_from_toml",
    "rules_report",
    "rules_to_dict",
    "rules_to_toml",
    "write_cohort",
]
