"""Hypothesis strategies for pupils and rule sets."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from joinedup.rules import (
    LEVELS,
    AttainmentRule,
    AttendanceRule,
    BehaviourRule,
    DisadvantageRule,
    Pupil,
    RuleSet,
    SdqRule,
)

attainment_values = st.none() | st.sampled_from(LEVELS) | st.floats(60, 130, allow_nan=False)
sdq_scores = st.none() | st.integers(0, 10)


@st.composite
def pupils(draw: st.DrawFn, upn: str = "U") -> Pupil:
    respondent = draw(st.none() | st.sampled_from(("teacher", "parent", "pupil")))
    return Pupil(
        upn=upn,
        school_urn=draw(st.sampled_from(("100001", "100002"))),
        year_group=draw(st.sampled_from((5, 6))),
        sex=draw(st.none() | st.sampled_from(("F", "M"))),
        attendance_pct=draw(st.none() | st.floats(0, 100, allow_nan=False)),
        reading=draw(attainment_values),
        writing=draw(attainment_values),
        maths=draw(attainment_values),
        english=draw(attainment_values),
        fsm=draw(st.none() | st.booleans()),
        pupil_premium=draw(st.none() | st.booleans()),
        exclusions=draw(st.none() | st.integers(0, 5)),
        social_care_status=draw(st.sampled_from((None, None, None, "CIN", "CP", "LAC"))),
        respondent=respondent,
        sdq_emotional=None if respondent is None else draw(sdq_scores),
        sdq_peer=None if respondent is None else draw(sdq_scores),
    )


@st.composite
def cohorts(draw: st.DrawFn) -> list[Pupil]:
    """Pupils with distinct UPNs, as in a real return."""
    count = draw(st.integers(0, 25))
    return [draw(pupils(upn=f"U{i:03d}")) for i in range(count)]


sdq_thresholds = st.integers(0, 10)
attainment_rules = st.builds(
    AttainmentRule,
    enabled=st.booleans(),
    below_level=st.sampled_from(LEVELS),
    below_score=st.floats(60, 130),
    score_floor=st.floats(0, 80),
)
sdq_rules = st.builds(
    SdqRule, enabled=st.booleans(), teacher=sdq_thresholds, parent=sdq_thresholds, pupil=sdq_thresholds
)
rule_sets = st.builds(
    RuleSet,
    area=st.text(min_size=1).filter(str.strip),
    version=st.text(min_size=1).filter(str.strip),
    minimum_domains=st.integers(1, 9),
    social_care_statuses=st.lists(st.sampled_from(("CIN", "CP", "LAC")), unique=True).map(tuple),
    economic_disadvantage=st.builds(
        DisadvantageRule, enabled=st.booleans(), fsm=st.booleans(), pupil_premium=st.booleans()
    ),
    attendance=st.builds(AttendanceRule, enabled=st.booleans(), below=st.floats(0, 100)),
    reading=attainment_rules,
    writing=attainment_rules,
    maths=attainment_rules,
    english=attainment_rules,
    emotional_wellbeing=sdq_rules,
    peer_relationships=sdq_rules,
    behaviour=st.builds(BehaviourRule, enabled=st.booleans(), exclusions_at_least=st.integers(1, 5)),
)


@st.composite
def stricter(draw: st.DrawFn, rules: RuleSet) -> RuleSet:
    """``rules`` with some thresholds made stricter and perhaps some domains or indicators switched off."""
    money = rules.economic_disadvantage
    changes: dict[str, object] = {
        "economic_disadvantage": replace(
            money,
            enabled=money.enabled and draw(st.booleans()),
            fsm=money.fsm and draw(st.booleans()),
            pupil_premium=money.pupil_premium and draw(st.booleans()),
        ),
        "attendance": replace(rules.attendance, below=draw(st.floats(0, rules.attendance.below))),
        "behaviour": replace(
            rules.behaviour, exclusions_at_least=rules.behaviour.exclusions_at_least + draw(st.integers(0, 2))
        ),
    }
    for name in ("reading", "writing", "maths", "english"):
        rule: AttainmentRule = getattr(rules, name)
        level = draw(st.sampled_from(LEVELS[: LEVELS.index(rule.below_level) + 1]))
        score = draw(st.floats(min(rule.score_floor, rule.below_score), rule.below_score))
        changes[name] = replace(
            rule, enabled=rule.enabled and draw(st.booleans()), below_level=level, below_score=score
        )
    for name in ("emotional_wellbeing", "peer_relationships"):
        sdq: SdqRule = getattr(rules, name)
        changes[name] = replace(
            sdq,
            teacher=draw(st.integers(sdq.teacher, 10)),
            parent=draw(st.integers(sdq.parent, 10)),
            pupil=draw(st.integers(sdq.pupil, 10)),
        )
    return replace(rules, **changes)  # type: ignore[arg-type]
