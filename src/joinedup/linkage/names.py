"""Given names and the other forms people use for them: nicknames, diminutives, short forms, spellings.

The table covers common English names and the names of the communities the programme works with
(Somali, Arabic, Yoruba, Polish, Portuguese and Spanish short forms and transliterations).

One table, checked into the code: a canonical name and the forms that stand for it. A form can
stand for more than one name ("Alex" for Alexander and Alexandra; "Sam" for Samuel and Samantha),
so a name's *groups* are a set, and two names are the same person's if their groups meet.

>>> sorted(name_groups("bobby"))
['robert']
>>> sorted(name_groups("alex"))
['alexander', 'alexandra', 'alexis']
>>> same_given_name("Liz", "Elizabeth"), same_given_name("Liz", "Lisa")
(True, False)
"""

from __future__ import annotations

from functools import cache
from typing import Final

# canonical: the forms used for it (lower case, as ``normalise.name_clean`` leaves them).
VARIANTS: Final[dict[str, tuple[str, ...]]] = {
    "abdirahman": ("abdi", "abdirahmaan", "abdulrahman"),
    "abdullahi": ("abdi", "abdullah"),
    "abigail": ("abi", "abby", "abbie", "gail"),
    "alexander": ("alex", "alec", "alexi", "sandy", "xander", "zander", "lex"),
    "alexandra": ("alex", "alexa", "lexi", "lexie", "sandra", "sandy", "sasha", "xandra"),
    "alexis": ("alex", "lexi"),
    "aleksander": ("olek", "alek", "alexander"),
    "alfred": ("alf", "alfie", "fred", "freddie"),
    "andrew": ("andy", "drew", "andre"),
    "angela": ("angie", "angel"),
    "anthony": ("tony", "ant", "anton"),
    "archibald": ("archie", "archy"),
    "barbara": ("barb", "babs", "barbie"),
    "benjamin": ("ben", "benji", "benny", "benjy"),
    "bradley": ("brad",),
    "callum": ("cal", "calum"),
    "catherine": ("cath", "cathy", "kate", "katie", "kathy", "cat", "kat", "katherine", "kathryn", "cate"),
    "charles": ("charlie", "chaz", "chas", "chuck", "carl"),
    "charlotte": ("charlie", "lottie", "lotte", "lotty"),
    "christina": ("chris", "chrissy", "tina", "christine", "kristina"),
    "christopher": ("chris", "kit", "topher", "kris"),
    "christian": ("chris", "kris"),
    "daniel": ("dan", "danny", "dani"),
    "danielle": ("dani", "elle"),
    "david": ("dave", "davy", "davey", "dai"),
    "deborah": ("deb", "debbie", "debs", "debra"),
    "dominic": ("dom", "nic"),
    "donald": ("don", "donnie"),
    "dorothy": ("dot", "dottie", "dolly"),
    "edward": ("ed", "eddie", "eddy", "ted", "teddy", "ned"),
    "eleanor": ("ellie", "nell", "nellie", "ella", "elle", "nora", "elinor"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "bet", "eliza", "libby", "elsie", "bess", "lisbeth"),
    "emily": ("em", "emmy", "millie"),
    "emma": ("em", "emmy"),
    "florence": ("flo", "florrie", "flossie"),
    "frances": ("fran", "frankie", "fanny"),
    "franciszek": ("franek", "francis"),
    "francis": ("frank", "frankie", "fran"),
    "frederick": ("fred", "freddie", "freddy", "fritz"),
    "gabriel": ("gabe", "gabi"),
    "gabriella": ("gabby", "gabi", "ella", "gabrielle"),
    "george": ("georgie",),
    "georgina": ("georgie", "gina"),
    "gregory": ("greg",),
    "harold": ("harry", "hal"),
    "harriet": ("hattie", "hatty", "harri"),
    "helen": ("nell", "nellie", "lena"),
    "henry": ("harry", "hal", "hank", "hen"),
    "isabel": ("izzy", "bella", "isa", "issy", "isabella", "isobel", "belle"),
    "jacob": ("jake", "jay", "coby", "jakub"),
    "jakub": ("kuba", "jacob"),
    "james": ("jim", "jimmy", "jamie", "jem", "jay"),
    "jennifer": ("jen", "jenny", "jenni", "jess"),
    "jessica": ("jess", "jessie", "jessy"),
    "jonathan": ("jon", "jonny", "johnny", "nathan"),
    "john": ("jack", "johnny", "jon", "ian", "sean"),
    "joseph": ("joe", "joey", "jo", "jos"),
    "josephine": ("jo", "josie", "jojo", "posy"),
    "joshua": ("josh",),
    "katherine": ("kate", "katie", "kathy", "kat", "kay", "kitty", "catherine", "kathryn"),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("larry", "laurie", "lol", "laurence"),
    "leonard": ("len", "lenny", "leo"),
    "madeleine": ("maddie", "maddy", "madeline", "madison"),
    "margaret": ("maggie", "meg", "peggy", "marge", "madge", "daisy", "greta", "rita", "molly"),
    "matilda": ("tilly", "tilda", "mattie", "maud"),
    "matthew": ("matt", "matty", "mat"),
    "michael": ("mike", "mikey", "mick", "micky", "mickey", "mikhail"),
    "mikolaj": ("miki", "nicholas"),
    "muhammad": ("mo", "mohamed", "mohammed", "mohammad", "muhammed", "mohamad", "mohamud", "mahamed"),
    "nathaniel": ("nat", "nate", "nathan"),
    "nicholas": ("nick", "nicky", "nico", "nic", "colin"),
    "nicola": ("nicky", "nikki", "nic", "nicole"),
    "oliver": ("ollie", "olly", "noll"),
    "oluwadamilare": ("dami", "damilare"),
    "oluwaseun": ("seun",),
    "olivia": ("liv", "livvy", "ollie", "olive"),
    "patricia": ("pat", "patty", "trish", "tricia", "patsy"),
    "patrick": ("pat", "paddy", "rick"),
    "penelope": ("penny", "pen", "poppy"),
    "peter": ("pete", "pip"),
    "philip": ("phil", "pip", "phillip"),
    "rebecca": ("becky", "becca", "bex", "becks"),
    "richard": ("rich", "richie", "rick", "ricky", "dick"),
    "robert": ("rob", "robbie", "bob", "bobby", "bert", "robin"),
    "ronald": ("ron", "ronnie"),
    "rosemary": ("rose", "rosie", "romy"),
    "samantha": ("sam", "sammy", "sammie"),
    "samuel": ("sam", "sammy", "sammie"),
    "sarah": ("sally", "sadie", "sara"),
    "sebastian": ("seb", "seba", "bastian"),
    "sophia": ("sophie", "soph"),
    "stephen": ("steve", "stevie", "steven", "stef"),
    "susan": ("sue", "susie", "suzy", "suzanne", "susannah"),
    "temitope": ("temi", "tope"),
    "theodore": ("theo", "ted", "teddy"),
    "thomas": ("tom", "tommy", "thom"),
    "timothy": ("tim", "timmy"),
    "valentina": ("vale", "tina", "val"),
    "victoria": ("vicky", "vicki", "tori", "vic"),
    "william": ("will", "willie", "willy", "bill", "billy", "liam"),
    "zachary": ("zach", "zack", "zak"),
    "zuzanna": ("zuzia", "zuza", "susanna"),
}


@cache
def _groups_by_form() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for canonical, forms in VARIANTS.items():
        for form in (canonical, *forms):
            found.setdefault(form, set()).add(canonical)
    return {form: frozenset(names) for form, names in found.items()}


def name_groups(name: str) -> frozenset[str]:
    """The canonical names ``name`` (lower case, cleaned) may stand for; itself if the table has no entry."""
    return _groups_by_form().get(name, frozenset({name}))


def same_given_name(left: str, right: str) -> bool:
    """Whether two given names may be the same name: equal, or forms of a common name."""
    a, b = left.strip().lower(), right.strip().lower()
    return a == b or bool(name_groups(a) & name_groups(b))


def canonical_given_name(name: str) -> str:
    """One canonical name for ``name``: the first of its groups in alphabetical order (stable, for blocking)."""
    return min(name_groups(name))
