"""Safeguarding in the demo: each borough's settings and front doors, and concerns at every stage.

Each borough gets its continuum of need (pan-London), emergency contacts in Ofcom's drama range, its team
manager named as the team's safeguarding lead, and three front doors (Early Help, the MASH, the police). Then
concerns are raised, decided, referred, chased, acknowledged and answered through the app's own services, as the
people would, so the audit trail, the notifications and the feedback into each child's plan are all real. Last,
the dates are moved back with ``update()`` (the services stamp "now"), so that the lists show a believable mix:
some waiting and in time, some overdue, some closed weeks ago.

Brent, the headline borough, has a concern at every stage and each kind of outcome; the headline Link Worker
raised some of them, and a peer group of young people is referred to the police as a group. The other boroughs
have a sample. The wording is invented, and the people, places and numbers in it are not real. The same seed and
day give the same concerns; a second load adds nothing.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.text import slugify

from joinedup.accounts.models import Area, Membership, Organisation, Role
from joinedup.cases.models import Child, Enrolment
from joinedup.demo.generator import DEMO_EMAIL_DOMAIN
from joinedup.notifications.models import Notification
from joinedup.safeguarding.models import (
    ESCALATING_ACTIONS,
    Category,
    Concern,
    Context,
    Decision,
    Escalation,
    FrontDoor,
)
from joinedup.safeguarding.referral import FIELDS
from joinedup.safeguarding.selectors import open_items
from joinedup.safeguarding.services import (
    concern_raise,
    context_create,
    decision_record,
    escalation_acknowledge,
    escalation_chase,
    escalation_outcome,
    escalation_send,
    front_door_save,
    overdue_remind,
    settings_save,
)
from joinedup.safeguarding.timeliness import Limits

__all__ = ["SafeguardingLoadSummary", "demo_safeguarding_load", "demo_safeguarding_loaded", "emails_held"]

_HEADLINE_LINK_WORKER = f"linkworker@{DEMO_EMAIL_DOMAIN}"
_HEADLINE_BOROUGH = "Brent"

Action = Decision.Action
Outcome = Escalation.Outcome


# -- what a practitioner saw or heard --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One concern as written, with the lead's decision on it. Filled in for each child: {name}, {age}, {he},
    {him}, {his}, {himself} (capitalised too), {school}."""

    category: str
    what: str
    child_words: str
    place: str
    present: str
    level: str
    action: str
    reasons: str
    immediate_risk: bool = False
    min_age: int = 0
    family_told: bool = True
    not_told_because: str = ""


_STORIES: tuple[Story, ...] = (
    Story(
        Category.NEGLECT,
        "{name} came to breakfast club hungry for the third morning this week, in the same clothes as on Monday "
        "and with no coat, although it was raining. {He} ate two bowls of cereal and asked if {he} could take toast "
        "home for {his} little sister.",
        "Mum's been sleeping a lot. I do breakfast for me and my sister but there wasn't any bread.",
        "Breakfast club, {school}",
        "Breakfast club lead (school staff)",
        "2",
        Action.EARLY_HELP,
        "A pattern over several weeks, not one morning. Mum may be unwell and the children are looking after "
        "themselves. No sign of significant harm now: an Early Help assessment with a lead practitioner, with the "
        "family's agreement. Mum agreed on the phone today.",
    ),
    Story(
        Category.NEGLECT,
        "Home visit at 4pm. The flat was very cold (Dad said the meter had run out two days ago) and there was "
        "little food in the kitchen. {name}'s brother, aged two, was in a wet nappy with a sore rash. Dad was "
        "tearful and said he is not coping since Mum went into hospital.",
        "I help Dad with the baby. I'm not hungry, I had dinner at school.",
        "Family home",
        "Dad; {name}'s brother (aged 2)",
        "4",
        Action.SOCIAL_CARE,
        "A baby's basic care not met and a parent who says he cannot cope: a child in need assessment is needed, "
        "and help with the heating and food today. Dad agrees to the referral and has been given the food bank "
        "voucher and the emergency energy fund number.",
    ),
    Story(
        Category.PHYSICAL,
        "In our one-to-one {name} winced when {he} leant back on the chair. When I asked, {he} pulled up {his} "
        "sleeve and showed me three round bruises on {his} upper arm, like fingermarks. {He} became tearful and "
        "asked me not to tell anyone. I did not ask any more questions and stayed with {him}.",
        "Mum's boyfriend grabbed me because I didn't tidy my room. Please don't tell, he'll be angry.",
        "Link Worker's room, {school}",
        "No one else; the class teacher came in afterwards",
        "4",
        Action.SOCIAL_CARE,
        "An injury with {name}'s account that an adult in the home caused it, and a child frightened of going "
        "home: referred to the MASH at once for a strategy discussion today. The school's DSL is told.",
        immediate_risk=True,
        family_told=False,
        not_told_because="The MASH asked us not to tell the family until they have spoken to {name}: telling them "
        "could put {him} at risk.",
    ),
    Story(
        Category.PHYSICAL,
        "{name} came in on Monday with a graze and a bruise on {his} cheek. {He} said {he} fell off {his} scooter "
        "at the park on Saturday; {his} friend, who was there, said the same without being asked.",
        "I was going too fast down the hill and I went over the handlebars. It doesn't hurt now.",
        "Classroom, {school}",
        "Class teacher",
        "1",
        Action.SCHOOL_DSL,
        "The account is consistent, matches the injury and was told by a friend too; no earlier concerns. Shared "
        "with the school's designated safeguarding lead, who keeps the record of injuries, so a pattern would be "
        "seen.",
    ),
    Story(
        Category.EMOTIONAL,
        "{name} tore up {his} maths sheet when {he} got one question wrong, and said {he} is 'stupid and a waste "
        "of space'. {He} said that is what {his} dad calls {him} when {he} gets things wrong at home. This is the "
        "fourth time this half term that {he} has spoken about {himself} this way.",
        "Dad says I'm useless, so why bother trying.",
        "Year group base, {school}",
        "Teaching assistant",
        "2",
        Action.EARLY_HELP,
        "Repeated harsh words at home are affecting how {name} sees {himself}. Both parents came to the family "
        "meeting and want help: Early Help parenting support, with the Link Worker continuing one-to-one work.",
    ),
    Story(
        Category.EMOTIONAL,
        "{name} was very upset after {his} parents argued loudly at the school gate about whose weekend it is. "
        "{He} cried at registration and said {he} hates being 'in the middle'.",
        "They both ask me what the other one said. I just want them to stop.",
        "School gate and classroom, {school}",
        "Both parents (at the gate); class teacher",
        "2",
        Action.MONITOR,
        "Conflict between separated parents, upsetting for {name}, but no abuse disclosed and both parents are "
        "caring. No referral now: the Link Worker offers both parents the parenting-after-separation course and "
        "reviews it at the next plan review.",
    ),
    Story(
        Category.DOMESTIC_ABUSE,
        "{name} told me at break that last night {his} mum's partner shouted, threw a plate at the wall and "
        "pushed Mum. Mum took {name} and {his} brother into the bathroom and locked the door until he left. {He} "
        "said he told Mum he would be back tonight. {He} is worried about going home.",
        "I heard Mum crying and the door banging. He said he's coming back tonight.",
        "Playground, {school}",
        "Class teacher (nearby)",
        "4",
        Action.SOCIAL_CARE,
        "Violence in the home last night, a threat to return tonight and children present: referred to the MASH "
        "now, and Mum to be supported to call the police and the domestic abuse service. The children must not "
        "go home to him.",
        immediate_risk=True,
        family_told=False,
        not_told_because="Telling the family before the MASH has spoken to Mum could put her and the children at "
        "risk if her partner found out.",
    ),
    Story(
        Category.DOMESTIC_ABUSE,
        "At the family meeting Mum told me that she and {name}'s dad separated in the summer after years of "
        "arguments, and that he still turns up at the door at night when he has been drinking. She has a new phone "
        "number and has spoken to a domestic abuse advocate.",
        "I don't like it when Dad bangs on the door. I hide under my bed.",
        "Family meeting at {school}",
        "Mum; {name}",
        "3",
        Action.EARLY_HELP,
        "Mum is working with the domestic abuse advocate, and her risk assessment is medium. Early Help to lead a "
        "plan around the family with the advocate; refer to the MASH at once if he comes back to the home.",
    ),
    Story(
        Category.EXPLOITATION,
        "{name} has new designer trainers and a second phone, which {he} says an older friend from the estate gave "
        "{him}. {He} has been missing from afternoon lessons twice this week, and a member of staff saw {him} get "
        "into a car outside school at 1pm on Tuesday.",
        "They're just my older mates. They look after me. Sometimes I hold stuff for them, that's all.",
        "Link Worker's room, {school}",
        "Head of year (for the second half of the conversation)",
        "4",
        Action.POLICE,
        "Signs of criminal exploitation: gifts, a second phone, missing lessons and older associates with a car. "
        "Shared with the police exploitation team so that they can act against the adults; a MASH referral "
        "follows.",
        min_age=11,
        family_told=False,
        not_told_because="The police asked that the family is told by them, after they have checked whether "
        "anyone at home is involved.",
    ),
    Story(
        Category.EXPLOITATION,
        "{name} told me {he} has a boyfriend aged 19 whom {he} met online. He picks {him} up from the shopping "
        "centre and buys {him} vapes and alcohol, and {he} has stayed out past midnight twice this month. Mum did "
        "not know where {he} was on either night.",
        "He's really nice to me. He says I'm mature for my age.",
        "Link Worker's room, {school}",
        "No one else",
        "4",
        Action.SOCIAL_CARE,
        "A child of {age} in a relationship with an adult who gives {him} alcohol and keeps {him} out at night: signs "
        "of sexual exploitation. Referred to the MASH for a strategy discussion with the police.",
        min_age=13,
        family_told=False,
        not_told_because="{name} asked us not to tell Mum yet; the MASH will advise how and when.",
    ),
    Story(
        Category.ONLINE_HARM,
        "{name} showed me messages on a gaming app from someone who says he is 14. He keeps asking {name} to move "
        "to a private chat and to send a photo of {himself} 'for a laugh', and offers game credits. {He} has not "
        "replied to the last three messages and seemed relieved to tell someone.",
        "He said he'd give me credits if I send a picture. I didn't want to.",
        "Link Worker's room, {school}",
        "No one else; Mum joined us afterwards",
        "3",
        Action.POLICE,
        "Possible online grooming by an adult posing as a child. Screenshots kept; the device not touched; "
        "reported to the police. Mum has been told and is supportive; online safety advice given.",
        min_age=9,
    ),
    Story(
        Category.ONLINE_HARM,
        "{name}'s classmates shared an edited photo of {him} in a class group chat with unkind comments about "
        "{his} weight. {He} was very upset at lunchtime and did not want to go back to class.",
        "Everyone's seen it. They keep sending crying faces.",
        "Lunch hall, {school}",
        "Lunchtime supervisor",
        "2",
        Action.SCHOOL_DSL,
        "Bullying between pupils of the same school, online: the school's designated safeguarding lead takes it "
        "under the school's anti-bullying policy. The Link Worker supports {name} and checks in with the DSL next "
        "week.",
        min_age=9,
    ),
    Story(
        Category.SEXUAL,
        "During a drawing activity {name} said that an older boy at {his} cousin's house plays a 'secret game' "
        "where he touches {him} under {his} pants, and that {he} does not like it. {He} said it happens at the "
        "weekends when {he} stays there. I listened, did not ask questions, and told {him} {he} did the right "
        "thing by telling me.",
        "It's a secret game. He said I'm not allowed to say or I'll get in trouble.",
        "Link Worker's room, {school}",
        "No one else",
        "4",
        Action.SOCIAL_CARE,
        "A disclosure of sexual abuse by an older child. Referred to the MASH today, before the weekend, for a "
        "strategy discussion; the school's DSL is told.",
        family_told=False,
        not_told_because="The MASH will decide with the police how and when the family is told.",
    ),
    Story(
        Category.MENTAL_HEALTH,
        "{name} has been quiet and withdrawn for two weeks. Today {he} told me {he} sometimes thinks everyone would "
        "be better off without {him}. {He} said {he} has not hurt {himself} and has no plan. We agreed to tell "
        "{his} mum together; she came to school straight away.",
        "Sometimes I think it'd be easier if I wasn't here. I wouldn't do anything though.",
        "Link Worker's room, {school}",
        "Mum (later); the school's DSL",
        "3",
        Action.EARLY_HELP,
        "Low mood with passive thoughts of not being here, no plan or self-harm. Mum is taking {name} to the GP "
        "today for a referral to children's mental health services. Early Help to support the family meanwhile.",
        min_age=8,
    ),
    Story(
        Category.MENTAL_HEALTH,
        "{name} has been worrying a lot about {his} grandmother, who is in hospital, and has had stomach aches "
        "most mornings. {He} said {he} can't sleep and keeps checking Mum's phone for news.",
        "What if Nanna doesn't come home? Nobody tells me anything.",
        "Link Worker's room, {school}",
        "No one else",
        "1",
        Action.MONITOR,
        "Understandable worry in a loving family; Mum is aware and the GP has seen {name}. No referral: the Link "
        "Worker does worry-management sessions and speaks with Mum weekly.",
    ),
    Story(
        Category.OTHER,
        "{name} has not been in school for eight days. The family's phones are off, and there was no answer at "
        "two home visits. A neighbour said she has not seen the family for over a week and thought they might "
        "have gone abroad.",
        "",
        "Family home and the school office",
        "Education welfare officer (second visit)",
        "3",
        Action.SOCIAL_CARE,
        "A child missing from education whose whereabouts are not known: referred to the MASH and the children "
        "missing education officer, as the borough's procedure says.",
        family_told=False,
        not_told_because="We cannot reach the family: that is the concern.",
    ),
    Story(
        Category.OTHER,
        "Mum told me the family has been told to leave their temporary accommodation on Friday and has nowhere to "
        "go. She said they may have to sleep in the car. {name} has been very anxious at school this week.",
        "Are we going to live in the car? Where will my things go?",
        "Family meeting at {school}",
        "Mum; {name}",
        "3",
        Action.EARLY_HELP,
        "A family about to be homeless: an Early Help worker to help with the council's housing team today, and "
        "the Link Worker to keep school steady for {name}.",
    ),
)


@dataclass(frozen=True)
class ContextStory:
    """A concern about a peer group, place, school setting or online space, and the lead's decision."""

    kind: str
    name: str
    description: str
    what: str
    child_words: str
    place: str
    present: str
    category: str
    level: str
    action: str
    reasons: str
    min_age: int
    family_told: bool = True
    not_told_because: str = ""


_CONTEXTS: dict[str, ContextStory] = {
    Context.Kind.PEER_GROUP: ContextStory(
        Context.Kind.PEER_GROUP,
        "The group at the skate park",
        "Young people who spend time together at the skate park behind the leisure centre after school and at "
        "weekends, with two older young men who arrive in a car.",
        "Walking past the skate park at 6pm I saw {count} young people from our caseload with two young men aged "
        "about 19 or 20, who drove off in a grey car after handing one of them a small package. Two of the young "
        "people have new phones and clothes; a parent told her Link Worker last week that her son has come home "
        "after 10pm three times and had £200 in cash.",
        "They said it's just where everyone goes. One said: \u201cThey're safe, they just give us lifts.\u201d",
        "Skate park behind the leisure centre",
        "Link Worker (on the way back from a home visit); the young people; two older young men",
        Category.EXPLOITATION,
        "4",
        Action.POLICE,
        "Signs of criminal exploitation affecting a group, not one child: a contextual response is needed. Shared "
        "with the police exploitation team to disrupt the adults and make the place safer; each Link Worker "
        "keeps working with their child and family, and MASH referrals follow for each child on police advice.",
        min_age=11,
        family_told=False,
        not_told_because="The police asked that the families are told after they have assessed the risk from the "
        "adults involved.",
    ),
    Context.Kind.ONLINE: ContextStory(
        Context.Kind.ONLINE,
        "The Year 7 and 8 group chat",
        "A group chat of about thirty pupils from two schools, several of them on our caseload.",
        "{count} children on our caseload showed their Link Workers the same group chat, where older pupils post "
        "videos of fights filmed near the schools and dare younger ones to join in. One video shows a younger "
        "pupil being pushed over. Two of the children said they are scared to walk home that way.",
        "Everyone watches them. If you leave the chat they call you a snitch.",
        "Online (a messaging app), shown to Link Workers at {school}",
        "The children, one at a time",
        Category.ONLINE_HARM,
        "2",
        Action.SCHOOL_DSL,
        "Harm between pupils of two schools, online and on the way home: the schools' designated safeguarding "
        "leads take it together under their behaviour policies and tell the safer schools police officer. The "
        "Link Workers keep supporting the children.",
        min_age=9,
    ),
    Context.Kind.PLACE: ContextStory(
        Context.Kind.PLACE,
        "The underpass by the bus station",
        "The underpass between the estate and the bus station, where children on our caseload walk home.",
        "{count} children told their Link Workers, separately, that a man offers younger children vapes in the "
        "underpass after school and asks them to go to the shop for him. A parent has seen the same man there.",
        "He's always there. He said he'd pay me a fiver to get him stuff.",
        "Underpass by the bus station",
        "Not seen by staff; told by the children and one parent",
        Category.EXPLOITATION,
        "3",
        Action.POLICE,
        "An adult approaching children in one place: shared with the police and the community safety team.",
        min_age=9,
    ),
    Context.Kind.SCHOOL_SETTING: ContextStory(
        Context.Kind.SCHOOL_SETTING,
        "The back playground at lunchtime",
        "The corner of the back playground at {school} that lunchtime staff cannot see from the hall.",
        "{count} children told me that a few older pupils take younger children's snacks and money in the corner "
        "of the back playground, and call some of them names about their families' countries. Three of them have "
        "asked to stay in at lunchtime.",
        "I don't go out any more. They said my mum talks funny.",
        "Back playground, {school}",
        "Lunchtime supervisor (told afterwards)",
        Category.EMOTIONAL,
        "2",
        Action.MONITOR,
        "The school has moved a lunchtime supervisor to that corner and its DSL is dealing with the racist "
        "name-calling. No referral: the Link Workers check with the children in four weeks.",
        min_age=6,
    ),
}
# Each borough's context, by the order of the boroughs' names.
_CONTEXT_ORDER = (
    Context.Kind.PEER_GROUP,
    Context.Kind.SCHOOL_SETTING,
    Context.Kind.PLACE,
    Context.Kind.ONLINE,
)

# What the front door said, by outcome.
_OUTCOME_NOTES: dict[str, str] = {
    Outcome.NO_FURTHER_ACTION: "{door} checked with the school and the GP: no further action from them. {name}'s "
    "needs are met by the Link Worker's plan and the school, who will refer again if anything changes.",
    Outcome.EARLY_HELP: "Early help: a family worker is allocated and has met the family; a team around the family "
    "meeting is booked at school.",
    Outcome.CHILD_IN_NEED: "Assessment completed: {name} is a child in need. A social worker is allocated and the "
    "first child in need meeting is booked; the Link Worker is invited.",
    Outcome.CHILD_PROTECTION: "Strategy discussion and enquiries completed; an initial child protection conference "
    "made a child protection plan for {name}. The Link Worker is a member of the core group.",
}
_REFERENCE_PREFIXES: dict[str, str] = {
    FrontDoor.Kind.EARLY_HELP: "EH",
    FrontDoor.Kind.SOCIAL_CARE: "MASH",
    FrontDoor.Kind.POLICE: "CAD",
}
_CHASE_NOTES = (
    "Phoned the duty desk; they could not find it and asked for it to be sent again, which I did.",
    "Emailed the front door's inbox and copied the team manager.",
    "Phoned and spoke to the duty worker, who will check today and call back.",
)
_ACKNOWLEDGED_HOW = ("by email", "by phone", "through the portal")


# -- the stages ---------------------------------------------------------------------------------------------------

# Where each concern is left, and whether its step is overdue.
AWAITING = "awaiting"
AWAITING_IMMEDIATE = "awaiting_immediate"
AWAITING_OVERDUE = "awaiting_overdue"
MONITOR = "monitor"
SCHOOL_DSL = "school_dsl"
TO_REFER = "to_refer"
TO_REFER_OVERDUE = "to_refer_overdue"
SENT = "sent"
SENT_CHASE_DUE = "sent_chase_due"
SENT_CHASED = "sent_chased"
ACKNOWLEDGED = "acknowledged"
ACKNOWLEDGED_OVERDUE = "acknowledged_overdue"
OUTCOME_NFA = "outcome_nfa"
OUTCOME_EARLY_HELP = "outcome_early_help"
OUTCOME_CHILD_IN_NEED = "outcome_child_in_need"
OUTCOME_CHILD_PROTECTION = "outcome_child_protection"

_SLOTS = (
    AWAITING,
    AWAITING_IMMEDIATE,
    AWAITING_OVERDUE,
    MONITOR,
    SCHOOL_DSL,
    TO_REFER,
    TO_REFER_OVERDUE,
    SENT,
    SENT_CHASE_DUE,
    SENT_CHASED,
    ACKNOWLEDGED,
    ACKNOWLEDGED_OVERDUE,
    OUTCOME_NFA,
    OUTCOME_EARLY_HELP,
    OUTCOME_CHILD_IN_NEED,
    OUTCOME_CHILD_PROTECTION,
)
_OUTCOMES = {
    OUTCOME_NFA: Outcome.NO_FURTHER_ACTION,
    OUTCOME_EARLY_HELP: Outcome.EARLY_HELP,
    OUTCOME_CHILD_IN_NEED: Outcome.CHILD_IN_NEED,
    OUTCOME_CHILD_PROTECTION: Outcome.CHILD_PROTECTION,
}
# The headline Link Worker raised these in Brent, so their own list shows several stages.
_HEADLINE_SLOTS = frozenset({AWAITING_IMMEDIATE, MONITOR, SENT_CHASE_DUE, ACKNOWLEDGED, OUTCOME_CHILD_IN_NEED})
# The other boroughs have a sample of the stages.
_OTHER_BOROUGH_SLOTS = (8, 12)

# Each borough's time limits (decision hours, escalation hours, acknowledgement days, outcome days), by the order
# of the boroughs' names: the first keeps the defaults.
_LIMITS = ((24, 24, 3, 10), (24, 24, 2, 14), (12, 24, 3, 10), (24, 48, 3, 15))


def _fits(slot: str, story: Story) -> bool:
    escalating = story.action in ESCALATING_ACTIONS
    if slot == AWAITING_IMMEDIATE:
        return story.immediate_risk
    if slot in (AWAITING, AWAITING_OVERDUE):
        return not story.immediate_risk
    if slot == MONITOR:
        return story.action == Action.MONITOR
    if slot == SCHOOL_DSL:
        return story.action == Action.SCHOOL_DSL
    if slot == OUTCOME_EARLY_HELP:
        return story.action in (Action.EARLY_HELP, Action.SOCIAL_CARE)
    if slot in (OUTCOME_CHILD_IN_NEED, OUTCOME_CHILD_PROTECTION):
        return story.action == Action.SOCIAL_CARE
    return escalating


@dataclass(frozen=True)
class Times:
    """When each step happened: ``None`` for a step not (yet) taken."""

    raised_at: datetime
    decided_at: datetime | None = None
    sent_on: date | None = None
    chased_on: date | None = None
    acknowledged_on: date | None = None
    outcome_on: date | None = None


class _Clock:
    """Moments before ``anchor`` (the load's "now"), in working hours where the window allows."""

    def __init__(self, rng: random.Random, anchor: datetime) -> None:
        self.rng = rng
        self.anchor = anchor
        self.today = timezone.localdate(anchor)

    def ago(self, shortest: timedelta, longest: timedelta) -> datetime:
        """A moment between ``longest`` and ``shortest`` before now, between 8am and 6pm if there is one."""
        step = timedelta(minutes=5)
        moments = []
        moment = self.anchor - longest
        while moment <= self.anchor - shortest:
            moments.append(moment)
            moment += step
        working = [moment for moment in moments if 8 <= timezone.localtime(moment).hour < 18]
        return self.rng.choice(working or moments).replace(second=0, microsecond=0)

    def on(self, day: date, *, earliest: int = 9, latest: int = 17) -> datetime:
        """A moment in the day, no later than just before now."""
        minutes = self.rng.randint(earliest * 60, latest * 60 - 1)
        moment = timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))
        return min(moment, self.anchor - timedelta(minutes=10))

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def not_after_today(self, day: date) -> date:
        return min(day, self.today)

    def after(self, moment: datetime, day: date) -> datetime:
        """A moment in ``day`` after ``moment`` (a step follows the one before it), no later than just before now."""
        later = max(self.on(day, earliest=10), moment + timedelta(minutes=self.rng.randint(15, 90)))
        return min(later, self.anchor - timedelta(minutes=5))


def _times(slot: str, clock: _Clock, limits: Limits, *, immediate: bool) -> Times:
    """When each step of a concern left at ``slot`` happened, against the borough's limits."""
    rng = clock.rng
    hours = timedelta(hours=1)

    def raised_before(decided: datetime) -> datetime:
        # A concern with immediate risk is decided within the hour; others within the working day.
        gap = timedelta(minutes=rng.randint(10, 50)) if immediate else timedelta(minutes=rng.randint(30, 170))
        return decided - gap

    if slot == AWAITING:
        return Times(clock.ago(hours, min(20, limits.decision_hours - 2) * hours))
    if slot == AWAITING_IMMEDIATE:
        return Times(clock.ago(timedelta(minutes=15), 2 * hours))
    if slot == AWAITING_OVERDUE:
        return Times(clock.ago((limits.decision_hours + 6) * hours, (limits.decision_hours + 40) * hours))
    if slot in (MONITOR, SCHOOL_DSL):
        decided = clock.on(clock.day(rng.randint(6, 45)), earliest=11)
        return Times(raised_before(decided), decided)
    if slot == TO_REFER:
        decided = clock.ago(timedelta(minutes=30), min(16, limits.escalate_hours - 4) * hours)
        return Times(raised_before(decided), decided)
    if slot == TO_REFER_OVERDUE:
        decided = clock.ago((limits.escalate_hours + 4) * hours, (limits.escalate_hours + 50) * hours)
        return Times(raised_before(decided), decided)

    # Referred: the referral goes the day of the decision or the next.
    ack = limits.acknowledge_days
    chased_on: date | None = None
    acknowledged_on: date | None = None
    outcome_on: date | None = None
    if slot == SENT:
        sent_on = clock.day(rng.randint(0, ack - 1))
    elif slot == SENT_CHASE_DUE:
        sent_on = clock.day(ack + rng.randint(0, 3))
    elif slot == SENT_CHASED:
        chased_on = clock.day(rng.randint(0, ack - 1))
        sent_on = chased_on - timedelta(days=ack + rng.randint(0, 1))
    elif slot == ACKNOWLEDGED:
        sent_on = clock.day(rng.randint(2, limits.outcome_days - 2))
        acknowledged_on = clock.not_after_today(sent_on + timedelta(days=rng.randint(0, 2)))
    elif slot == ACKNOWLEDGED_OVERDUE:
        sent_on = clock.day(limits.outcome_days + rng.randint(2, 12))
        acknowledged_on = sent_on + timedelta(days=rng.randint(1, 3))
    else:  # an outcome is in
        sent_on = clock.day(rng.randint(20, 75))
        acknowledged_on = sent_on + timedelta(days=rng.randint(0, 2))
        outcome_on = clock.not_after_today(acknowledged_on + timedelta(days=rng.randint(3, limits.outcome_days + 4)))
    decided_on = sent_on if immediate or rng.random() < 0.6 or sent_on == clock.today else sent_on - timedelta(1)
    decided = clock.on(decided_on, earliest=11)
    return Times(raised_before(decided), decided, sent_on, chased_on, acknowledged_on, outcome_on)


# -- holding emails ------------------------------------------------------------------------------------------------


_DUMMY_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


@contextmanager
def emails_held() -> Iterator[None]:
    """Send no email at all while loading, and keep every notification.

    Turning people's email preferences off, as ``demo.joint`` does, is not enough here: a concern with immediate
    risk is emailed to the leads whatever they chose (``notifications.models.ALWAYS_EMAILED``). So for the length
    of the block every mailer points at Django's dummy backend, which takes each message and sends nothing; then
    the mailers are put back. The notifications stay in Joinedup, and none is marked as emailed.

    An email goes when the write that caused it commits, so the writes must commit inside the block: run them in
    autocommit or in a transaction that ends inside it, as ``demo_safeguarding_load`` does. (In a test's
    transaction nothing is ever committed, so nothing is emailed either way.)
    """
    # ``MAILERS`` is how Django 6.1 configures email (``joinedup.settings``).
    saved = settings.MAILERS
    last = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    settings.MAILERS = {alias: {"BACKEND": _DUMMY_BACKEND} for alias in saved}
    try:
        yield
    finally:
        settings.MAILERS = saved
    # The dummy backend "sent" them: they were not emailed.
    Notification.objects.filter(pk__gt=last, emailed_at__isnull=False).update(emailed_at=None)


# -- the load --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SafeguardingLoadSummary:
    boroughs: int
    front_doors: int
    concerns: int
    contexts: int
    awaiting_decision: int
    referrals: int
    outcomes: int
    overdue: int
    reminders: int


def demo_safeguarding_loaded() -> bool:
    return Concern.objects.exists()


@dataclass
class _Team:
    """One borough's programme team: its safeguarding lead, and its children by Link Worker."""

    area: Area
    index: int
    organisation: Organisation
    lead: Membership
    limits: Limits
    workers: dict[int, Membership]
    children: list[Child]
    used: set[int]


def demo_safeguarding_load(*, seed: int, as_of: date) -> SafeguardingLoadSummary:
    """Each borough's safeguarding settings and front doors, and its concerns at every stage, dated up to
    ``as_of`` (no later than today). Adds nothing when concerns are already loaded."""
    if demo_safeguarding_loaded():
        return SafeguardingLoadSummary(0, 0, 0, 0, 0, 0, 0, 0, 0)
    rng = random.Random(f"joinedup-demo-safeguarding:{seed}")
    as_of = min(as_of, timezone.localdate())
    # The load's "now": the end of the working day of ``as_of``, or now if that is earlier. The times have their
    # own stream, so what the concerns say does not depend on the time of day the demo is loaded.
    anchor = min(timezone.now(), timezone.make_aware(datetime.combine(as_of, time(17, 30))))
    clock = _Clock(random.Random(f"joinedup-demo-safeguarding-times:{seed}"), anchor)
    areas = list(Area.objects.order_by("name"))
    with emails_held(), transaction.atomic():
        teams: list[_Team] = []
        for index, area in enumerate(areas):
            teams += _settings(area, index)
        for team in teams:
            _concerns(rng, clock, team)
        reminders = overdue_remind(now=anchor)
    concerns = Concern.objects.all()
    escalations = Escalation.objects.all()
    return SafeguardingLoadSummary(
        boroughs=len({team.area.pk for team in teams}),
        front_doors=FrontDoor.objects.count(),
        concerns=concerns.count(),
        contexts=concerns.filter(context__isnull=False).count(),
        awaiting_decision=concerns.filter(decision__isnull=True).count(),
        referrals=escalations.count(),
        outcomes=escalations.exclude(outcome="").count(),
        overdue=sum(
            1 for team in teams for item in open_items(team.area.pk, team.organisation.pk, anchor) if item.overdue
        ),
        reminders=reminders,
    )


def _settings(area: Area, index: int) -> list[_Team]:
    """The borough's settings, its front doors, and one team manager of each programme team named as lead."""
    managers = list(
        Membership.objects.filter(
            area=area, role=Role.TEAM_MANAGER, is_active=True, organisation__kind=Organisation.Kind.PROGRAMME
        )
        .select_related("user", "organisation", "area")
        .order_by("organisation__name", "user__email")
    )
    leads: dict[int, Membership] = {}
    for manager in managers:
        leads.setdefault(manager.organisation_id, manager)
    if not leads:
        return []
    decision_hours, escalate_hours, acknowledge_days, outcome_days = _LIMITS[index % len(_LIMITS)]
    number = 100 + 10 * index  # each borough's own three numbers in the drama range
    data = {
        "emergency_contacts": (
            f"Children's social care front door ({area.name} MASH), Monday to Friday, 9am to 5pm: "
            f"020 7946 0{number}\n"
            f"Out of hours, evenings, weekends and bank holidays: the Emergency Duty Team, 020 7946 0{number + 1}\n"
            "A child in immediate danger: call the police on 999. Police, not an emergency: 101\n"
            f"An allegation about someone who works with children: the LADO, 020 7946 0{number + 2}\n"
            "(Demo numbers from Ofcom's range for drama: they ring no one.)"
        ),
        "decision_within_hours": decision_hours,
        "escalate_within_hours": escalate_hours,
        "acknowledge_within_days": acknowledge_days,
        "outcome_within_days": outcome_days,
    }
    saved = None
    for lead in leads.values():
        saved = settings_save(actor=lead, data=data, leads=[lead])
    assert saved is not None  # there is a lead
    first = next(iter(leads.values()))
    for kind, door in _front_doors(area, number).items():
        front_door_save(actor=first, kind=kind, data=door)
    teams = []
    for organisation_id, lead in leads.items():
        workers = {
            member.user_id: member
            for member in Membership.objects.filter(
                area=area, organisation_id=organisation_id, role=Role.LINK_WORKER, is_active=True
            ).select_related("user")
        }
        with_plan = Enrolment.objects.filter(child=OuterRef("pk"), plan__isnull=False).exclude(
            stage=Enrolment.Stage.CLOSED
        )
        children = list(
            Child.objects.filter(
                Exists(with_plan),
                area=area,
                programme_organisation_id=organisation_id,
                link_worker_id__in=list(workers),
                archived_at__isnull=True,
            )
            .select_related("school", "link_worker")
            .order_by("pk")
        )
        teams.append(_Team(area, index, lead.organisation, lead, saved.limits, workers, children, set()))
    return teams


def _front_doors(area: Area, number: int) -> dict[str, dict[str, Any]]:
    slug = slugify(area.name)
    early_help = Organisation.objects.filter(areas=area, kind=Organisation.Kind.EARLY_HELP).order_by("pk").first()
    social_care = Organisation.objects.filter(areas=area, kind=Organisation.Kind.SOCIAL_CARE).order_by("pk").first()
    duty = f"Emergency Duty Team: 020 7946 0{number + 1}"
    return {
        FrontDoor.Kind.EARLY_HELP: {
            "name": f"{area.name} Early Help front door",
            "organisation": early_help,
            "channel": FrontDoor.Channel.PORTAL,
            "contact": f"https://earlyhelp.{slug}.example.gov.uk/request",
            "out_of_hours": f"Early Help takes requests in office hours. If a child is at risk, call the {duty}",
            "required_fields": [
                "child_name",
                "date_of_birth",
                "address",
                "school",
                "carers",
                "home_language",
                "concern",
                "level",
                "reasons",
                "actions_taken",
                "family_informed",
                "services",
                "referrer",
            ],
        },
        FrontDoor.Kind.SOCIAL_CARE: {
            "name": f"{area.name} MASH",
            "organisation": social_care,
            "channel": FrontDoor.Channel.SECURE_EMAIL,
            "contact": f"mash@{slug}.example.gov.uk (secure email), or phone 020 7946 0{number}",
            "out_of_hours": duty,
            # The MASH asks for everything a referral can carry.
            "required_fields": list(FIELDS),
        },
        FrontDoor.Kind.POLICE: {
            "name": f"{area.name} MASH police desk",
            "organisation": None,
            "channel": FrontDoor.Channel.PHONE,
            "contact": f"101, asking for the {area.name} MASH police desk; then the form to "
            f"mash-police@{slug}.example.gov.uk",
            "out_of_hours": "999 if a child is in immediate danger; 101 otherwise",
            "required_fields": [
                "child_name",
                "date_of_birth",
                "sex",
                "address",
                "context",
                "concern",
                "child_words",
                "when_where",
                "present",
                "category",
                "immediate_risk",
                "actions_taken",
                "family_informed",
                "referrer",
            ],
        },
    }


def _concerns(rng: random.Random, clock: _Clock, team: _Team) -> None:
    """The team's concerns: every stage in the headline borough, a sample elsewhere, and one about a context."""
    headline = team.area.name == _HEADLINE_BOROUGH
    slots = (
        list(_SLOTS) if headline else sorted(rng.sample(_SLOTS, rng.randint(*_OTHER_BOROUGH_SLOTS)), key=_SLOTS.index)
    )
    rotation = sorted(team.workers, key=lambda user_id: team.workers[user_id].user.email)
    rng.shuffle(rotation)
    used_stories: set[int] = set()
    for number, slot in enumerate(slots):
        own = headline and slot in _HEADLINE_SLOTS
        worker_id = _headline_worker(team) if own else rotation[number % len(rotation)] if rotation else None
        picked = _pick(rng, team, slot, worker_id, used_stories, clock.today)
        if picked is None:
            continue
        child, story_index = picked
        used_stories.add(story_index)
        _child_concern(rng, clock, team, slot, child, _STORIES[story_index])
    _context_concern(rng, clock, team, _CONTEXTS[_CONTEXT_ORDER[team.index % len(_CONTEXT_ORDER)]], headline)


def _headline_worker(team: _Team) -> int | None:
    return next((uid for uid, member in team.workers.items() if member.user.email == _HEADLINE_LINK_WORKER), None)


def _pick(
    rng: random.Random, team: _Team, slot: str, worker_id: int | None, used_stories: set[int], on: date
) -> tuple[Child, int] | None:
    """A child not yet used, preferably of ``worker_id``, and a story that fits the slot and the child's age: of a
    category not yet seen in this borough where there is one, else one not yet told here."""
    stories = [index for index, story in enumerate(_STORIES) if _fits(slot, story)]
    told = {_STORIES[index].category for index in used_stories}
    fresh = (
        [index for index in stories if _STORIES[index].category not in told]
        or [index for index in stories if index not in used_stories]
        or stories
    )
    free = [child for child in team.children if child.pk not in team.used]
    theirs = [child for child in free if child.link_worker_id == worker_id]
    for pool in (theirs, free):
        for index in rng.sample(fresh, len(fresh)):
            fitting = [child for child in pool if child.age_on(on) >= _STORIES[index].min_age]
            if fitting:
                child = rng.choice(fitting)
                team.used.add(child.pk)
                return child, index
    return None


def _words(child: Child, on: date) -> dict[str, str]:
    she = child.sex == Child.Sex.FEMALE
    words = {
        "name": child.display_name.split(" ")[0],
        "he": "she" if she else "he",
        "him": "her" if she else "him",
        "his": "her" if she else "his",
        "himself": "herself" if she else "himself",
        "school": child.school.name,
        "age": str(child.age_on(on)),
    }
    return words | {key.capitalize(): value.capitalize() for key, value in words.items() if key != "name"}


def _child_concern(rng: random.Random, clock: _Clock, team: _Team, slot: str, child: Child, story: Story) -> None:
    raiser = team.workers[child.link_worker_id]  # type: ignore[index]  # chosen from the team's workers
    words = _words(child, clock.today)
    times = _times(slot, clock, team.limits, immediate=story.immediate_risk)
    happened = timezone.localtime(times.raised_at - timedelta(minutes=rng.randint(15, 120)))
    concern = concern_raise(
        actor=raiser,
        child=child,
        what=story.what.format(**words),
        child_words=story.child_words.format(**words),
        happened_on=happened.date(),
        happened_time=happened.time().replace(second=0, microsecond=0),
        place=story.place.format(**words),
        present=story.present.format(**words),
        category=story.category,
        immediate_risk=story.immediate_risk,
    )
    _through(
        rng,
        clock,
        team,
        concern,
        times,
        level=story.level,
        action=story.action,
        reasons=story.reasons.format(**words),
        family_told=story.family_told,
        not_told_because=story.not_told_because.format(**words),
        outcome=_OUTCOMES.get(slot, ""),
        name=words["name"],
    )


def _context_concern(rng: random.Random, clock: _Clock, team: _Team, story: ContextStory, headline: bool) -> None:
    """A concern about a context of 3 to 5 children of the team, at the school with most of them where it has
    enough, across the team's schools otherwise."""
    older = [child for child in team.children if child.age_on(clock.today) >= story.min_age]
    by_school: dict[int, list[Child]] = defaultdict(list)
    for child in older:
        by_school[child.school_id].append(child)
    if not by_school:
        return
    school_children = max(by_school.values(), key=lambda children: (len(children), -children[0].pk))
    count = rng.randint(3, 5)
    pool = school_children if len(school_children) >= count else older
    if len(pool) < 3:
        return
    children = rng.sample(pool, min(count, len(pool)))
    count = len(children)
    worker_id = _headline_worker(team) if headline else None
    if worker_id is None or all(child.link_worker_id != worker_id for child in children):
        worker_id = children[0].link_worker_id
    raiser = team.workers[worker_id]  # type: ignore[index]  # every child here has a Link Worker of the team
    words = {"school": children[0].school.name, "count": {3: "Three", 4: "Four", 5: "Five"}[count]}
    context = context_create(
        actor=raiser,
        kind=story.kind,
        name=story.name,
        description=story.description.format(**words),
        children=children,
    )
    # The peer group is the headline case: referred and acknowledged. Elsewhere, its decision or none yet.
    slot = ACKNOWLEDGED if story.action in ESCALATING_ACTIONS else MONITOR
    if story.kind == Context.Kind.PLACE:
        slot = AWAITING
    times = _times(slot, clock, team.limits, immediate=False)
    happened = timezone.localtime(times.raised_at - timedelta(minutes=rng.randint(30, 180)))
    concern = concern_raise(
        actor=raiser,
        context=context,
        what=story.what.format(**words),
        child_words=story.child_words,
        happened_on=happened.date(),
        happened_time=happened.time().replace(second=0, microsecond=0),
        place=story.place.format(**words),
        present=story.present,
        category=story.category,
        immediate_risk=False,
    )
    Context.objects.filter(pk=context.pk).update(created_at=times.raised_at, modified_at=times.raised_at)
    _through(
        rng,
        clock,
        team,
        concern,
        times,
        level=story.level,
        action=story.action,
        reasons=story.reasons,
        family_told=story.family_told,
        not_told_because=story.not_told_because,
        outcome="",
        name="each young person",
    )


def _through(
    rng: random.Random,
    clock: _Clock,
    team: _Team,
    concern: Concern,
    times: Times,
    *,
    level: str,
    action: str,
    reasons: str,
    family_told: bool,
    not_told_because: str,
    outcome: str,
    name: str,
) -> None:
    """Take a raised concern as far as ``times`` says, through the services, then date each step."""
    lead = team.lead
    raised = times.raised_at
    Concern.objects.filter(pk=concern.pk).update(created_at=raised, modified_at=raised)
    notes = {f"concern:{concern.pk}:raised": raised}
    if times.decided_at is not None:
        decision = decision_record(actor=lead, concern=concern, level=level, action=action, reasons=reasons)
        Decision.objects.filter(pk=decision.pk).update(decided_at=times.decided_at)
        decision.decided_at = times.decided_at
        notes[f"concern:{concern.pk}:decided:"] = times.decided_at
    if times.sent_on is not None and action in ESCALATING_ACTIONS:
        escalation = escalation_send(
            actor=lead,
            concern=concern,
            sent_on=times.sent_on,
            family_informed=family_told,
            family_informed_note="" if family_told else not_told_because,
        )
        kind = escalation.front_door.kind
        sent = last = clock.after(times.decided_at or raised, times.sent_on)
        notes[f"concern:{concern.pk}:sent:{escalation.pk}"] = sent
        if times.chased_on is not None:
            escalation_chase(
                actor=lead, escalation=escalation, chased_on=times.chased_on, note=rng.choice(_CHASE_NOTES)
            )
            last = clock.after(last, times.chased_on)
        if times.acknowledged_on is not None:
            reference = f"{_REFERENCE_PREFIXES[kind]}-{times.sent_on:%y%m}-{rng.randint(1000, 99999):05d}"
            escalation_acknowledge(
                actor=lead, escalation=escalation, acknowledged_on=times.acknowledged_on, reference=reference
            )
            last = clock.after(last, times.acknowledged_on)
        if outcome and times.outcome_on is not None:
            escalation_outcome(
                actor=lead,
                escalation=escalation,
                outcome=outcome,
                outcome_on=times.outcome_on,
                note=_OUTCOME_NOTES[outcome].format(name=name, door=escalation.front_door.name),
            )
            last = clock.after(last, times.outcome_on)
            notes[f"concern:{concern.pk}:outcome:{escalation.pk}"] = last
        Escalation.objects.filter(pk=escalation.pk).update(created_at=sent, modified_at=last)
        Concern.objects.filter(pk=concern.pk).update(modified_at=last)
    # The notifications arrived when each step happened.
    for key, moment in notes.items():
        found = (
            Notification.objects.filter(key__startswith=key)
            if key.endswith(":")
            else Notification.objects.filter(key=key)
        )
        found.update(created_at=moment)
