"""What families say in their own words: short first-person sentences, English and Spanish.

Spanish-speaking caregivers' text is in Spanish. Families of the other home languages get
English sentences as an interpreter would have written them down, some about their language
or culture. Availability patterns pair the hours (AvailabilityWindow rows) with the note the
caregiver gave, so the two never disagree.
"""

from dataclasses import dataclass
from datetime import time

CULTURE = {
    "en": (
        "We're a big family and grandma helps raise the kids.",
        "Faith is important to us; we go to church every Sunday.",
        "We keep a vegetarian home.",
        "We'd like both parents included in decisions about the kids.",
        "Please call me by my first name.",
        "Dad works long hours, so I usually bring the kids in.",
        "We moved here two years ago and are still getting settled.",
        "We're a military family and we move often.",
        "We like to try home remedies first and then come in.",
        "Please talk to our son directly; he likes to be part of the conversation.",
        "We homeschool our children.",
        "We're a blended family; the kids split time between two homes.",
        "We don't eat pork.",
        "I grew up in foster care myself and I want to do things differently.",
        "Our elders matter to us; my mother comes to visits and her opinion counts.",
    ),
    "es": (
        "Somos una familia grande y la abuela nos ayuda a criar a los niños.",
        "La fe es muy importante para nosotros; vamos a misa los domingos.",
        "En casa hablamos solo español; los niños aprenden inglés en la escuela.",
        "Preferimos que nos expliquen las cosas con calma y con intérprete.",
        "Llegamos a este país hace pocos años y todavía estamos conociendo los servicios.",
        "Usamos remedios caseros, como té de manzanilla, antes de venir a la clínica.",
        "Para nosotros es importante que el papá también participe en las decisiones.",
        "Celebramos las fiestas con toda la familia; es lo que más disfrutan los niños.",
        "Me gusta que me hablen de usted y que me den todo por escrito.",
        "Trabajamos mucho, pero la familia siempre es primero.",
    ),
    "vi": (
        "We celebrate Tết with the whole family and the kids love the lion dances.",
        "The grandparents live with us and help decide about health care.",
        "Written information in Vietnamese helps us a lot.",
    ),
    "zh": (
        "Grandma follows traditional Chinese medicine; please ask us about herbal teas.",
        "We celebrate Lunar New Year with all our relatives.",
        "Written information in Chinese helps us a lot.",
    ),
    "ar": (
        "We fast during Ramadan; please schedule around it when you can.",
        "We prefer a female doctor for my daughters when possible.",
        "We eat only halal food.",
    ),
    "ht": (
        "We speak Kreyòl at home and French at church.",
        "Our family back in Haiti is a big part of our life.",
        "Please be patient with us and explain things slowly.",
    ),
    "so": (
        "We are Muslim; halal food and prayer times matter to us.",
        "Please offer a female interpreter when possible.",
        "Our community and the mosque are our support.",
    ),
}

STRENGTHS = {
    "en": (
        "We love to read together at bedtime.",
        "Our kids are curious and love being outside.",
        "We have a lot of family nearby who help.",
        "We laugh a lot and we stick together.",
        "My son is kind and looks out for his little sister.",
        "We cook together every weekend.",
        "We never miss a soccer game.",
        "Our church community supports us.",
        "We talk about everything as a family.",
        "I'm organized and keep track of all the appointments.",
        "The kids are good helpers at home.",
        "We've been through hard times and we're still here.",
    ),
    "es": (
        "Nos gusta leer cuentos juntos antes de dormir.",
        "Somos muy unidos y nos apoyamos siempre.",
        "Tenemos familia cerca que nos ayuda mucho.",
        "Mis hijos son cariñosos y trabajadores.",
        "Cocinamos juntos los fines de semana.",
        "La comunidad de la iglesia nos apoya.",
        "Aunque ha sido difícil, seguimos adelante como familia.",
        "Nos gusta ir al parque y jugar fútbol.",
        "Siempre estamos pendientes de las citas de los niños.",
    ),
}

TRANSPORTATION = {
    "en": (
        "We don't have a car; the bus takes an hour with two transfers.",
        "I share a car with my sister, so I need appointments on her days off.",
        "Medicaid rides often come late and we miss the appointment.",
        "Our car broke down and we can't fix it yet.",
        "I don't drive and the bus stop is far with the stroller.",
    ),
    "es": (
        "No tenemos carro; el autobús tarda una hora con dos transbordos.",
        "Comparto el carro con mi hermana; necesito citas en sus días libres.",
        "El transporte de Medicaid a veces llega tarde y perdemos la cita.",
        "Se nos descompuso el carro y todavía no lo podemos arreglar.",
        "No manejo y la parada queda lejos con la carriola.",
    ),
}

WEEKDAYS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class AvailabilityPattern:
    """Hours a caregiver can be reached and how they put it: (days, from, to) and the note."""

    hours: tuple[tuple[tuple[int, ...], time, time], ...]
    note_en: str
    note_es: str

    def note(self, language: str) -> str:
        return self.note_es if language == "es" else self.note_en


AVAILABILITY_PATTERNS: tuple[tuple[AvailabilityPattern, float], ...] = (
    (
        AvailabilityPattern(
            ((WEEKDAYS, time(17, 30), time(20, 0)),),
            "After 5:30 on weekdays; I work 7 to 5.",
            "Después de las 5:30 entre semana; trabajo de 7 a 5.",
        ),
        30,
    ),
    (
        AvailabilityPattern(
            ((WEEKDAYS, time(13, 0), time(16, 0)),),
            "I work nights, so early afternoon is best.",
            "Trabajo de noche; mejor temprano en la tarde.",
        ),
        12,
    ),
    (
        AvailabilityPattern(
            (((5,), time(9, 0), time(13, 0)), ((6,), time(12, 0), time(17, 0))),
            "Weekends only; I can't pick up at work.",
            "Solo fines de semana; en el trabajo no puedo contestar.",
        ),
        12,
    ),
    (
        AvailabilityPattern(
            ((WEEKDAYS, time(8, 0), time(11, 0)),),
            "Mornings, before my shift starts at noon.",
            "En las mañanas, antes de entrar a trabajar al mediodía.",
        ),
        12,
    ),
    (
        AvailabilityPattern(
            ((WEEKDAYS, time(12, 0), time(13, 0)),),
            "On my lunch break, 12 to 1.",
            "En mi hora de almuerzo, de 12 a 1.",
        ),
        10,
    ),
    (
        AvailabilityPattern(
            ((WEEKDAYS, time(9, 0), time(14, 30)),),
            "While the kids are at school.",
            "Mientras los niños están en la escuela.",
        ),
        12,
    ),
    (
        AvailabilityPattern(
            (((1, 3), time(10, 0), time(15, 0)), ((5,), time(10, 0), time(12, 0))),
            "Tuesdays and Thursdays are my days off.",
            "Mis días libres son martes y jueves.",
        ),
        6,
    ),
    (
        AvailabilityPattern(
            (),
            "My schedule changes every week; ask me and I'll find a time.",
            "Mi horario cambia cada semana; pregúnteme y buscamos la hora.",
        ),
        6,
    ),
)
