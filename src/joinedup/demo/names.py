"""Tables the demo generator draws from: names, streets, schools, partners.

Everything here is synthetic. Forenames and surnames are common ones, combined
at random, so no generated person is a real person. Street stems, school names
and charity names are invented; the boroughs, their ONS codes and the postcode
districts are real so the demo looks like West London and the postcodes pass
the same checks as real ones (the districts are verified against
``postcode_districts.csv`` by the tests).

The name groups approximate the mix of families in the four boroughs (census
2021: large Somali, Arabic-speaking, South Asian, Caribbean, West African,
Eastern European and Portuguese-speaking communities) so that search, record
linkage and fairness reports meet the spellings and naming customs they will
meet in real use: patronymic Somali names, diacritics in Polish and Portuguese,
two-part Spanish surnames, hyphens and apostrophes.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BOROUGHS",
    "DELIVERY_PARTNERS",
    "DIMINUTIVES",
    "NAME_GROUPS",
    "OTHER_ORGANISATIONS",
    "PROGRAMME_NAME",
    "SCHOOLS",
    "STREET_STEMS",
    "STREET_SUFFIXES",
    "TOWN_BY_DISTRICT",
    "Borough",
    "NameGroup",
    "PartnerSpec",
    "SchoolSpec",
]


@dataclass(frozen=True)
class Borough:
    """A real London borough, with postcode districts that lie (at least partly) inside it."""

    name: str
    ons_code: str
    slug: str
    districts: tuple[str, ...]


# Districts straddle borough boundaries; each one listed here is mostly or
# substantially inside its borough. W10 is split between Kensington and
# Chelsea and Westminster (Queen's Park); it is used for Kensington and Chelsea only.
BOROUGHS: tuple[Borough, ...] = (
    Borough("Brent", "E09000005", "brent", ("NW10", "NW2", "NW6", "HA0", "HA9", "HA3")),
    Borough("Westminster", "E09000033", "westminster", ("W2", "W9", "NW8", "SW1V", "SW1P", "W1H", "W1U")),
    Borough("Hammersmith and Fulham", "E09000013", "hammersmith-fulham", ("W6", "W12", "W14", "SW6", "W3")),
    Borough(
        "Kensington and Chelsea", "E09000020", "kensington-chelsea", ("W8", "W10", "W11", "SW3", "SW5", "SW7", "SW10")
    ),
)

# Post towns outside "London" for the outer districts, so addresses read as they would on a letter.
TOWN_BY_DISTRICT: dict[str, str] = {"HA0": "Wembley", "HA9": "Wembley", "HA3": "Harrow"}

PROGRAMME_NAME = "West London Link Programme"


@dataclass(frozen=True)
class SchoolSpec:
    name: str
    phase: str  # Organisation.SchoolPhase value
    district: str


# Ten invented schools per borough, eight primary and two secondary: the
# programme works mostly in primary and lower secondary.
SCHOOLS: dict[str, tuple[SchoolSpec, ...]] = {
    "Brent": (
        SchoolSpec("Harrow Road Primary School", "primary", "NW10"),
        SchoolSpec("Willesden Vale Primary School", "primary", "NW10"),
        SchoolSpec("Neasden Park Primary School", "primary", "NW10"),
        SchoolSpec("Dollis Green Primary School", "primary", "NW2"),
        SchoolSpec("Kilburn Fields Primary School", "primary", "NW6"),
        SchoolSpec("Alperton Meadow Primary School", "primary", "HA0"),
        SchoolSpec("Wembley Brook Primary School", "primary", "HA9"),
        SchoolSpec("Kenton Orchard Primary School", "primary", "HA3"),
        SchoolSpec("Roundwood Hill Academy", "secondary", "NW10"),
        SchoolSpec("Wembley Vale High School", "secondary", "HA9"),
    ),
    "Westminster": (
        SchoolSpec("Westbourne Mews Primary School", "primary", "W2"),
        SchoolSpec("Bayswater Court Primary School", "primary", "W2"),
        SchoolSpec("Maida Gardens Primary School", "primary", "W9"),
        SchoolSpec("Elgin Fields Primary School", "primary", "W9"),
        SchoolSpec("Lisson Lane Primary School", "primary", "NW8"),
        SchoolSpec("Pimlico Green Primary School", "primary", "SW1V"),
        SchoolSpec("Millbank Gardens Primary School", "primary", "SW1P"),
        SchoolSpec("Marylebone Row Primary School", "primary", "W1H"),
        SchoolSpec("Paddington Basin Academy", "secondary", "W2"),
        SchoolSpec("Regent's Canal High School", "secondary", "NW8"),
    ),
    "Hammersmith and Fulham": (
        SchoolSpec("Ravenscourt Vale Primary School", "primary", "W6"),
        SchoolSpec("Hammersmith Riverside Primary School", "primary", "W6"),
        SchoolSpec("Shepherd's Green Primary School", "primary", "W12"),
        SchoolSpec("Askew Lane Primary School", "primary", "W12"),
        SchoolSpec("Olympia Mews Primary School", "primary", "W14"),
        SchoolSpec("Eel Brook Primary School", "primary", "SW6"),
        SchoolSpec("Sands End Wharf Primary School", "primary", "SW6"),
        SchoolSpec("East Acton Vale Primary School", "primary", "W3"),
        SchoolSpec("Lime Grove Academy", "secondary", "W12"),
        SchoolSpec("Riverside Reach Academy", "secondary", "SW6"),
    ),
    "Kensington and Chelsea": (
        SchoolSpec("Golborne Gardens Primary School", "primary", "W10"),
        SchoolSpec("Kensal Canal Primary School", "primary", "W10"),
        SchoolSpec("Portobello Mews Primary School", "primary", "W11"),
        SchoolSpec("Ladbroke Vale Primary School", "primary", "W11"),
        SchoolSpec("Campden Row Primary School", "primary", "W8"),
        SchoolSpec("Earls Court Gardens Primary School", "primary", "SW5"),
        SchoolSpec("Cadogan Green Primary School", "primary", "SW3"),
        SchoolSpec("Chelsea Wharf Primary School", "primary", "SW10"),
        SchoolSpec("Notting Vale High School", "secondary", "W11"),
        SchoolSpec("Lots Road Academy", "secondary", "SW10"),
    ),
}


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    focus: str  # what a Link Worker would broker them for


# Invented charities: the kinds of specialist support the programme brokers.
DELIVERY_PARTNERS: tuple[PartnerSpec, ...] = (
    PartnerSpec("Open Door Young People's Counselling", "counselling"),
    PartnerSpec("Quiet Room School Counselling", "counselling"),
    PartnerSpec("Little Lanterns Play Therapy", "play therapy"),
    PartnerSpec("Brightpath Tutoring Trust", "tutoring"),
    PartnerSpec("Number Builders Maths Tutoring", "tutoring"),
    PartnerSpec("Story Starters Reading Charity", "reading"),
    PartnerSpec("Bookworm Buddies", "reading"),
    PartnerSpec("Kinfolk Family Support", "family support"),
    PartnerSpec("Hearth and Home Family Project", "family support"),
    PartnerSpec("Steady Steps Parenting Network", "parenting"),
    PartnerSpec("Westway Community Football Trust", "sport"),
    PartnerSpec("Canalside Boxing Club", "sport"),
    PartnerSpec("Fourth Wall Youth Theatre", "arts"),
    PartnerSpec("Paintbox Arts Collective", "arts"),
    PartnerSpec("Soundhouse Music Mentoring", "music"),
    PartnerSpec("Next Chapter Mentoring", "mentoring"),
    PartnerSpec("Big Sibling Mentors West London", "mentoring"),
    PartnerSpec("Talk Together Speech and Language", "speech and language"),
    PartnerSpec("Turning Leaves Bereavement Support", "bereavement"),
    PartnerSpec("Green Shoots Outdoor Learning", "outdoor learning"),
    PartnerSpec("Code Club Collective", "coding"),
    PartnerSpec("Move and Groove Dance Company", "dance"),
    PartnerSpec("Kitchen Table Cookery School", "cooking"),
    PartnerSpec("Common Ground Youth Club", "youth work"),
    PartnerSpec("Money Matters Family Advice", "family advice"),
)

# Health and voluntary-sector organisations that work alongside the programme.
OTHER_ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("Canalside Child and Family Wellbeing Service", "health"),
    ("Four Boroughs Community Network", "voluntary"),
)

# Invented street stems; a suffix is added at random ("Alderwick Road").
# fmt: off
STREET_STEMS: tuple[str, ...] = (
    "Alderwick", "Ashcombe", "Bamford", "Beckwith", "Birchall", "Bramcote", "Brindley", "Caddington",
    "Calloway", "Carrowdale", "Chalkley", "Claybourne", "Coldharbour", "Corbridge", "Cressfield", "Dalmore",
    "Denholm", "Dunstow", "Elderfield", "Elmstead", "Farnaby", "Fenwick", "Fosbury", "Galloway", "Garrow",
    "Glenmere", "Hadleigh", "Halston", "Hartwell", "Hazelbury", "Holloway", "Ilbury", "Inchmery", "Kelvedon",
    "Kingsmere", "Lambourne", "Larkhall", "Lindfield", "Lowther", "Marlston", "Mayfield", "Melbury", "Merriden",
    "Netherby", "Norcott", "Oakhurst", "Orchardleigh", "Padbury", "Pennant", "Quarrendon", "Radcliffe",
    "Ravensbourne", "Redmayne", "Rosewell", "Rushmere", "Saltram", "Sandford", "Selborne", "Sherbourne",
    "Shipley", "Southcote", "Stanway", "Sudbrook", "Tamworth", "Thornbury", "Tillingham", "Trevelyan", "Upcott",
    "Varndell", "Wainfleet", "Walcott", "Wendover", "Westcombe", "Whitcliffe", "Winsford", "Woodbine",
    "Wrenfield", "Yarrow",
)
STREET_SUFFIXES: tuple[str, ...] = (
    "Road", "Road", "Road", "Street", "Street", "Avenue", "Gardens", "Close", "Grove", "Crescent", "Terrace",
    "Place", "Way", "Mews", "Lane",
)
# fmt: on


@dataclass(frozen=True)
class NameGroup:
    """Names that go together in one household, and the languages spoken at home.

    ``adult_female``/``adult_male`` are used for parents and carers where the
    names people were given differ a lot by generation; empty means "use the
    children's lists".
    """

    key: str
    weight: int
    languages: tuple[tuple[str, int], ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    adult_female: tuple[str, ...] = ()
    adult_male: tuple[str, ...] = ()
    # Somali and some other naming customs have no shared family surname; the
    # children are known by their father's name, and the mother keeps her own.
    mother_keeps_own_surname: float = 0.25


# The tables below are data, laid out for reading rather than one name a line.
# fmt: off
NAME_GROUPS: tuple[NameGroup, ...] = (
    NameGroup(
        key="english",
        weight=22,
        languages=(("English", 1),),
        female=(
            "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia", "Grace",
            "Freya", "Evie", "Poppy", "Ella", "Florence", "Daisy", "Willow", "Sienna", "Phoebe", "Matilda", "Ruby",
            "Harper", "Esme", "Millie", "Alice", "Emily", "Charlotte", "Jessica", "Chloe",
        ),
        male=(
            "Oliver", "George", "Noah", "Arthur", "Harry", "Leo", "Jack", "Charlie", "Oscar", "Jacob", "Henry",
            "Freddie", "Alfie", "Theo", "Thomas", "Archie", "Joshua", "James", "William", "Isaac", "Alexander",
            "Max", "Lucas", "Ethan", "Teddy", "Finley", "Reggie", "Louie", "Samuel", "Riley",
        ),
        surnames=(
            "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
            "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
            "Hughes", "Edwards", "Turner", "Cooper", "Hill", "Ward", "Morris", "Moore", "Harris", "King", "Baker",
            "Lewis", "Allen", "Carter", "Mitchell", "Fletcher", "Ashworth", "Pearce",
        ),
        adult_female=(
            "Sarah", "Emma", "Laura", "Gemma", "Kelly", "Lisa", "Rebecca", "Claire", "Hannah", "Victoria", "Amy",
            "Nicola", "Louise", "Stacey", "Jodie", "Rachel", "Joanne", "Kirsty", "Lauren", "Zoe", "Susan", "Karen",
            "Tracey", "Julie",
        ),
        adult_male=(
            "Daniel", "Mark", "Paul", "Lee", "Craig", "Darren", "Matthew", "Christopher", "Andrew", "Stephen",
            "Richard", "Jamie", "Adam", "Ryan", "Michael", "David", "Gary", "Wayne", "Stuart", "Dean", "Peter",
            "Robert", "Anthony", "Kevin",
        ),
    ),
    NameGroup(
        key="irish",
        weight=4,
        languages=(("English", 9), ("Irish", 1)),
        female=(
            "Aoife", "Niamh", "Saoirse", "Ciara", "Róisín", "Sinéad", "Caoimhe", "Orla", "Erin", "Clodagh",
            "Aisling", "Siobhan", "Maeve", "Grainne", "Cara",
        ),
        male=(
            "Conor", "Cian", "Oisín", "Seán", "Darragh", "Liam", "Ciarán", "Eoin", "Patrick", "Fionn", "Tadhg",
            "Ronan", "Declan", "Niall", "Rory",
        ),
        surnames=(
            "Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan", "O'Connor", "O'Neill", "Doyle",
            "McCarthy", "Gallagher", "O'Doherty", "Kennedy", "Lynch", "Murray", "Quinn", "Moore", "McLoughlin",
            "Carroll", "Connolly", "Daly", "Brennan", "Fitzgerald",
        ),
        adult_female=(
            "Mary", "Bridget", "Siobhan", "Deirdre", "Fiona", "Sinéad", "Aisling", "Catherine", "Eileen", "Orla",
        ),
        adult_male=("Patrick", "Michael", "Sean", "Declan", "Brendan", "Kieran", "Eamon", "Colm", "Dermot", "John"),
    ),
    NameGroup(
        key="caribbean",
        weight=8,
        languages=(("English", 1),),
        female=(
            "Aaliyah", "Amara", "Kiara", "Nia", "Jada", "Tiana", "Imani", "Zuri", "Kaya", "Destiny", "Shanice",
            "Malia", "Naomi", "Leah", "Serena", "Maya",
        ),
        male=(
            "Jayden", "Tyrese", "Malachi", "Kai", "Jaden", "Elijah", "Josiah", "Isaiah", "Marcus", "Andre",
            "Tyler", "Kairo", "Zion", "Dante", "Reuben", "Nathaniel",
        ),
        surnames=(
            "Campbell", "Francis", "Grant", "Henry", "Thomas", "Morgan", "Bailey", "Brown", "Williams", "Reid",
            "Clarke", "Gordon", "Lawrence", "Spencer", "Samuels", "Richards", "Walters", "Barrett", "Powell",
            "Forbes", "Gayle", "Bennett",
        ),
        adult_female=(
            "Marcia", "Sonia", "Donna", "Paulette", "Simone", "Keisha", "Natalie", "Charmaine", "Tanya", "Michelle",
            "Andrea", "Claudette",
        ),
        adult_male=(
            "Winston", "Delroy", "Errol", "Leroy", "Carlton", "Clive", "Junior", "Marlon", "Trevor", "Wayne",
            "Dwayne", "Andre",
        ),
    ),
    NameGroup(
        key="west_african",
        weight=8,
        languages=(("English", 6), ("Yoruba", 2), ("Twi", 1), ("Igbo", 1)),
        female=(
            "Tolani", "Adaeze", "Chioma", "Funmilayo", "Ifeoma", "Ngozi", "Oluwaseun", "Temitope", "Abena",
            "Akosua", "Ama", "Efua", "Esi", "Damilola", "Precious", "Blessing", "Favour", "Adeola", "Zainab",
            "Chiamaka",
        ),
        male=(
            "Oluwadamilare", "Chinedu", "Emeka", "Tobi", "Ayomide", "Kwame", "Kofi", "Kwabena", "Yaw", "Femi",
            "David", "Daniel", "Samuel", "Ebuka", "Tunde", "Olumide", "Nnamdi", "Ifeanyi", "Joshua", "Emmanuel",
        ),
        surnames=(
            "Adeyemi", "Okafor", "Okonkwo", "Adebayo", "Oladipo", "Balogun", "Eze", "Nwosu", "Ogunleye",
            "Akinola", "Mensah", "Boateng", "Owusu", "Asante", "Osei", "Appiah", "Agyeman", "Danquah", "Oyelaran",
            "Chukwu", "Olatunji", "Adjei",
        ),
    ),
    NameGroup(
        key="somali",
        weight=8,
        languages=(("Somali", 1),),
        female=(
            "Hodan", "Amina", "Fadumo", "Hibo", "Ayaan", "Ifrah", "Nimco", "Sagal", "Hamda", "Sahra", "Ubah",
            "Ladan", "Deqa", "Idil", "Muna", "Hawa", "Sumaya", "Asha", "Safiya", "Khadra", "Najma", "Ruqiya",
            "Zamzam", "Yasmin",
        ),
        male=(
            "Abdirahman", "Mohamed", "Abdullahi", "Hassan", "Ahmed", "Liban", "Mahad", "Yusuf", "Khalid", "Abdi",
            "Bashir", "Guled", "Mustafe", "Ayub", "Hamza", "Ismail", "Zakaria", "Said", "Osman", "Ilyas",
            "Abdikadir", "Sharmarke",
        ),
        surnames=(
            "Hassan", "Mohamed", "Abdi", "Ali", "Warsame", "Farah", "Omar", "Yusuf", "Jama", "Osman", "Ahmed",
            "Aden", "Hussein", "Ismail", "Nur", "Egal", "Duale", "Hirsi", "Abdullahi", "Mohamud", "Ibrahim",
            "Guled",
        ),
        mother_keeps_own_surname=1.0,
    ),
    NameGroup(
        key="eritrean_ethiopian",
        weight=4,
        languages=(("Tigrinya", 3), ("Amharic", 2)),
        female=(
            "Selam", "Helen", "Ruta", "Senait", "Eden", "Yohana", "Saba", "Lidya", "Meron", "Hiwet", "Bethlehem",
            "Winta", "Feven", "Rahel",
        ),
        male=(
            "Yonas", "Dawit", "Samuel", "Biniam", "Natnael", "Robel", "Abel", "Mussie", "Henok", "Yared", "Filmon",
            "Kidane", "Elias", "Mikael",
        ),
        surnames=(
            "Tesfaye", "Gebremedhin", "Haile", "Kidane", "Tekle", "Berhane", "Ghebreyesus", "Woldemariam", "Asfaha",
            "Mehari", "Girma", "Tsegaye", "Abraha", "Negash",
        ),
        mother_keeps_own_surname=1.0,
    ),
    NameGroup(
        key="pakistani",
        weight=6,
        languages=(("Urdu", 3), ("Punjabi", 2), ("English", 2)),
        female=(
            "Aisha", "Fatima", "Maryam", "Zara", "Hafsa", "Inaya", "Anaya", "Noor", "Iqra", "Khadija", "Alishba",
            "Mahnoor", "Hania", "Zoya", "Eman",
        ),
        male=(
            "Muhammad", "Ibrahim", "Ayaan", "Zayan", "Hamza", "Ali", "Rayyan", "Musa", "Abdullah", "Haris", "Zain",
            "Arham", "Yahya", "Umar", "Bilal",
        ),
        surnames=(
            "Khan", "Ahmed", "Hussain", "Iqbal", "Malik", "Butt", "Chaudhry", "Raza", "Qureshi", "Shah", "Akhtar",
            "Rashid", "Mahmood", "Aslam", "Javed", "Siddiqui",
        ),
    ),
    NameGroup(
        key="indian",
        weight=8,
        languages=(("Gujarati", 3), ("Punjabi", 2), ("Tamil", 2), ("Hindi", 1), ("English", 2)),
        female=(
            "Anika", "Diya", "Priya", "Aanya", "Saanvi", "Isha", "Kavya", "Riya", "Meera", "Jasleen", "Simran",
            "Harleen", "Nila", "Tharani", "Shreya", "Navya",
        ),
        male=(
            "Arjun", "Aarav", "Vihaan", "Rohan", "Krish", "Dev", "Ishaan", "Aryan", "Jaskaran", "Gurpreet",
            "Harjot", "Karthik", "Vikram", "Nikhil", "Sai", "Reyansh",
        ),
        surnames=(
            "Patel", "Shah", "Mistry", "Parmar", "Desai", "Solanki", "Singh", "Kaur", "Gill", "Sandhu", "Dhillon",
            "Sivakumar", "Krishnan", "Rajendran", "Sharma", "Gupta", "Joshi", "Chauhan", "Pillai", "Naidu",
        ),
    ),
    NameGroup(
        key="bangladeshi",
        weight=4,
        languages=(("Bengali", 3), ("Sylheti", 2), ("English", 1)),
        female=(
            "Tahmina", "Nusrat", "Sumaiya", "Ruksana", "Jannat", "Tasnim", "Afsana", "Farhana", "Shirin", "Rumana",
            "Nadia", "Sadia", "Raisa", "Maliha",
        ),
        male=(
            "Rahim", "Tanvir", "Sabbir", "Arif", "Shahid", "Rafiq", "Jamal", "Abdul", "Shakil", "Imran", "Tahmid",
            "Rayhan", "Nabil", "Sami",
        ),
        surnames=(
            "Begum", "Uddin", "Miah", "Rahman", "Islam", "Hoque", "Chowdhury", "Ahmed", "Ali", "Khatun", "Hossain",
            "Akhtar", "Karim", "Alam",
        ),
    ),
    NameGroup(
        key="arabic",
        weight=10,
        languages=(("Arabic", 5), ("Berber", 1), ("English", 1)),
        female=(
            "Mariam", "Layla", "Nour", "Salma", "Yasmine", "Hana", "Rania", "Lina", "Sara", "Amira", "Jana",
            "Malak", "Reem", "Dalia", "Aya", "Zeinab", "Sana", "Farah",
        ),
        male=(
            "Omar", "Youssef", "Adam", "Karim", "Ahmad", "Mohammed", "Ali", "Khaled", "Tariq", "Ziad", "Amir",
            "Hassan", "Rami", "Samir", "Mahmoud", "Anas", "Bilal", "Ilyas",
        ),
        surnames=(
            "El Amrani", "Benali", "Haddad", "Al-Hashimi", "Mansour", "Nasser", "Khalil", "Saleh", "Abdallah",
            "El Idrissi", "Al-Jaberi", "Hamdan", "Younes", "Bakri", "Darwish", "Fadel", "Ouazzani", "Al-Rubaie",
            "Kassem", "Azzam",
        ),
        mother_keeps_own_surname=0.8,
    ),
    NameGroup(
        key="polish",
        weight=5,
        languages=(("Polish", 1),),
        female=(
            "Zuzanna", "Julia", "Maja", "Zofia", "Hanna", "Lena", "Alicja", "Oliwia", "Natalia", "Wiktoria",
            "Amelia", "Antonina", "Pola", "Laura",
        ),
        male=(
            "Jakub", "Antoni", "Szymon", "Jan", "Filip", "Franciszek", "Aleksander", "Mikołaj", "Wojciech", "Kacper",
            "Adam", "Michał", "Stanisław", "Igor",
        ),
        surnames=(
            "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
            "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk", "Piotrowski",
        ),
        adult_female=(
            "Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Anna", "Monika", "Ewa", "Małgorzata", "Justyna",
            "Marta", "Dorota", "Beata",
        ),
        adult_male=(
            "Piotr", "Tomasz", "Paweł", "Łukasz", "Krzysztof", "Marcin", "Michał", "Grzegorz", "Marek", "Rafał",
            "Dariusz", "Andrzej",
        ),
        mother_keeps_own_surname=0.1,
    ),
    NameGroup(
        key="romanian",
        weight=4,
        languages=(("Romanian", 1),),
        female=(
            "Maria", "Ioana", "Andreea", "Elena", "Alexandra", "Bianca", "Daria", "Sofia", "Ana", "Ilinca",
            "Teodora", "Larisa",
        ),
        male=(
            "Andrei", "Alexandru", "Ionuț", "Mihai", "Ștefan", "David", "Luca", "Matei", "Gabriel", "Darius",
            "Vlad", "Cristian",
        ),
        surnames=(
            "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu", "Constantin",
            "Matei", "Ciobanu", "Moldovan", "Lazăr",
        ),
        mother_keeps_own_surname=0.1,
    ),
    NameGroup(
        key="portuguese_brazilian",
        weight=6,
        languages=(("Portuguese", 1),),
        female=(
            "Beatriz", "Leonor", "Matilde", "Inês", "Mariana", "Carolina", "Lara", "Giovanna", "Ana Clara",
            "Larissa", "Yasmin", "Letícia", "Luana", "Gabriela",
        ),
        male=(
            "João", "Rodrigo", "Tiago", "Gonçalo", "Martim", "Lucas", "Gabriel", "Enzo", "Miguel", "Rafael",
            "Pedro", "Guilherme", "Davi", "Thiago",
        ),
        surnames=(
            "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Sousa",
            "Gonçalves", "Almeida", "Carvalho", "Ribeiro", "Lima", "Araújo", "Fernandes",
        ),
    ),
    NameGroup(
        key="spanish_latin_american",
        weight=3,
        languages=(("Spanish", 1),),
        female=("Valentina", "Isabella", "Camila", "Sofía", "Lucía", "Daniela", "Paula", "Martina", "Valeria", "Abril"),
        male=(
            "Santiago", "Mateo", "Sebastián", "Samuel", "Diego", "Nicolás", "Alejandro", "Juan José", "Tomás",
            "Emiliano",
        ),
        surnames=(
            "García López", "Rodríguez", "Martínez", "Gómez", "Hernández", "Restrepo", "Castaño", "Vargas Ortiz",
            "Morales", "Torres", "Ramírez", "Jiménez",
        ),
    ),
    NameGroup(
        key="filipino",
        weight=2,
        languages=(("Tagalog", 2), ("English", 1)),
        female=("Althea", "Andrea", "Angel", "Bea", "Janelle", "Kyla", "Mikaela", "Princess", "Rhea", "Trisha"),
        male=(
            "Angelo", "Carlo", "Christian", "Ezekiel", "Jericho", "John Paul", "Miguel", "Nathan", "Raphael", "Vince",
        ),
        surnames=(
            "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres", "Villanueva", "Dela Cruz",
        ),
    ),
    NameGroup(
        key="afghan",
        weight=2,
        languages=(("Dari", 2), ("Pashto", 1)),
        female=("Mursal", "Mahsa", "Parisa", "Nilofar", "Farishta", "Marwa", "Shabnam", "Sana", "Zarghuna", "Laila"),
        male=("Ahmad", "Mustafa", "Farhad", "Sohail", "Jawad", "Nasir", "Omid", "Wahid", "Rahmatullah", "Idris"),
        surnames=(
            "Ahmadzai", "Popal", "Hakimi", "Rahimi", "Sultani", "Noori", "Karimi", "Stanekzai", "Amiri", "Wardak",
        ),
        mother_keeps_own_surname=0.6,
    ),
    NameGroup(
        key="iranian",
        weight=2,
        languages=(("Farsi", 1),),
        female=("Ava", "Darya", "Niloufar", "Parisa", "Roya", "Shirin", "Tara", "Yasaman", "Setareh", "Mina"),
        male=("Arash", "Aryan", "Cyrus", "Dariush", "Kian", "Navid", "Parsa", "Reza", "Sina", "Arman"),
        surnames=(
            "Hosseini", "Mohammadi", "Ahmadi", "Rezaei", "Moradi", "Karimi", "Jafari", "Sadeghi", "Ebrahimi",
            "Tehrani",
        ),
        mother_keeps_own_surname=0.9,
    ),
)
# fmt: on

# Everyday short forms, so some children have a preferred name on their record.
DIMINUTIVES: dict[str, tuple[str, ...]] = {
    "Alexander": ("Alex", "Xander"),
    "Alexandra": ("Alex", "Sasha"),
    "Aleksander": ("Olek",),
    "Abdirahman": ("Abdi",),
    "Abdullahi": ("Abdi",),
    "Charlotte": ("Lottie",),
    "Christian": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Elizabeth": ("Lizzie",),
    "Florence": ("Flo",),
    "Franciszek": ("Franek",),
    "Gabriel": ("Gabe",),
    "Isabella": ("Bella", "Izzy"),
    "Jakub": ("Kuba",),
    "Jessica": ("Jess",),
    "Joshua": ("Josh",),
    "Matilda": ("Tilly",),
    "Mikołaj": ("Miki",),
    "Muhammad": ("Mo",),
    "Mohamed": ("Mo",),
    "Mohammed": ("Mo",),
    "Nathaniel": ("Nate",),
    "Oluwadamilare": ("Dami",),
    "Oluwaseun": ("Seun",),
    "Samuel": ("Sam",),
    "Sebastián": ("Seba",),
    "Temitope": ("Temi",),
    "Thomas": ("Tom", "Tommy"),
    "Valentina": ("Vale",),
    "William": ("Will", "Billy"),
    "Zuzanna": ("Zuzia",),
}
