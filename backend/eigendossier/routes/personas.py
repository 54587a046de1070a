"""The five personas of the mbo LLO programme: the labour market's learning questions, each
with the kind of recognition (waardering) that applies and sensible default preferences."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Persona:
    key: str
    name: dict[str, str]
    explanation: dict[str, str]
    recognition: dict[str, str]
    defaults: dict = field(default_factory=dict)


PERSONAS = (
    Persona(
        "initieel_onderwijs",
        {"nl": "Initieel onderwijs", "en": "Initial education"},
        {"nl": "Je volgt een volledige opleiding, meestal overdag op school.",
         "en": "You follow a full programme, usually in the daytime at school."},
        {"nl": "Diploma na het afronden van de opleiding.",
         "en": "A diploma after completing the programme."},
        {"times_of_day": ["daytime"], "locations": ["school", "company"],
         "learning_forms": [], "max_parallel": 3, "max_hours_per_week": None,
         "hard": []},
    ),
    Persona(
        "voorschakelen",
        {"nl": "Voorschakelen", "en": "Preparatory schooling"},
        {"nl": "Je volgt extra scholing vóór of naast een opleiding, om goed te kunnen starten.",
         "en": "You take extra schooling before or alongside a programme, to start well."},
        {"nl": "Erkenning van de extra scholing.",
         "en": "Recognition of the extra schooling."},
        {"times_of_day": ["daytime", "evening"], "locations": [], "learning_forms": [],
         "max_parallel": 2, "max_hours_per_week": 16, "hard": []},
    ),
    Persona(
        "bijscholing",
        {"nl": "Bijscholing", "en": "Upskilling"},
        {"nl": "Je werkt in het vak en wilt je verder ontwikkelen, naast je werk.",
         "en": "You work in the field and want to develop further, alongside your job."},
        {"nl": "Erkenning na afronding van de training (certificaat of microcredential).",
         "en": "Recognition after the training (a certificate or microcredential)."},
        {"times_of_day": ["evening", "weekend"], "locations": [], "learning_forms": [],
         "max_parallel": 1, "max_hours_per_week": 8, "hard": ["time_of_day"]},
    ),
    Persona(
        "omscholing",
        {"nl": "Omscholing", "en": "Retraining"},
        {"nl": "Je stapt over naar een ander vak, zonder relevante werkervaring.",
         "en": "You move to another field, without relevant work experience."},
        {"nl": "Erkenning vanuit werk- en leerervaring; certificaten tellen op naar een diploma.",
         "en": "Recognition from work and learning experience; certificates add up to a diploma."},
        {"times_of_day": ["daytime", "evening"], "locations": [], "learning_forms": [],
         "max_parallel": 2, "max_hours_per_week": 16, "hard": []},
    ),
    Persona(
        "opscholing",
        {"nl": "Opscholing", "en": "Recognition of prior learning"},
        {"nl": "Je wilt weten of je aan de instroomeis voldoet, bijvoorbeeld met een buitenlands "
               "diploma of branchecursussen, en volgt alleen wat nog ontbreekt.",
         "en": "You want to know whether you meet the entry requirement, for example with a "
               "foreign diploma or sector courses, and take only what is still missing."},
        {"nl": "Erkenning van een buitenlands diploma of van branchecursussen (EVC).",
         "en": "Recognition of a foreign diploma or of sector courses (APL)."},
        {"times_of_day": ["evening", "weekend"], "locations": [], "learning_forms": [],
         "max_parallel": 1, "max_hours_per_week": 10, "hard": []},
    ),
)

BY_KEY = {persona.key: persona for persona in PERSONAS}
