"""Tables the demo service directory draws from: kinds of service, what each offers, programmes, places.

Written as a directory would describe real services in West London, in plain
English, with the ages, times, costs and need domains that go with each. The
boroughs' neighbourhoods and postcode districts, the councils' names and the
programmes marked ``real`` in :data:`PROGRAMMES` are real; every provider,
venue and person the builder makes from these tables is invented.

Text may use {place}, {borough}, {council} and {ages}, filled in by
:mod:`joinedup.demo.directory`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from joinedup.core.domains import NeedDomain

__all__ = [
    "ACCESSIBILITY",
    "BOROUGH_LANGUAGES",
    "CAMHS_PROVIDER",
    "COMMUNITY_KINDS",
    "COUNCILS",
    "FOCUS_KIND",
    "KINDS",
    "LANGUAGE_NAMES",
    "NEIGHBOURHOODS",
    "NHS_TRUST",
    "PARTNER_OFFERS",
    "PROGRAMMES",
    "SAINTS",
    "STATUTORY_PLAN",
    "TERMS",
    "VENUE_PLAN",
    "VOLUNTARY_WEIGHTS",
    "Offer",
    "Programme",
    "ServiceKind",
]

# Real neighbourhoods of each borough with the postcode district they lie in; used for
# venue and organisation names ("Harlesden Family Hub") so the demo reads like West London.
NEIGHBOURHOODS: dict[str, tuple[tuple[str, str], ...]] = {
    "Brent": (
        ("Harlesden", "NW10"),
        ("Willesden", "NW10"),
        ("Stonebridge", "NW10"),
        ("Neasden", "NW10"),
        ("Kensal Green", "NW10"),
        ("Cricklewood", "NW2"),
        ("Dollis Hill", "NW2"),
        ("Kilburn", "NW6"),
        ("Queen's Park", "NW6"),
        ("Alperton", "HA0"),
        ("Sudbury", "HA0"),
        ("Wembley", "HA9"),
        ("Tokyngton", "HA9"),
        ("Kenton", "HA3"),
        ("Preston", "HA3"),
    ),
    "Westminster": (
        ("Paddington", "W2"),
        ("Bayswater", "W2"),
        ("Westbourne", "W2"),
        ("Maida Vale", "W9"),
        ("Harrow Road", "W9"),
        ("Church Street", "NW8"),
        ("Lisson Grove", "NW8"),
        ("St John's Wood", "NW8"),
        ("Pimlico", "SW1V"),
        ("Churchill Gardens", "SW1V"),
        ("Millbank", "SW1P"),
        ("Vincent Square", "SW1P"),
        ("Marylebone", "W1U"),
        ("Edgware Road", "W1H"),
    ),
    "Hammersmith and Fulham": (
        ("Hammersmith", "W6"),
        ("Ravenscourt", "W6"),
        ("Shepherd's Bush", "W12"),
        ("White City", "W12"),
        ("Wormholt", "W12"),
        ("West Kensington", "W14"),
        ("Brook Green", "W14"),
        ("Fulham", "SW6"),
        ("Parsons Green", "SW6"),
        ("Sands End", "SW6"),
        ("Fulham Broadway", "SW6"),
        ("East Acton", "W3"),
    ),
    "Kensington and Chelsea": (
        ("North Kensington", "W10"),
        ("Golborne", "W10"),
        ("Kensal Town", "W10"),
        ("Notting Hill", "W11"),
        ("Ladbroke Grove", "W11"),
        ("Portobello", "W11"),
        ("Kensington", "W8"),
        ("Earl's Court", "SW5"),
        ("Chelsea", "SW3"),
        ("World's End", "SW10"),
        ("South Kensington", "SW7"),
    ),
}

COUNCILS: dict[str, str] = {
    "Brent": "Brent Council",
    "Westminster": "Westminster City Council",
    "Hammersmith and Fulham": "Hammersmith & Fulham Council",
    "Kensington and Chelsea": "Royal Borough of Kensington and Chelsea",
}
# Invented NHS provider; CAMHS comes from the health organisation the demo already has.
NHS_TRUST = "Westway Community Health NHS Trust"
CAMHS_PROVIDER = "Canalside Child and Family Wellbeing Service"

# Common London community languages, with ISO 639-1 codes, weighted per borough
# roughly by how many residents speak them (census 2021).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ar": "Arabic",
    "am": "Amharic",
    "bn": "Bengali",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "gu": "Gujarati",
    "hi": "Hindi",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "so": "Somali",
    "ta": "Tamil",
    "ti": "Tigrinya",
    "tr": "Turkish",
    "ur": "Urdu",
}
BOROUGH_LANGUAGES: dict[str, tuple[tuple[str, int], ...]] = {
    "Brent": (("gu", 9), ("ro", 8), ("so", 6), ("ar", 6), ("pl", 5), ("pt", 5), ("ta", 5), ("ur", 4), ("hi", 3)),
    "Westminster": (("ar", 10), ("bn", 6), ("es", 5), ("pt", 4), ("so", 4), ("fr", 4), ("fa", 3), ("ro", 2)),
    "Hammersmith and Fulham": (("pl", 8), ("ar", 7), ("so", 6), ("es", 5), ("fr", 4), ("pt", 4), ("ti", 3)),
    "Kensington and Chelsea": (("ar", 10), ("es", 6), ("pt", 6), ("fr", 5), ("ti", 4), ("am", 3), ("so", 3)),
}

SAINTS = ("Augustine", "Barnabas", "Cuthbert", "Luke", "Mary", "Michael", "Stephen", "Jude", "Anne", "Columba")


# The "Joinedup service types" taxonomy: (code, name, description, parent code or "").
TERMS: tuple[tuple[str, str, str, str], ...] = (
    ("family-support", "Family support", "Help for parents, carers and the whole family.", ""),
    ("health-wellbeing", "Health and wellbeing", "Physical and mental health services.", ""),
    ("learning", "Learning and education", "Help with school work, reading, English and learning together.", ""),
    ("young-people", "Youth work and mentoring", "Youth clubs, youth workers and mentors.", ""),
    ("activities", "Activities and clubs", "Things to do after school, at weekends and in the holidays.", ""),
    ("money-food-housing", "Money, food and housing", "Practical help with money, food and a home.", ""),
    ("safety", "Safety and protection", "Support for families affected by abuse, exploitation or crime.", ""),
    (
        "family-hubs",
        "Family hubs",
        "Family hubs and children's centres for families with children 0 to 19.",
        "family-support",
    ),
    ("early-help", "Early help", "Early help from the council for families who need more support.", "family-support"),
    ("parenting", "Parenting support", "Parenting courses, groups and one-to-one support.", "family-support"),
    ("family-support-work", "Family support work", "Advice and practical help for families.", "family-support"),
    ("early-years", "Early years and play", "Stay and play, baby groups and support for under 5s.", "family-support"),
    ("young-carers", "Young carers", "Support for children who look after someone at home.", "family-support"),
    ("send", "SEND", "Support for children with special educational needs and disabilities.", "family-support"),
    (
        "counselling",
        "Counselling and therapy",
        "Talking and play therapies for children and families.",
        "health-wellbeing",
    ),
    ("mental-health", "Mental health services", "NHS mental health services for children.", "health-wellbeing"),
    ("community-health", "Community health", "Health visiting, school nursing and clinics.", "health-wellbeing"),
    (
        "speech-language",
        "Speech and language",
        "Help with talking, understanding and communication.",
        "health-wellbeing",
    ),
    ("bereavement", "Bereavement support", "Support for children and families after a death.", "health-wellbeing"),
    ("healthy-lifestyles", "Healthy lifestyles", "Healthy eating, cooking and being active.", "health-wellbeing"),
    ("substance-use", "Drug and alcohol support", "Support about drugs and alcohol.", "health-wellbeing"),
    ("tutoring", "Tutoring and homework help", "Tutoring, homework clubs and study support.", "learning"),
    ("reading", "Reading and literacy", "Reading volunteers, book clubs and literacy.", "learning"),
    ("esol", "English classes (ESOL)", "English for speakers of other languages.", "learning"),
    ("libraries", "Libraries", "Library clubs and activities.", "learning"),
    ("family-learning", "Family learning", "Courses for parents to learn alongside their children.", "learning"),
    ("stem", "Coding, science and maths clubs", "Clubs for coding, science and maths.", "learning"),
    ("youth-clubs", "Youth clubs and youth work", "Youth clubs, youth centres and youth workers.", "young-people"),
    ("mentoring", "Mentoring", "One-to-one and group mentoring.", "young-people"),
    ("holiday-activities", "Holiday activities and food", "Holiday clubs with a free meal.", "activities"),
    ("sport", "Sport and physical activity", "Sports clubs, coaching and swimming.", "activities"),
    ("arts", "Arts, music, drama and dance", "Creative clubs and groups.", "activities"),
    ("outdoor", "Outdoor learning and gardening", "Forest school, gardening and outdoor activities.", "activities"),
    ("food", "Food banks and community food", "Food banks, pantries and community meals.", "money-food-housing"),
    ("essentials", "Baby banks and essentials", "Baby banks, uniform and household essentials.", "money-food-housing"),
    ("money-advice", "Money and benefits advice", "Debt, benefits and money advice.", "money-food-housing"),
    ("housing", "Housing advice", "Advice about housing and homelessness.", "money-food-housing"),
    ("domestic-abuse", "Domestic abuse support", "Support for people affected by domestic abuse.", "safety"),
    ("exploitation", "Exploitation and youth violence", "Support about exploitation, gangs and violence.", "safety"),
)
# ---------------------------------------------------------------------------
# Evidence-rated programmes
# ---------------------------------------------------------------------------

_GUIDEBOOK = "https://guidebook.eif.org.uk/programme/"


@dataclass(frozen=True, slots=True)
class Programme:
    """A named programme a service delivers, with its Foundations Guidebook rating."""

    name: str
    level: str  # EvidenceLevel value
    slug: str
    rated_on: date
    real: bool = False

    @property
    def url(self) -> str:
        return _GUIDEBOOK + self.slug


PROGRAMMES: dict[str, Programme] = {
    # Real programmes with the ratings the Guidebook gives them.
    "incredible-years-preschool": Programme(
        "Incredible Years Preschool", "4", "incredible-years-preschool", date(2016, 7, 1), real=True
    ),
    "group-triple-p": Programme("Level 4 Group Triple P", "3", "level-4-group-triple-p", date(2019, 11, 1), real=True),
    "group-teen-triple-p": Programme(
        "Level 4 Group Teen Triple P", "3", "level-4-group-teen-triple-p", date(2017, 9, 1), real=True
    ),
    "triple-p-discussion-groups": Programme(
        "Level 3 Triple P Discussion Groups", "3", "level-3-triple-p-discussion-groups", date(2016, 7, 1), real=True
    ),
    "epec": Programme(
        "Empowering Parents, Empowering Communities",
        "3",
        "empowering-parents-empowering-communities",
        date(2016, 7, 1),
        real=True,
    ),
    # Invented for the demo.
    "brave-minds": Programme("Brave Minds", "2", "brave-minds", date(2021, 3, 1)),
    "calm-space": Programme("Calm Space school counselling", "2", "calm-space", date(2020, 10, 1)),
    "side-by-side": Programme("Side by Side mentoring", "2", "side-by-side-mentoring", date(2022, 5, 1)),
    "number-sense": Programme("Number Sense tutoring", "2", "number-sense-tutoring", date(2021, 11, 1)),
    "story-steps": Programme("Story Steps", "2", "story-steps", date(2019, 6, 1)),
    "safe-together": Programme("Safe Together children's groups", "2", "safe-together", date(2022, 2, 1)),
    "dads-matter": Programme("Dads Matter", "2", "dads-matter", date(2023, 1, 1)),
    "talk-time": Programme("Talk Time early language groups", "2", "talk-time", date(2020, 4, 1)),
    "kickstart-careers": Programme("Kickstart Careers mentoring", "NL2", "kickstart-careers", date(2021, 9, 1)),
    "healthy-habits": Programme("Healthy Habits family course", "NL2", "healthy-habits", date(2019, 9, 1)),
    "reality-check": Programme("Reality Check prison awareness day", "NE", "reality-check", date(2018, 4, 1)),
}


# ---------------------------------------------------------------------------
# Kinds of service and what each offers
# ---------------------------------------------------------------------------

_D = NeedDomain


@dataclass(frozen=True, slots=True)
class Offer:
    """One thing a provider offers, written as a directory would describe it.

    Text may use {place}, {borough}, {council} and {ages}. ``mode`` says where
    it happens: ``in_person`` (at a venue), ``schools`` (in a few schools),
    ``online``, ``phone``, ``hidden`` (address given only on booking, as for
    domestic abuse services) or ``outreach`` (youth workers on the streets).
    """

    key: str
    name: str
    description: str
    ages: tuple[int | None, int | None]
    slot: str
    domains: tuple[str, ...] = ()
    cost: str = "free"
    programme: str | None = None
    mode: str = "in_person"
    venues: tuple[str, ...] = ("community",)
    term: str | None = None
    org: str | None = None  # name of a new provider, when the offer implies one ("{place} Boxing Club")
    weeks: int | None = None  # a course of so many weekly sessions
    eligibility: str | None = None
    access: str | None = None
    wait: str | None = None
    weight: int = 3


@dataclass(frozen=True, slots=True)
class ServiceKind:
    key: str
    term: str
    sector: str  # council, nhs, voluntary
    domains: tuple[str, ...]
    eligibility: str
    access: str
    offers: tuple[Offer, ...]
    org_names: tuple[str, ...] = ()
    org_about: str = ""
    titles: tuple[str, ...] = ("Coordinator",)
    wait: str = ""
    languages: float = 0.3  # chance the service is offered in community languages as well as English

    def offer(self, key: str) -> Offer:
        return next(offer for offer in self.offers if offer.key == key)


_LIVE = "who live in {borough}"
_LIVE_OR_SCHOOL = "who live or go to school in {borough}"

KINDS: dict[str, ServiceKind] = {
    kind.key: kind
    for kind in (
        ServiceKind(
            "family_hub",
            "family-hubs",
            "council",
            (_D.FAMILY_SUPPORT,),
            "Families with children and young people aged 0 to 19 (up to 25 with special educational needs "
            "or disabilities) " + _LIVE + ".",
            "Just come along during opening hours. You do not need an appointment or a referral.",
            (
                Offer(
                    "family-hub-drop-in",
                    "Family Hub drop-in",
                    "Drop in for friendly advice on anything to do with family life, from feeding and sleep to money "
                    "worries and school. Staff can help you fill in forms, book onto groups and find the right "
                    "support in {borough}.",
                    (0, 19),
                    "office",
                    (_D.EARLY_YEARS, _D.FINANCES),
                    venues=("hub",),
                ),
                Offer(
                    "stay-and-play",
                    "Stay and play",
                    "Play sessions for babies and young children with their parents or carers. Try messy play, songs "
                    "and stories, meet other families and talk to our early years staff about how your child is "
                    "getting on.",
                    (0, 4),
                    "drop_in_morning",
                    (_D.EARLY_YEARS,),
                    venues=("hub",),
                ),
                Offer(
                    "baby-massage",
                    "Baby massage",
                    "A five-week course that teaches gentle massage to soothe your baby and help you bond. Bring a "
                    "towel; everything else is provided.",
                    (0, 1),
                    "course",
                    (_D.EARLY_YEARS, _D.HEALTH),
                    venues=("hub",),
                    weeks=5,
                    access="Book a place at the Family Hub reception or by phone.",
                ),
                Offer(
                    "infant-feeding",
                    "Infant feeding support",
                    "Help with breastfeeding, bottle feeding and starting solid food from trained infant feeding "
                    "workers. Bring your baby; partners and grandparents are welcome too.",
                    (0, 1),
                    "drop_in_morning",
                    (_D.EARLY_YEARS, _D.HEALTH),
                    venues=("hub",),
                ),
                Offer(
                    "dads-play",
                    "Dads' Saturday play session",
                    "A relaxed Saturday morning for dads, grandads and male carers and their children, with "
                    "breakfast, games and a chance to chat.",
                    (0, 5),
                    "weekend",
                    (_D.EARLY_YEARS, _D.RELATIONSHIPS),
                    venues=("hub",),
                ),
            ),
            titles=("Family Hub coordinator", "Early years practitioner", "Reception team"),
            languages=0.5,
        ),
        ServiceKind(
            "parenting_council",
            "parenting",
            "council",
            (_D.FAMILY_SUPPORT, _D.RELATIONSHIPS),
            "Parents and carers " + _LIVE + ".",
            "Ask your health visitor, school or Family Hub to refer you, or book a place yourself by phone or email.",
            (
                Offer(
                    "incredible-years",
                    "Incredible Years parenting course",
                    "An 18-week group course for parents who are worried about their child's behaviour. You watch "
                    "short films of everyday family life, talk them through with other parents and practise ways to "
                    "play, praise and set limits calmly. A free crèche is available.",
                    (3, 6),
                    "course",
                    (_D.EMOTIONAL_WELLBEING, _D.EARLY_YEARS),
                    programme="incredible-years-preschool",
                    venues=("hub",),
                    weeks=18,
                ),
                Offer(
                    "triple-p-discussion",
                    "Triple P discussion groups",
                    "Short two-hour workshops on everyday worries such as disobedience, fighting and aggression, "
                    "bedtime, and shopping trips. Come to one or to all four.",
                    (0, 12),
                    "course",
                    (_D.EMOTIONAL_WELLBEING,),
                    programme="triple-p-discussion-groups",
                    venues=("hub",),
                    weeks=4,
                ),
                Offer(
                    "teen-triple-p",
                    "Group Teen Triple P",
                    "An eight-week course for parents of teenagers: five group evenings and three phone calls. Learn "
                    "ways to reduce conflict, agree rules together and stay close while your teenager becomes more "
                    "independent.",
                    (12, 16),
                    "course_evening",
                    (_D.EMOTIONAL_WELLBEING,),
                    programme="group-teen-triple-p",
                    venues=("hub", "civic"),
                    weeks=8,
                ),
                Offer(
                    "parenting-workshops",
                    "Parenting workshops",
                    "One-off workshops on the topics parents ask for: screen time, sleep, starting school, "
                    "friendships and staying calm. See the timetable at the Family Hub.",
                    (0, 18),
                    "weekly_group",
                    venues=("hub",),
                ),
            ),
            titles=("Parenting coordinator", "Parenting practitioner"),
            languages=0.4,
        ),
        ServiceKind(
            "early_help",
            "early-help",
            "council",
            (_D.FAMILY_SUPPORT,),
            "Families with children aged 0 to 18 " + _LIVE + " who need more help than everyday services can give "
            "and agree to take part.",
            "Ask a professional who knows your family, such as your child's school, GP or health visitor, to make an "
            "early help request. You can also contact the team yourself.",
            (
                Offer(
                    "family-support",
                    "Early help family support",
                    "A family support worker works with you and your children for a few months, at home and at "
                    "school. Together you agree a plan for what needs to change, such as routines, school "
                    "attendance, behaviour or money, and who will help.",
                    (0, 18),
                    "appointments",
                    (_D.ATTENDANCE, _D.EMOTIONAL_WELLBEING, _D.RELATIONSHIPS),
                    venues=("civic",),
                    wait="A worker usually contacts you within ten working days.",
                ),
                Offer(
                    "advice-line",
                    "Early help advice line",
                    "Call for advice if you are worried about a child or your family and are not sure where to "
                    "turn. If a child is in danger, call 999.",
                    (0, 18),
                    "office",
                    (_D.ABUSE_EXPLOITATION,),
                    mode="phone",
                    access="Phone the advice line. Professionals can also use the online request form.",
                ),
                Offer(
                    "attendance",
                    "School attendance support",
                    "Works with families and schools when a child is missing school. We listen to what is getting in "
                    "the way, from anxiety or bullying to difficult mornings at home, and agree steps to get your "
                    "child back into school.",
                    (5, 16),
                    "school_day",
                    (_D.ATTENDANCE, _D.EMOTIONAL_WELLBEING),
                    mode="schools",
                    access="Your child's school will usually refer you. You can also ask the school to contact us.",
                ),
            ),
            titles=("Duty worker", "Early help coordinator", "Family support worker"),
            languages=0.5,
        ),
        ServiceKind(
            "send_council",
            "send",
            "council",
            (_D.FAMILY_SUPPORT, _D.HEALTH),
            "Children and young people aged 0 to 25 with special educational needs or disabilities, and their "
            "parents and carers, " + _LIVE + ".",
            "Phone or email the team, or ask at the Family Hub.",
            (
                Offer(
                    "sendiass",
                    "SEND information, advice and support",
                    "Free, confidential and impartial advice for parents and young people about special educational "
                    "needs and disabilities: support at school, education, health and care (EHC) plans, and what to "
                    "do if you disagree with a decision.",
                    (0, 25),
                    "office",
                    (_D.ATTAINMENT,),
                    mode="phone",
                ),
                Offer(
                    "short-breaks",
                    "Short breaks for disabled children",
                    "Clubs, activities and holiday schemes that give disabled children and young people time to have "
                    "fun with friends, and give their families a break.",
                    (0, 18),
                    "weekend",
                    venues=("community", "sports"),
                    access="Ask for a short breaks assessment through the Family Hub or the SEND team.",
                ),
            ),
            titles=("SEND adviser", "Short breaks coordinator"),
        ),
        ServiceKind(
            "youth_council",
            "youth-clubs",
            "council",
            (_D.RELATIONSHIPS, _D.EMOTIONAL_WELLBEING),
            "Young people {ages} " + _LIVE_OR_SCHOOL + ".",
            "Just turn up. Fill in a membership form with a parent or carer on your first visit.",
            (
                Offer(
                    "junior-club",
                    "Junior youth club",
                    "Games, sport, arts and crafts, cooking and trips for 8 to 12 year olds, with youth workers who "
                    "get to know every young person.",
                    (8, 12),
                    "after_school",
                    venues=("youth",),
                ),
                Offer(
                    "senior-club",
                    "Senior youth club",
                    "Open evenings for young people aged 13 to 19: music studio, pool table, sports hall, food and "
                    "someone to talk to. Come with friends or on your own.",
                    (13, 19),
                    "youth_evening",
                    venues=("youth",),
                ),
                Offer(
                    "girls-group",
                    "Girls' group",
                    "A weekly evening for girls and young women aged 11 to 18 to try new things, talk about what "
                    "matters to them and plan their own projects.",
                    (11, 18),
                    "evening",
                    venues=("youth",),
                ),
                Offer(
                    "targeted-youth",
                    "Targeted youth support",
                    "One-to-one support from a youth worker for young people who are struggling at school, at home or "
                    "with friends, or who may be drawn into trouble. Usually weekly meetings for three to six months.",
                    (10, 18),
                    "appointments",
                    (_D.CRIME, _D.ABUSE_EXPLOITATION, _D.ATTENDANCE),
                    venues=("youth",),
                    access="A school, social worker or other professional refers. Young people can ask for help too.",
                ),
                Offer(
                    "detached",
                    "Detached youth work",
                    "Youth workers out on the streets, estates and parks of {borough} in the evenings, talking to "
                    "young people where they spend their time and helping them into activities and support.",
                    (11, 19),
                    "youth_evening",
                    (_D.CRIME, _D.ABUSE_EXPLOITATION, _D.SUBSTANCE_USE),
                    mode="outreach",
                    access="Youth workers will find you; you can also phone the team to ask where they will be.",
                ),
                Offer(
                    "youth-justice-prevention",
                    "Youth justice prevention",
                    "Early support for young people aged 10 to 17 who have come to the attention of the police or "
                    "their school for behaviour that could lead to offending, so that it goes no further.",
                    (10, 17),
                    "appointments",
                    (_D.CRIME,),
                    venues=("civic",),
                    access="Referral from the police, a school or a social worker.",
                ),
            ),
            titles=("Youth worker", "Senior youth worker", "Youth centre manager"),
        ),
        ServiceKind(
            "library",
            "libraries",
            "council",
            (_D.ATTAINMENT,),
            "Free for everyone. Children under 8 must come with an adult.",
            "Just come along. Joining the library is free and lets you borrow books and use the computers.",
            (
                Offer(
                    "homework-club",
                    "Homework club",
                    "A quiet space after school with computers, printing and volunteers to help with homework.",
                    (7, 16),
                    "after_school",
                    venues=("library",),
                ),
                Offer(
                    "rhyme-time",
                    "Rhyme time",
                    "Songs, rhymes and stories for babies and toddlers with their parents and carers. A good way to "
                    "meet other families.",
                    (0, 4),
                    "drop_in_morning",
                    (_D.EARLY_YEARS,),
                    venues=("library",),
                ),
                Offer(
                    "lego-club",
                    "Lego club",
                    "Build, create and share on Saturday mornings. All the bricks are provided.",
                    (5, 11),
                    "weekend",
                    venues=("library",),
                ),
                Offer(
                    "code-club",
                    "Code club",
                    "Learn to make games, animations and websites with Scratch and Python, helped by volunteers.",
                    (9, 13),
                    "after_school",
                    venues=("library",),
                    term="stem",
                ),
                Offer(
                    "book-club",
                    "Young readers' book club",
                    "A monthly book club for children who love reading, or want to: choose books, talk about them and "
                    "meet authors.",
                    (8, 12),
                    "weekend",
                    venues=("library",),
                    term="reading",
                ),
                Offer(
                    "summer-reading",
                    "Summer reading challenge",
                    "Read six library books over the summer holidays and collect stickers and a medal. Free to join at "
                    "any library in {borough}.",
                    (4, 11),
                    "summer",
                    venues=("library",),
                    term="reading",
                ),
            ),
            titles=("Children's librarian", "Library assistant"),
        ),
        ServiceKind(
            "council_money",
            "money-advice",
            "council",
            (_D.ECONOMIC_DISADVANTAGE, _D.FINANCES),
            "Residents of {borough}.",
            "Apply online, phone the team or visit the customer service centre.",
            (
                Offer(
                    "benefits-help",
                    "Help with free school meals, council tax and housing benefit",
                    "Check what you can claim and apply for free school meals, council tax support and housing "
                    "benefit in one go. Staff can help you fill in the forms.",
                    (None, None),
                    "office",
                    venues=("civic",),
                ),
                Offer(
                    "local-support-fund",
                    "Local support fund",
                    "One-off help for families in crisis: food and energy vouchers, beds, cookers and fridges. The "
                    "fund cannot give cash.",
                    (None, None),
                    "office",
                    mode="phone",
                    access="Apply online or ask a professional to apply for you. Decisions within two working days.",
                ),
                Offer(
                    "housing-options",
                    "Housing options for families",
                    "Advice if you are homeless or at risk of losing your home, are living in overcrowded or unsafe "
                    "housing, or want to know your options for social housing.",
                    (None, None),
                    "office",
                    (_D.HOUSING,),
                    venues=("civic",),
                    term="housing",
                    access="If you have to leave your home today, phone the housing team. Otherwise book online.",
                ),
                Offer(
                    "family-learning",
                    "Family learning courses",
                    "Short free courses for parents to learn alongside their children: maths and English, helping with "
                    "reading, cooking on a budget and computer skills.",
                    (None, None),
                    "weekly_group",
                    (_D.ATTAINMENT, _D.FAMILY_SUPPORT),
                    venues=("library", "hub"),
                    term="family-learning",
                    access="Book online or at any library.",
                ),
            ),
            titles=("Customer services", "Welfare adviser", "Housing officer"),
            languages=0.5,
        ),
        ServiceKind(
            "health_visiting",
            "community-health",
            "nhs",
            (_D.EARLY_YEARS, _D.HEALTH),
            "Families with children aged 0 to 5 " + _LIVE + " or registered with a GP there.",
            "Every family is contacted after a birth. To speak to a health visitor, phone the team.",
            (
                Offer(
                    "health-visiting",
                    "Health visiting",
                    "Health visitors are nurses who support every family with a baby or young child: visits after the "
                    "birth, development reviews at one and two years, and advice on feeding, sleep, behaviour and "
                    "your own wellbeing.",
                    (0, 5),
                    "office",
                    (_D.FAMILY_SUPPORT,),
                    mode="phone",
                ),
                Offer(
                    "child-health-clinic",
                    "Child health clinic",
                    "Weigh your baby, ask about feeding, sleep, teething or development, and talk to a health visitor. "
                    "No appointment needed.",
                    (0, 5),
                    "drop_in_morning",
                    venues=("hub",),
                    access="Just come along with your baby and the red book.",
                ),
            ),
            titles=("Health visitor", "Duty health visitor"),
            languages=0.4,
        ),
        ServiceKind(
            "school_nursing",
            "community-health",
            "nhs",
            (_D.HEALTH, _D.EMOTIONAL_WELLBEING),
            "Children and young people aged 5 to 19 at school in {borough}.",
            "Ask at your child's school, or phone the team. Young people can contact a school nurse themselves.",
            (
                Offer(
                    "school-nursing",
                    "School nursing service",
                    "School nurses support children's health in school: health checks in Reception and Year 6, advice "
                    "on sleep, continence, healthy weight and emotional health, and care plans for children with "
                    "medical conditions.",
                    (5, 19),
                    "school_day",
                    mode="schools",
                ),
                Offer(
                    "text-a-nurse",
                    "Text a school nurse",
                    "Young people aged 11 to 19 can send a confidential text to a school nurse about anything that is "
                    "worrying them: health, relationships, bullying, feeling low. Replies within one working day.",
                    (11, 19),
                    "office",
                    (_D.RELATIONSHIPS,),
                    mode="online",
                ),
            ),
            titles=("School nurse", "School nursing team leader"),
        ),
        ServiceKind(
            "camhs",
            "mental-health",
            "nhs",
            (_D.EMOTIONAL_WELLBEING, _D.HEALTH),
            "Children and young people aged 0 to 18 " + _LIVE + " or registered with a GP there.",
            "A GP, school or other professional can refer. Young people aged 16 and over can refer themselves.",
            (
                Offer(
                    "camhs",
                    "Child and Adolescent Mental Health Service (CAMHS)",
                    "Assessment and treatment for children and young people with moderate to severe mental health "
                    "difficulties, such as anxiety, depression, eating disorders, self-harm and trauma. Support is "
                    "offered in clinic, at school, at home or online.",
                    (0, 18),
                    "office",
                    venues=("health",),
                    wait="Urgent referrals are seen within a week; other assessments usually within 12 weeks.",
                ),
                Offer(
                    "crisis-line",
                    "CAMHS crisis line",
                    "Call day or night if a child or young person is in a mental health crisis. A mental health nurse "
                    "will advise and can arrange urgent help. In an emergency, call 999.",
                    (0, 18),
                    "always",
                    mode="phone",
                    access="Phone the crisis line at any time. Parents, carers and professionals can call too.",
                ),
                Offer(
                    "mhst",
                    "Mental Health Support Team in schools",
                    "Trained practitioners in schools offer short, structured support for mild to moderate anxiety, "
                    "low mood and behaviour difficulties, and help schools look after everyone's wellbeing.",
                    (5, 18),
                    "school_day",
                    (_D.ATTENDANCE,),
                    mode="schools",
                    access="Ask your child's school mental health lead, who will refer to the team.",
                ),
                Offer(
                    "neurodevelopmental",
                    "Autism and ADHD assessment",
                    "Assessment for children and young people who may be autistic or have ADHD, with advice for "
                    "families and schools afterwards.",
                    (2, 18),
                    "appointments",
                    (_D.ATTAINMENT,),
                    venues=("health",),
                    access="Referral from a GP, school SENCO or health visitor.",
                    wait="Waits are long, often over a year. The team can suggest support while you wait.",
                ),
            ),
            titles=("Duty clinician", "CAMHS single point of access"),
            wait="Usually within 12 weeks.",
        ),
        ServiceKind(
            "speech_nhs",
            "speech-language",
            "nhs",
            (_D.EARLY_YEARS, _D.ATTAINMENT, _D.HEALTH),
            "Children " + _LIVE + " or registered with a GP there.",
            "Parents can refer children under 5 themselves. Schools, nurseries, GPs and health visitors can refer "
            "older children.",
            (
                Offer(
                    "slt-drop-in",
                    "Speech and language therapy drop-in",
                    "Worried about how your child is talking or understanding? Come and talk to a speech and language "
                    "therapist. No referral needed.",
                    (0, 5),
                    "drop_in_morning",
                    venues=("hub",),
                    access="Just come along with your child.",
                ),
                Offer(
                    "slt",
                    "Children's speech and language therapy",
                    "Assessment and therapy for children with speech, language, communication or swallowing "
                    "difficulties, at clinics, nurseries, schools and at home.",
                    (0, 18),
                    "appointments",
                    venues=("health",),
                    wait="Usually 10 to 18 weeks for a first appointment.",
                ),
            ),
            titles=("Speech and language therapist", "Admin team"),
        ),
        ServiceKind(
            "health_nhs",
            "healthy-lifestyles",
            "nhs",
            (_D.HEALTH,),
            "Families " + _LIVE + ".",
            "Book online or ask your GP or school nurse to refer you.",
            (
                Offer(
                    "healthy-families",
                    "Healthy families programme",
                    "A free ten-week programme for families who want to eat more healthily and be more active "
                    "together: games for the children while parents learn about food, portions and sleep.",
                    (5, 13),
                    "course_evening",
                    (_D.FAMILY_SUPPORT,),
                    venues=("hub", "sports"),
                    weeks=10,
                ),
                Offer(
                    "sexual-health",
                    "Young people's sexual health clinic",
                    "Free, confidential advice, contraception and testing for young people aged 13 to 24. Walk in or "
                    "book an appointment.",
                    (13, 24),
                    "after_school",
                    (_D.RELATIONSHIPS,),
                    venues=("health",),
                    term="community-health",
                    access="Walk in during clinic times or book online.",
                ),
            ),
            titles=("Clinic coordinator", "Health trainer"),
        ),
        # -- voluntary and community sector ------------------------------------------------------
        ServiceKind(
            "counselling",
            "counselling",
            "voluntary",
            (_D.EMOTIONAL_WELLBEING,),
            "Children and young people {ages} " + _LIVE_OR_SCHOOL + ".",
            "Fill in the short self-referral form on our website, or ask a teacher, GP or social worker to refer you. "
            "Parents can refer children under 13.",
            (
                Offer(
                    "young-people",
                    "Counselling for young people",
                    "Free, confidential counselling for young people dealing with anxiety, low mood, stress, family "
                    "problems, bullying or loss. Up to 12 weekly sessions with a qualified counsellor.",
                    (11, 18),
                    "after_school",
                    weight=5,
                ),
                Offer(
                    "online",
                    "Online counselling",
                    "Counselling by video call or live chat for young people who find it easier to talk from home.",
                    (11, 25),
                    "online",
                    mode="online",
                ),
                Offer(
                    "in-schools",
                    "Counselling in primary schools",
                    "A counsellor works in partner schools one day a week. Children can talk about worries, feelings, "
                    "friendships or things at home in a safe, private space.",
                    (5, 11),
                    "school_day",
                    (_D.ATTENDANCE,),
                    mode="schools",
                    programme="calm-space",
                    access="Ask your child's class teacher or the school's mental health lead.",
                ),
                Offer(
                    "family",
                    "Family counselling",
                    "Sessions for the whole family, or for parents and a teenager together, to talk through conflict, "
                    "changes such as separation, or a hard time.",
                    (5, 18),
                    "evening",
                    (_D.RELATIONSHIPS, _D.FAMILY_SUPPORT),
                    cost="sliding",
                ),
                Offer(
                    "play-therapy",
                    "Play therapy",
                    "Play therapy helps younger children make sense of difficult experiences through play, art and "
                    "sand trays, with a qualified play therapist. Usually 12 to 20 weekly sessions.",
                    (4, 11),
                    "appointments",
                    (_D.FAMILY_SUPPORT,),
                    weight=2,
                ),
                Offer(
                    "anxiety-group",
                    "Brave Minds group for children who worry",
                    "An eight-week group for 9 to 12 year olds who worry a lot. Children learn to notice worried "
                    "thoughts, calm their bodies and face fears step by step; parents join the last session.",
                    (9, 12),
                    "course_after_school",
                    programme="brave-minds",
                    weeks=8,
                    weight=2,
                ),
            ),
            org_names=("{place} Counselling Centre", "{stem} Counselling Service", "Talking Space {place}"),
            org_about="counselling for children, young people and families",
            titles=("Counselling coordinator", "Intake worker", "Clinical lead"),
            wait="Usually four to eight weeks.",
        ),
        ServiceKind(
            "bereavement",
            "bereavement",
            "voluntary",
            (_D.EMOTIONAL_WELLBEING, _D.FAMILY_SUPPORT),
            "Children and young people {ages} who have been bereaved, and their families, " + _LIVE + ".",
            "Parents, carers and professionals can refer by phone or online.",
            (
                Offer(
                    "one-to-one",
                    "Bereavement support for children",
                    "One-to-one support for children and young people after someone close to them has died, at home, "
                    "at school or at our centre.",
                    (4, 18),
                    "appointments",
                ),
                Offer(
                    "family-group",
                    "Family bereavement group",
                    "Monthly Saturday sessions where bereaved families share activities, remember the person who died "
                    "and meet others who understand.",
                    (4, 16),
                    "weekend",
                ),
                Offer(
                    "helpline",
                    "Bereavement helpline",
                    "Advice for parents, carers and professionals on how to support a grieving child.",
                    (None, None),
                    "office",
                    mode="phone",
                ),
            ),
            org_names=("{place} Bereavement Support", "{stem} Children's Bereavement Service"),
            org_about="support for bereaved children and families",
            titles=("Bereavement practitioner", "Family support lead"),
            wait="Usually within four weeks.",
        ),
        ServiceKind(
            "mentoring",
            "mentoring",
            "voluntary",
            (_D.RELATIONSHIPS, _D.EMOTIONAL_WELLBEING),
            "Young people {ages} " + _LIVE_OR_SCHOOL + ".",
            "Young people, parents, schools and other professionals can refer using the form on our website.",
            (
                Offer(
                    "one-to-one",
                    "One-to-one mentoring",
                    "Young people are matched with a trained volunteer mentor who meets them every week for a year, to "
                    "talk, try new activities and set goals.",
                    (10, 16),
                    "after_school",
                    programme="side-by-side",
                    weight=5,
                ),
                Offer(
                    "in-schools",
                    "Mentoring in schools",
                    "Mentors meet pupils in school every week to build confidence, motivation and attendance.",
                    (9, 14),
                    "school_day",
                    (_D.ATTENDANCE,),
                    mode="schools",
                    access="Schools choose pupils with their families; ask your child's head of year.",
                ),
                Offer(
                    "careers",
                    "Careers and aspirations mentoring",
                    "Mentoring from volunteers who work in business, the arts and public services, with visits to "
                    "their workplaces.",
                    (14, 18),
                    "evening",
                    (_D.ATTAINMENT,),
                    programme="kickstart-careers",
                    weight=1,
                ),
                Offer(
                    "exclusion",
                    "Mentoring for young people at risk of exclusion",
                    "Weekly mentoring and group activities for young people who are struggling with behaviour at "
                    "school, working closely with the school and family.",
                    (11, 16),
                    "after_school",
                    (_D.ATTENDANCE, _D.CRIME),
                ),
                Offer(
                    "group",
                    "Group mentoring",
                    "Small weekly groups for young people to build confidence, teamwork and leadership, ending with a "
                    "project they plan themselves.",
                    (11, 16),
                    "evening",
                ),
            ),
            org_names=("{place} Mentoring Project", "{stem} Mentors", "Step Up {place}"),
            org_about="mentoring for young people",
            titles=("Mentoring coordinator", "Project worker"),
            wait="Matching a mentor usually takes six to ten weeks.",
        ),
        ServiceKind(
            "tutoring",
            "tutoring",
            "voluntary",
            (_D.ATTAINMENT,),
            "Children and young people {ages} " + _LIVE_OR_SCHOOL + ".",
            "Register online or come to a session with a parent or carer.",
            (
                Offer(
                    "maths",
                    "Maths tutoring in small groups",
                    "Maths tutoring in groups of up to four, with trained tutors who follow what your child is "
                    "learning at school.",
                    (7, 11),
                    "after_school",
                    cost="tutoring",
                    programme="number-sense",
                ),
                Offer(
                    "catch-up",
                    "English and maths catch-up",
                    "Weekly tutoring for secondary pupils who have fallen behind in English or maths, with a "
                    "progress report for families and the school each term.",
                    (11, 16),
                    "after_school",
                    cost="tutoring",
                ),
                Offer(
                    "gcse",
                    "GCSE revision classes",
                    "Saturday revision classes in English, maths and science for Years 10 and 11.",
                    (14, 16),
                    "weekend",
                    cost="small_fee",
                ),
                Offer(
                    "saturday-school",
                    "Saturday school",
                    "A supplementary school on Saturday mornings with English, maths and science, and lessons in "
                    "community languages.",
                    (5, 14),
                    "weekend",
                    (_D.RELATIONSHIPS,),
                    cost="small_fee",
                    venues=("faith", "community"),
                ),
                Offer(
                    "homework",
                    "Homework club",
                    "A friendly homework club with volunteers, laptops, books and a snack.",
                    (7, 14),
                    "after_school",
                ),
            ),
            org_names=("{place} Learning Centre", "{stem} Tutors", "{place} Study Support"),
            org_about="tutoring and study support",
            titles=("Education coordinator", "Tutor"),
            languages=0.4,
        ),
        ServiceKind(
            "reading",
            "reading",
            "voluntary",
            (_D.ATTAINMENT,),
            "Children {ages} " + _LIVE_OR_SCHOOL + ".",
            "Schools sign up with us; parents can ask their child's school to take part.",
            (
                Offer(
                    "volunteers",
                    "Reading volunteers in schools",
                    "Trained volunteers read one-to-one with children who need a boost, twice a week for a school "
                    "year.",
                    (5, 11),
                    "school_day",
                    mode="schools",
                    programme="story-steps",
                    weight=4,
                ),
                Offer(
                    "family-reading",
                    "Family reading mornings",
                    "Stories, rhymes and book-sharing for young children with their parents, and a free book to take "
                    "home every time.",
                    (3, 8),
                    "weekend",
                    (_D.EARLY_YEARS, _D.FAMILY_SUPPORT),
                    venues=("community", "library"),
                    access="Just come along.",
                ),
                Offer(
                    "book-club",
                    "Storytelling and book club",
                    "Children share stories, write their own and meet authors and illustrators.",
                    (7, 11),
                    "after_school",
                    access="Just come along.",
                ),
            ),
            org_names=("{place} Reading Volunteers", "{stem} Readers", "Books for {place}"),
            org_about="reading support for children",
            titles=("Volunteer coordinator", "Reading lead"),
        ),
        ServiceKind(
            "esol",
            "esol",
            "voluntary",
            (_D.FAMILY_SUPPORT, _D.ECONOMIC_DISADVANTAGE),
            "Adults {ages} " + _LIVE + ". Free for people on benefits or a low income.",
            "Come to an enrolment session or phone us for an assessment of your English level.",
            (
                Offer(
                    "classes",
                    "ESOL classes for parents",
                    "English classes for beginners and improvers in the mornings while children are at school, with a "
                    "free crèche for under 5s.",
                    (19, None),
                    "weekly_group",
                    cost="class",
                    weight=5,
                ),
                Offer(
                    "conversation",
                    "English conversation club",
                    "Practise speaking English over tea and biscuits with friendly volunteers. All levels welcome; no "
                    "need to book.",
                    (16, None),
                    "drop_in_morning",
                    venues=("community", "library", "faith"),
                    access="Just come along.",
                ),
                Offer(
                    "online",
                    "ESOL online",
                    "Live online English classes in the evening, for parents who cannot come to daytime classes.",
                    (19, None),
                    "evening",
                    mode="online",
                ),
                Offer(
                    "forms",
                    "Help with letters and forms",
                    "Bring school letters, bills and forms you need help to read or fill in. Volunteers speak several "
                    "languages.",
                    (None, None),
                    "drop_in_morning",
                    (_D.FINANCES,),
                    access="Just come along.",
                    term="family-support-work",
                ),
            ),
            org_names=("{place} English Classes", "{place} Community Learning", "{stem} Language School"),
            org_about="English classes and learning for adults",
            titles=("ESOL coordinator", "Enrolment team"),
            languages=0.9,
        ),
        ServiceKind(
            "food",
            "food",
            "voluntary",
            (_D.ECONOMIC_DISADVANTAGE, _D.FINANCES),
            "Anyone " + _LIVE + " who is struggling to afford food.",
            "Just come along during opening times.",
            (
                Offer(
                    "food-bank",
                    "Food bank",
                    "Three days of emergency food for people and families in crisis, with fresh fruit and toiletries "
                    "when we have them. Volunteers can also put you in touch with debt and benefits advice.",
                    (None, None),
                    "food",
                    access="You need a referral (a food bank voucher) from a professional such as your GP, school, "
                    "Family Hub, Citizens Advice or social worker.",
                    weight=5,
                ),
                Offer(
                    "pantry",
                    "Community pantry",
                    "Members pay £3.50 a week and choose at least £15 worth of food, including fresh fruit, vegetables "
                    "and chilled food. No referral needed.",
                    (None, None),
                    "food",
                    cost="pantry",
                    eligibility="Anyone " + _LIVE + " on a low income. Bring proof of address to join.",
                ),
                Offer(
                    "community-meal",
                    "Free community meal",
                    "A free hot meal every week for families and neighbours. Come to eat, help cook or just chat.",
                    (None, None),
                    "evening",
                    (_D.RELATIONSHIPS,),
                    venues=("faith", "community"),
                ),
                Offer(
                    "baby-bank",
                    "Baby bank",
                    "Free nappies, clothes, cots, buggies and toys for babies and children up to 5, passed on by other "
                    "families.",
                    (0, 5),
                    "food",
                    (_D.EARLY_YEARS,),
                    term="essentials",
                    access="A referral from a health visitor, midwife, Family Hub or social worker.",
                ),
                Offer(
                    "uniform",
                    "School uniform exchange",
                    "Free pre-loved school uniform for schools across {borough}. Drop in at the start of term or ask "
                    "your school.",
                    (4, 16),
                    "food",
                    term="essentials",
                ),
            ),
            org_names=("{place} Food Bank", "{place} Community Pantry", "{stem} Food Project", "{place} Baby Bank"),
            org_about="food and essentials for people in need",
            titles=("Food bank manager", "Volunteer coordinator"),
            languages=0.4,
        ),
        ServiceKind(
            "money_advice",
            "money-advice",
            "voluntary",
            (_D.FINANCES, _D.ECONOMIC_DISADVANTAGE),
            "Anyone " + _LIVE + ".",
            "Phone the advice line or book an appointment online. Professionals can refer with your agreement.",
            (
                Offer(
                    "debt",
                    "Debt advice",
                    "Free, confidential help with debts such as rent and council tax arrears, energy bills, loans and "
                    "catalogues. An adviser looks at your whole situation and can deal with creditors for you.",
                    (None, None),
                    "appointments",
                    wait="Usually within two weeks; sooner if you face eviction or a court date.",
                    weight=4,
                ),
                Offer(
                    "benefits",
                    "Benefits advice and form filling",
                    "Check you are getting everything you are entitled to, and get help with Universal Credit, "
                    "disability benefits for children, appeals and sanctions.",
                    (None, None),
                    "appointments",
                    weight=4,
                ),
                Offer(
                    "advice-line",
                    "Money advice line",
                    "Phone advice on debts, benefits and budgeting.",
                    (None, None),
                    "helpline",
                    mode="phone",
                ),
                Offer(
                    "energy",
                    "Help with energy and water bills",
                    "Help to cut your bills, apply for grants and deal with prepayment meters and debts to suppliers.",
                    (None, None),
                    "drop_in_morning",
                    (_D.HOUSING,),
                ),
            ),
            org_names=("{place} Advice Centre", "{place} Money Advice", "{stem} Advice Project"),
            org_about="free advice on money, debt and benefits",
            titles=("Adviser", "Advice coordinator"),
            languages=0.6,
        ),
        ServiceKind(
            "housing",
            "housing",
            "voluntary",
            (_D.HOUSING, _D.FINANCES),
            "Families " + _LIVE + ".",
            "Phone or email for an appointment.",
            (
                Offer(
                    "families",
                    "Housing advice for families",
                    "Advice on disrepair, overcrowding, rent arrears and eviction, and help to deal with landlords and "
                    "the council.",
                    (None, None),
                    "appointments",
                ),
                Offer(
                    "temporary",
                    "Support for families in temporary accommodation",
                    "Practical help for families living in hostels and temporary accommodation: school places, travel, "
                    "furniture and settling in.",
                    (None, None),
                    "appointments",
                    (_D.FAMILY_SUPPORT,),
                ),
            ),
            org_names=("{place} Housing Advice", "{stem} Housing Project"),
            org_about="housing advice and support",
            titles=("Housing adviser",),
            languages=0.4,
        ),
        ServiceKind(
            "domestic_abuse",
            "domestic-abuse",
            "voluntary",
            (_D.DOMESTIC_ABUSE, _D.EMOTIONAL_WELLBEING),
            "People {ages} " + _LIVE + " affected by domestic abuse.",
            "Phone us, or ask any professional to refer you. If you are in immediate danger, call 999.",
            (
                Offer(
                    "women",
                    "Domestic abuse support for women",
                    "Confidential support for women experiencing domestic abuse: safety planning, help with housing, "
                    "money and legal protection, and someone on your side.",
                    (16, None),
                    "office",
                    mode="hidden",
                    weight=4,
                ),
                Offer(
                    "children-group",
                    "Children's recovery group",
                    "A ten-week group for children aged 7 to 11 who have lived with domestic abuse, with a group for "
                    "their mothers at the same time, to talk about feelings, safety and what happened.",
                    (7, 11),
                    "course_after_school",
                    (_D.FAMILY_SUPPORT,),
                    mode="hidden",
                    programme="safe-together",
                    weeks=10,
                ),
                Offer(
                    "helpline",
                    "Domestic abuse helpline",
                    "Free confidential advice by phone for anyone affected by domestic abuse, and for friends, family "
                    "and professionals worried about someone.",
                    (None, None),
                    "helpline",
                    mode="phone",
                ),
                Offer(
                    "teenagers",
                    "Support for teenagers in abusive relationships",
                    "One-to-one support for young people aged 13 to 19 who are being hurt, controlled or threatened by "
                    "a boyfriend or girlfriend.",
                    (13, 19),
                    "appointments",
                    (_D.RELATIONSHIPS, _D.ABUSE_EXPLOITATION),
                    mode="hidden",
                ),
            ),
            org_names=("{stem} Women's Project", "Safe Haven {place}", "{place} Domestic Abuse Service"),
            org_about="support for people affected by domestic abuse",
            titles=("Independent domestic violence adviser", "Children's worker"),
            languages=0.5,
        ),
        ServiceKind(
            "parenting",
            "parenting",
            "voluntary",
            (_D.FAMILY_SUPPORT, _D.RELATIONSHIPS),
            "Parents and carers of children {ages} " + _LIVE + ".",
            "Book a place by phone or online, or ask your Family Hub or school to refer you.",
            (
                Offer(
                    "epec",
                    "Empowering Parents, Empowering Communities parenting course",
                    "An eight-week course run by trained local parents for parents of children aged 2 to 11. Share "
                    "ideas about play, praise, routines and managing difficult behaviour.",
                    (2, 11),
                    "course",
                    (_D.EMOTIONAL_WELLBEING,),
                    programme="epec",
                    weeks=8,
                    weight=2,
                ),
                Offer(
                    "group-triple-p",
                    "Group Triple P",
                    "Eight weeks of five group sessions and three phone calls for parents of children up to 12 who "
                    "want help with behaviour. Learn practical strategies and make a plan that fits your family.",
                    (0, 12),
                    "course",
                    (_D.EMOTIONAL_WELLBEING,),
                    programme="group-triple-p",
                    weeks=8,
                    weight=2,
                ),
                Offer(
                    "incredible-years",
                    "Incredible Years parenting course",
                    "An 18-week group course for parents worried about their young child's behaviour, with films, "
                    "discussion and practice at home.",
                    (3, 6),
                    "course",
                    (_D.EARLY_YEARS, _D.EMOTIONAL_WELLBEING),
                    programme="incredible-years-preschool",
                    weeks=18,
                    weight=0,  # only the Steady Steps partner runs it outside the council
                ),
                Offer(
                    "teenagers",
                    "Parenting teenagers course",
                    "Six evenings for parents of 11 to 18 year olds: communication, boundaries, online life and "
                    "keeping teenagers safe.",
                    (11, 18),
                    "course_evening",
                    weeks=6,
                ),
                Offer(
                    "dads",
                    "Dads Matter group",
                    "A monthly group for dads and male carers to share experiences of being a parent, with activities "
                    "to do with their children.",
                    (0, 18),
                    "weekend",
                    programme="dads-matter",
                    weight=2,
                ),
                Offer(
                    "befriending",
                    "Family befriending",
                    "Trained volunteer parents visit families with young children at home once a week, offering "
                    "friendship and practical help through a difficult time.",
                    (0, 5),
                    "appointments",
                    (_D.EARLY_YEARS, _D.EMOTIONAL_WELLBEING),
                    term="family-support-work",
                ),
                Offer(
                    "autism",
                    "Support for families of autistic children",
                    "A monthly support group and workshops for parents of autistic children, diagnosed or waiting.",
                    (2, 18),
                    "weekly_group",
                    (_D.HEALTH,),
                    term="send",
                ),
            ),
            org_names=("{place} Parents' Network", "{stem} Family Centre", "{place} Parenting Project"),
            org_about="support for parents and families",
            titles=("Parenting practitioner", "Family worker"),
            languages=0.4,
        ),
        ServiceKind(
            "young_carers",
            "young-carers",
            "voluntary",
            (_D.FAMILY_SUPPORT, _D.EMOTIONAL_WELLBEING, _D.ATTENDANCE),
            "Young carers {ages} " + _LIVE_OR_SCHOOL + ".",
            "Young people, families, schools and professionals can refer using our online form.",
            (
                Offer(
                    "project",
                    "Young carers project",
                    "Support for children and young people who look after someone at home: a break from caring with "
                    "clubs and trips, one-to-one support, and help talking to school.",
                    (8, 18),
                    "after_school",
                ),
                Offer(
                    "club",
                    "Young carers club",
                    "A Saturday club for young carers aged 8 to 12, with games, trips and time to have fun.",
                    (8, 12),
                    "weekend",
                ),
                Offer(
                    "young-adult",
                    "Young adult carers group",
                    "Support with college, work and wellbeing for carers aged 16 to 25.",
                    (16, 25),
                    "evening",
                ),
            ),
            org_names=("{place} Young Carers Project", "{stem} Carers Centre"),
            org_about="support for young carers",
            titles=("Young carers worker",),
        ),
        ServiceKind(
            "sport",
            "sport",
            "voluntary",
            (_D.HEALTH, _D.RELATIONSHIPS),
            "Children and young people {ages}. All abilities welcome.",
            "Come along to a free taster session, then register online.",
            (
                Offer(
                    "football",
                    "Saturday football",
                    "Coaching and friendly matches for boys and girls, all abilities welcome. Trainers are fine; you "
                    "do not need boots.",
                    (6, 14),
                    "weekend",
                    cost="small_fee",
                    venues=("sports", "park"),
                    org="{place} Youth Football Club",
                    weight=4,
                ),
                Offer(
                    "girls-football",
                    "Girls' football",
                    "Football coaching for girls, from first kicks to playing in a league team.",
                    (8, 16),
                    "after_school",
                    venues=("sports", "park"),
                    org="{place} Youth Football Club",
                ),
                Offer(
                    "boxing",
                    "Boxing fitness",
                    "Non-contact boxing training for fitness, confidence and self-discipline, with coaches who are "
                    "also trained youth workers.",
                    (10, 18),
                    "youth_evening",
                    (_D.CRIME,),
                    cost="small_fee",
                    venues=("sports",),
                    org="{place} Boxing Club",
                ),
                Offer(
                    "basketball",
                    "Basketball sessions",
                    "Coaching, games and a league for young people, with free kit.",
                    (10, 18),
                    "evening",
                    venues=("sports",),
                    org="{stem} Basketball Academy",
                ),
                Offer(
                    "swimming",
                    "Swimming lessons",
                    "Learn-to-swim lessons in small groups, from first splashes to swimming 25 metres.",
                    (4, 14),
                    "weekend",
                    cost="swimming",
                    venues=("sports",),
                    org="{place} Swimming Club",
                ),
                Offer(
                    "multi-sports",
                    "Multi-sports club",
                    "Try a different sport every week: dodgeball, tag rugby, cricket, athletics and more.",
                    (5, 11),
                    "after_school",
                    venues=("sports", "community"),
                    org="{place} Community Sports",
                ),
                Offer(
                    "martial-arts",
                    "Martial arts club",
                    "Karate and self-defence classes building fitness, focus and respect.",
                    (6, 16),
                    "after_school",
                    cost="small_fee",
                    venues=("sports", "community"),
                    org="{place} Martial Arts",
                ),
                Offer(
                    "night-football",
                    "Friday night football",
                    "Late-evening football for young people, with youth workers on hand and food afterwards.",
                    (14, 21),
                    "evening",
                    (_D.CRIME,),
                    venues=("sports",),
                    org="{place} Youth Football Club",
                ),
                Offer(
                    "disability-sport",
                    "Inclusive sports club",
                    "Sport for disabled children and young people: boccia, wheelchair basketball, athletics and "
                    "swimming, with trained coaches.",
                    (6, 18),
                    "weekend",
                    venues=("sports",),
                    org="{place} Inclusive Sports",
                    weight=1,
                ),
            ),
            org_names=("{place} Community Sports",),
            org_about="sport and physical activity for young people",
            titles=("Head coach", "Club secretary", "Sports development officer"),
            languages=0.15,
        ),
        ServiceKind(
            "arts",
            "arts",
            "voluntary",
            (_D.EMOTIONAL_WELLBEING, _D.RELATIONSHIPS),
            "Children and young people {ages}.",
            "Book a free taster session by email or phone.",
            (
                Offer(
                    "youth-theatre",
                    "Youth theatre",
                    "Drama games, improvisation and putting on shows, for young people who love performing or want "
                    "to build their confidence.",
                    (8, 18),
                    "weekend",
                    cost="small_fee",
                    venues=("arts", "community"),
                    org="{place} Youth Theatre",
                ),
                Offer(
                    "art-club",
                    "Art club",
                    "Drawing, painting, printmaking and clay with a professional artist. All materials provided.",
                    (5, 12),
                    "weekend",
                    cost="small_fee",
                    venues=("arts",),
                    org="{place} Arts Centre",
                ),
                Offer(
                    "steel-pan",
                    "Steel pan band",
                    "Learn to play steel pan, with performances at carnival and community events.",
                    (8, 18),
                    "evening",
                    venues=("arts", "community"),
                    org="{place} Steel Band",
                ),
                Offer(
                    "street-dance",
                    "Street dance",
                    "Hip hop and street dance classes for all levels, with shows twice a year.",
                    (7, 16),
                    "after_school",
                    (_D.HEALTH,),
                    cost="small_fee",
                    venues=("arts", "community"),
                    org="{stem} Dance Company",
                ),
                Offer(
                    "music-production",
                    "Music production and DJ workshops",
                    "Write, record and produce your own music in our studio, with support from working musicians.",
                    (13, 19),
                    "youth_evening",
                    venues=("arts", "youth"),
                    org="{place} Music Project",
                ),
                Offer(
                    "choir",
                    "Children's choir",
                    "A friendly choir singing pop, gospel and songs from around the world. No auditions.",
                    (7, 14),
                    "after_school",
                    venues=("faith", "arts"),
                    org="{place} Children's Choir",
                ),
                Offer(
                    "film",
                    "Film-making club",
                    "Plan, shoot and edit short films on phones and cameras, and screen them to family and friends.",
                    (12, 18),
                    "after_school",
                    venues=("arts",),
                    org="{stem} Film Club",
                ),
                Offer(
                    "family-craft",
                    "Family craft afternoon",
                    "Make something together: seasonal crafts for children and their grown-ups.",
                    (3, 10),
                    "weekend",
                    (_D.FAMILY_SUPPORT,),
                    venues=("arts", "library", "community"),
                    org="{place} Arts Centre",
                ),
            ),
            org_names=("{place} Arts Centre",),
            org_about="arts, music, drama and dance for young people",
            titles=("Artistic director", "Participation manager", "Workshop leader"),
            languages=0.15,
        ),
        ServiceKind(
            "youth",
            "youth-clubs",
            "voluntary",
            (_D.RELATIONSHIPS, _D.EMOTIONAL_WELLBEING),
            "Young people {ages} " + _LIVE_OR_SCHOOL + ".",
            "Just turn up. A parent or carer fills in a consent form on your first visit.",
            (
                Offer(
                    "youth-club",
                    "Youth club",
                    "Table tennis, football, cooking, music and trips, and youth workers to talk to.",
                    (11, 18),
                    "youth_evening",
                    venues=("community", "faith", "youth"),
                    weight=4,
                ),
                Offer(
                    "adventure-playground",
                    "Adventure playground",
                    "Free supervised outdoor play with climbing structures, dens, fires and games, staffed by "
                    "playworkers.",
                    (5, 15),
                    "after_school",
                    (_D.HEALTH,),
                    venues=("park",),
                    org="{place} Adventure Playground",
                ),
                Offer(
                    "junior-club",
                    "Junior club",
                    "An after-school club for 8 to 12 year olds with games, arts and a snack.",
                    (8, 12),
                    "after_school",
                    venues=("community", "faith"),
                ),
            ),
            org_names=("{place} Youth Project", "{stem} Youth Club"),
            org_about="youth work and activities",
            titles=("Youth worker", "Project manager"),
            languages=0.2,
        ),
        ServiceKind(
            "exploitation",
            "exploitation",
            "voluntary",
            (_D.ABUSE_EXPLOITATION, _D.CRIME),
            "Young people {ages} " + _LIVE_OR_SCHOOL + ".",
            "Professionals refer by phone or secure email; young people and parents can contact us directly.",
            (
                Offer(
                    "at-risk",
                    "Support for young people at risk of exploitation",
                    "Intensive one-to-one support from a specialist youth worker for young people who are being, or "
                    "may be, exploited by gangs or adults, including county lines and sexual exploitation.",
                    (10, 25),
                    "appointments",
                    (_D.RELATIONSHIPS,),
                    weight=4,
                ),
                Offer(
                    "hospital",
                    "Youth workers in the emergency department",
                    "Youth workers in the hospital's emergency department talk to young people who come in after "
                    "violence or exploitation, at a moment when they may be ready to make a change.",
                    (11, 25),
                    "always",
                    venues=("health",),
                    access="Hospital staff introduce young people to the team.",
                ),
                Offer(
                    "schools",
                    "Knife crime and exploitation workshops",
                    "Workshops in schools on staying safe, spotting grooming and where to get help.",
                    (10, 16),
                    "school_day",
                    mode="schools",
                    access="Schools book workshops by email.",
                ),
                Offer(
                    "prison-day",
                    "Prison awareness day",
                    "A day visit in which young people hear from people serving prison sentences about life inside.",
                    (13, 17),
                    "weekend",
                    programme="reality-check",
                    weight=1,
                ),
                Offer(
                    "parents",
                    "Parents' group: worried about gangs",
                    "A group for parents worried that their child is involved with gangs or being exploited.",
                    (10, 18),
                    "evening",
                    (_D.FAMILY_SUPPORT,),
                ),
            ),
            org_names=("{stem} Trust", "Safer Streets {place}", "{place} Youth Violence Project"),
            org_about="support for young people affected by exploitation and violence",
            titles=("Specialist youth worker", "Team leader"),
        ),
        ServiceKind(
            "substance",
            "substance-use",
            "voluntary",
            (_D.SUBSTANCE_USE, _D.HEALTH),
            "Young people {ages} " + _LIVE + ".",
            "Young people can refer themselves by phone, text or online; professionals can refer with consent.",
            (
                Offer(
                    "young-people",
                    "Young people's drug and alcohol service",
                    "Confidential, non-judgemental support for young people worried about their own drug or alcohol "
                    "use: advice, one-to-one sessions and help to cut down or stop.",
                    (11, 24),
                    "appointments",
                ),
                Offer(
                    "hidden-harm",
                    "Support for children whose parents drink or use drugs",
                    "Groups and one-to-one support for children affected by a parent's drinking or drug use.",
                    (5, 17),
                    "after_school",
                    (_D.FAMILY_SUPPORT, _D.EMOTIONAL_WELLBEING),
                ),
            ),
            org_names=("{stem} Young People's Service", "{place} Recovery Project"),
            org_about="drug and alcohol support",
            titles=("Young people's worker",),
        ),
        ServiceKind(
            "send",
            "send",
            "voluntary",
            (_D.HEALTH, _D.FAMILY_SUPPORT),
            "Children with special educational needs or disabilities and their families, " + _LIVE + ".",
            "Just come along, or email us to ask about a place.",
            (
                Offer(
                    "stay-and-play",
                    "Stay and play for children with additional needs",
                    "A calm stay and play with sensory toys and specialist staff for children with additional needs "
                    "and their parents.",
                    (0, 5),
                    "drop_in_morning",
                    (_D.EARLY_YEARS,),
                ),
                Offer(
                    "parent-carer-forum",
                    "Parent carer forum",
                    "A group of parents of disabled children who meet to share information and to help shape local "
                    "services.",
                    (None, None),
                    "weekly_group",
                ),
                Offer(
                    "saturday-club",
                    "Saturday club for disabled children",
                    "Play, arts and sport for disabled children with one-to-one support where needed.",
                    (5, 18),
                    "weekend",
                ),
            ),
            org_names=("{place} Family Network", "{stem} Support Group"),
            org_about="support for disabled children and their families",
            titles=("Family support worker", "Chair"),
        ),
        ServiceKind(
            "stem",
            "stem",
            "voluntary",
            (_D.ATTAINMENT,),
            "Children and young people {ages}.",
            "Register online; places are free.",
            (
                Offer(
                    "coding",
                    "Coding club",
                    "Learn to code games and robots, helped by volunteers from local technology companies.",
                    (9, 14),
                    "after_school",
                ),
                Offer(
                    "science",
                    "Saturday science club",
                    "Hands-on experiments, rockets and slime for young scientists.",
                    (7, 12),
                    "weekend",
                ),
                Offer(
                    "maths-circle",
                    "Maths puzzles club",
                    "Puzzles, games and challenges for children who enjoy maths, or want to.",
                    (8, 13),
                    "after_school",
                ),
            ),
            org_names=("{stem} Code Club", "{place} Science Club"),
            org_about="science, technology and maths clubs",
            titles=("Club leader",),
        ),
        ServiceKind(
            "outdoor",
            "outdoor",
            "voluntary",
            (_D.HEALTH, _D.EMOTIONAL_WELLBEING),
            "Children and families {ages}.",
            "Book online; some places are kept for families referred by schools and Family Hubs.",
            (
                Offer(
                    "garden",
                    "Community garden family days",
                    "Grow food, plant flowers and cook what you pick, together as a family.",
                    (3, 12),
                    "weekend",
                    (_D.FAMILY_SUPPORT,),
                    venues=("park",),
                ),
                Offer(
                    "forest-school",
                    "Forest school",
                    "Den-building, fire-lighting, nature crafts and mud in the park, whatever the weather.",
                    (3, 11),
                    "weekend",
                    cost="small_fee",
                    venues=("park",),
                ),
                Offer(
                    "walks",
                    "Wellbeing walks for teenagers",
                    "Weekly walks and outdoor challenges for young people who are feeling low or anxious.",
                    (12, 17),
                    "after_school",
                    venues=("park",),
                ),
            ),
            org_names=("{stem} Community Garden", "{place} Outdoor Learning"),
            org_about="outdoor learning and gardening",
            titles=("Outdoor learning leader",),
        ),
        ServiceKind(
            "cooking",
            "healthy-lifestyles",
            "voluntary",
            (_D.HEALTH, _D.ECONOMIC_DISADVANTAGE),
            "Families " + _LIVE + ".",
            "Book a place by phone; courses fill quickly.",
            (
                Offer(
                    "families",
                    "Cook and eat for families",
                    "Cook a healthy meal on a budget together, then sit down to eat it. Take home the recipe and the "
                    "ingredients to make it again.",
                    (4, None),
                    "course_after_school",
                    (_D.FAMILY_SUPPORT,),
                    weeks=6,
                ),
                Offer(
                    "healthy-habits",
                    "Healthy Habits family course",
                    "Six weekly sessions for families on healthy eating, being active and screen time, with a cooking "
                    "demonstration and a free slow cooker at the end.",
                    (5, 12),
                    "course_evening",
                    (_D.FAMILY_SUPPORT,),
                    programme="healthy-habits",
                    weeks=6,
                    weight=1,
                ),
                Offer(
                    "teen",
                    "Teen cookery club",
                    "Learn to cook simple, cheap meals from scratch.",
                    (12, 17),
                    "after_school",
                ),
            ),
            org_names=("{stem} Kitchen", "{place} Community Kitchen"),
            org_about="cooking and healthy eating",
            titles=("Chef and trainer",),
        ),
        ServiceKind(
            "holiday",
            "holiday-activities",
            "voluntary",
            (_D.ECONOMIC_DISADVANTAGE, _D.HEALTH),
            "Children aged 5 to 16 who get benefits-related free school meals have a free place. Other children can "
            "book a paid place if there is room.",
            "Book online through the {council} holiday activities page with the code your child's school gives you.",
            (
                Offer(
                    "sport",
                    "Holiday club: sport and healthy food",
                    "Four hours a day of football, dodgeball, dance and games, with a hot lunch cooked on site. "
                    "Runs in the Easter, summer and Christmas holidays.",
                    (5, 11),
                    "holiday",
                    cost="haf",
                    venues=("sports", "community"),
                ),
                Offer(
                    "arts",
                    "Holiday activities: arts and cooking",
                    "Make art, music and films, and learn to cook a healthy meal. A free hot lunch every day.",
                    (7, 14),
                    "holiday",
                    (_D.RELATIONSHIPS,),
                    cost="haf",
                    venues=("arts", "community"),
                ),
                Offer(
                    "teen",
                    "Teen holiday programme",
                    "Trips, sports, music production and cooking for 11 to 16 year olds, with lunch every day.",
                    (11, 16),
                    "holiday",
                    (_D.RELATIONSHIPS,),
                    cost="haf",
                    venues=("youth", "sports"),
                ),
                Offer(
                    "send",
                    "Holiday club for children with SEND",
                    "Small groups and extra staff for children with special educational needs and disabilities, with "
                    "sensory play, swimming and a hot lunch.",
                    (5, 16),
                    "holiday",
                    (_D.FAMILY_SUPPORT,),
                    cost="haf",
                    weight=1,
                ),
            ),
            org_names=("{place} Holiday Club", "{stem} Kids' Club"),
            org_about="holiday clubs with healthy food",
            titles=("Holiday club manager",),
        ),
        ServiceKind(
            "community",
            "family-support-work",
            "voluntary",
            (_D.FAMILY_SUPPORT,),
            "Families " + _LIVE + ".",
            "Just drop in, or phone to make an appointment.",
            (
                Offer(
                    "drop-in",
                    "Family support drop-in",
                    "Advice and a listening ear for families: school, housing, benefits, health and anything else. "
                    "Staff and volunteers speak community languages.",
                    (None, None),
                    "drop_in_morning",
                    (_D.FINANCES, _D.HOUSING),
                    venues=("community", "faith"),
                    weight=5,
                ),
                Offer(
                    "womens-group",
                    "Women's group",
                    "A weekly group for mothers to meet, share food, learn new skills and get advice, with a crèche.",
                    (None, None),
                    "weekly_group",
                    (_D.EMOTIONAL_WELLBEING, _D.RELATIONSHIPS),
                    venues=("community", "faith"),
                ),
                Offer(
                    "refugee",
                    "Refugee and migrant family support",
                    "Help for refugee and migrant families to settle: school places, health registration, benefits, "
                    "immigration advice referrals and friendship.",
                    (None, None),
                    "appointments",
                    (_D.ECONOMIC_DISADVANTAGE, _D.HOUSING),
                ),
            ),
            org_names=("{place} Community Association", "{place} Neighbourhood Centre", "{stem} Community Trust"),
            org_about="a community organisation for local families",
            titles=("Community development worker", "Centre manager"),
            languages=0.8,
        ),
    )
}

# What the generator's delivery partners (names.DELIVERY_PARTNERS) offer, as (kind, offer keys).
# A partner not listed here falls back to its focus in FOCUS_KIND.
PARTNER_OFFERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Open Door Young People's Counselling": ("counselling", ("young-people", "online", "family", "anxiety-group")),
    "Quiet Room School Counselling": ("counselling", ("in-schools", "young-people", "anxiety-group")),
    "Little Lanterns Play Therapy": ("counselling", ("play-therapy", "in-schools")),
    "Brightpath Tutoring Trust": ("tutoring", ("maths", "catch-up", "gcse")),
    "Number Builders Maths Tutoring": ("tutoring", ("maths", "catch-up")),
    "Story Starters Reading Charity": ("reading", ("volunteers", "family-reading")),
    "Bookworm Buddies": ("reading", ("volunteers", "book-club")),
    "Kinfolk Family Support": ("parenting", ("befriending", "dads", "epec")),
    "Hearth and Home Family Project": ("parenting", ("befriending", "teenagers", "group-triple-p")),
    "Steady Steps Parenting Network": ("parenting", ("incredible-years", "group-triple-p", "epec", "teenagers")),
    "Westway Community Football Trust": ("sport", ("football", "girls-football", "night-football")),
    "Canalside Boxing Club": ("sport", ("boxing",)),
    "Fourth Wall Youth Theatre": ("arts", ("youth-theatre", "film")),
    "Paintbox Arts Collective": ("arts", ("art-club", "family-craft")),
    "Soundhouse Music Mentoring": ("arts", ("music-production", "steel-pan", "choir")),
    "Next Chapter Mentoring": ("mentoring", ("one-to-one", "in-schools", "group")),
    "Big Sibling Mentors West London": ("mentoring", ("one-to-one", "exclusion")),
    "Talk Together Speech and Language": ("speech", ("talk-time", "in-schools")),
    "Turning Leaves Bereavement Support": ("bereavement", ("one-to-one", "family-group")),
    "Green Shoots Outdoor Learning": ("outdoor", ("forest-school", "garden", "walks")),
    "Code Club Collective": ("stem", ("coding", "science")),
    "Move and Groove Dance Company": ("arts", ("street-dance",)),
    "Kitchen Table Cookery School": ("cooking", ("families", "teen")),
    "Common Ground Youth Club": ("youth", ("youth-club", "junior-club")),
    "Money Matters Family Advice": ("money_advice", ("debt", "benefits", "energy")),
}
FOCUS_KIND = {
    "counselling": "counselling",
    "play therapy": "counselling",
    "tutoring": "tutoring",
    "reading": "reading",
    "family support": "parenting",
    "parenting": "parenting",
    "sport": "sport",
    "arts": "arts",
    "music": "arts",
    "mentoring": "mentoring",
    "speech and language": "speech",
    "bereavement": "bereavement",
    "outdoor learning": "outdoor",
    "coding": "stem",
    "dance": "arts",
    "cooking": "cooking",
    "youth work": "youth",
    "family advice": "money_advice",
}

# A voluntary-sector speech and language kind, used by the delivery partner that offers it.
KINDS["speech"] = ServiceKind(
    "speech",
    "speech-language",
    "voluntary",
    (_D.EARLY_YEARS, _D.ATTAINMENT),
    "Children {ages} " + _LIVE_OR_SCHOOL + ".",
    "Parents, nurseries and schools can refer by email.",
    (
        Offer(
            "talk-time",
            "Talk Time early language groups",
            "Small groups for 2 to 4 year olds whose talking is slow to develop, with ideas for parents to use at "
            "home.",
            (2, 4),
            "course",
            (_D.FAMILY_SUPPORT,),
            programme="talk-time",
            venues=("hub", "community"),
            weeks=8,
        ),
        Offer(
            "in-schools",
            "Speech and language support in schools",
            "Therapists and trained assistants run language groups in Reception and Key Stage 1 classes.",
            (4, 7),
            "school_day",
            mode="schools",
            access="Schools buy the service; ask your child's class teacher.",
        ),
    ),
    org_names=("{place} Speech and Language",),
    org_about="speech, language and communication support",
    titles=("Speech and language therapist",),
)

# How often each kind starts a new voluntary organisation in the fill.
VOLUNTARY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("counselling", 8),
    ("bereavement", 2),
    ("mentoring", 7),
    ("tutoring", 7),
    ("reading", 4),
    ("esol", 5),
    ("food", 9),
    ("money_advice", 6),
    ("housing", 2),
    ("domestic_abuse", 4),
    ("parenting", 7),
    ("young_carers", 2),
    ("sport", 13),
    ("arts", 10),
    ("youth", 5),
    ("exploitation", 3),
    ("substance", 2),
    ("send", 3),
    ("stem", 3),
    ("outdoor", 3),
    ("cooking", 2),
    ("holiday", 5),
    ("community", 6),
)
# Kinds a multi-purpose community organisation draws its services from.
COMMUNITY_KINDS = ("community", "esol", "food", "youth", "money_advice", "cooking", "arts", "parenting")

# The council's and NHS's own services in every borough: (kind, offer, copies, locations per copy).
# A copy is a separate service at the next venue of the offer's type; several locations make one
# service offered at several places (the child health clinic runs at every Family Hub).
STATUTORY_PLAN: tuple[tuple[str, str, int, int], ...] = (
    ("family_hub", "family-hub-drop-in", 4, 1),
    ("family_hub", "stay-and-play", 4, 1),
    ("family_hub", "baby-massage", 2, 1),
    ("family_hub", "infant-feeding", 2, 1),
    ("family_hub", "dads-play", 1, 1),
    ("parenting_council", "incredible-years", 1, 1),
    ("parenting_council", "triple-p-discussion", 1, 1),
    ("parenting_council", "teen-triple-p", 1, 1),
    ("parenting_council", "parenting-workshops", 1, 2),
    ("early_help", "family-support", 1, 1),
    ("early_help", "advice-line", 1, 0),
    ("early_help", "attendance", 1, 0),
    ("send_council", "sendiass", 1, 0),
    ("send_council", "short-breaks", 1, 2),
    ("youth_council", "junior-club", 3, 1),
    ("youth_council", "senior-club", 3, 1),
    ("youth_council", "girls-group", 1, 1),
    ("youth_council", "targeted-youth", 1, 1),
    ("youth_council", "detached", 1, 0),
    ("youth_council", "youth-justice-prevention", 1, 1),
    ("library", "homework-club", 4, 1),
    ("library", "rhyme-time", 4, 1),
    ("library", "lego-club", 2, 1),
    ("library", "code-club", 2, 1),
    ("library", "book-club", 2, 1),
    ("library", "summer-reading", 1, 4),
    ("council_money", "benefits-help", 1, 1),
    ("council_money", "local-support-fund", 1, 0),
    ("council_money", "housing-options", 1, 1),
    ("council_money", "family-learning", 1, 2),
    ("health_visiting", "health-visiting", 1, 0),
    ("health_visiting", "child-health-clinic", 1, 4),
    ("school_nursing", "school-nursing", 1, 0),
    ("school_nursing", "text-a-nurse", 1, 0),
    ("camhs", "camhs", 1, 1),
    ("camhs", "crisis-line", 1, 0),
    ("camhs", "mhst", 1, 0),
    ("camhs", "neurodevelopmental", 1, 1),
    ("speech_nhs", "slt-drop-in", 2, 1),
    ("speech_nhs", "slt", 1, 1),
    ("health_nhs", "healthy-families", 1, 1),
    ("health_nhs", "sexual-health", 1, 1),
)

# How many venues of each type a borough has, and how they are named.
VENUE_PLAN: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("hub", 4, ("{place} Family Hub",)),
    ("library", 4, ("{place} Library",)),
    ("youth", 3, ("{place} Youth Centre",)),
    ("civic", 1, ("{council} customer service centre",)),
    ("health", 3, ("{place} Health Centre", "{place} Child Development Centre")),
    (
        "community",
        10,
        ("{place} Community Centre", "{stem} Estate Community Room", "{place} Neighbourhood Centre", "{stem} Hall"),
    ),
    ("faith", 5, ("St {saint}'s Church Hall", "{street} Mosque and Community Centre", "{street} Methodist Church")),
    ("sports", 5, ("{place} Sports Centre", "{place} Leisure Centre", "{stem} Sports Ground")),
    ("arts", 3, ("{place} Arts Centre", "The {stem} Studio")),
    ("park", 4, ("{stem} Park", "{stem} Recreation Ground", "{place} Green")),
)
ACCESSIBILITY = (
    "Step-free access throughout, with an accessible toilet and baby changing.",
    "Step-free entrance and lift to all floors. Hearing loop at reception.",
    "Ground floor only; accessible toilet.",
    "Entrance has two steps; a portable ramp is available on request.",
)
