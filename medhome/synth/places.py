"""Cities the synthetic practices stand in: real ZIP codes, area codes and street names.

ZIP codes are real residential ZIPs of each city (USPS; the neighbourhoods a safety-net practice
serves), so maps and ZIP-level measures look right. House numbers are drawn at random, so no
generated address is anyone's home on purpose. Phone numbers use each city's real area codes
with the 555-0100…555-0199 exchange, reserved for fiction (NANPA) and accepted as valid by
`phonenumbers`; a test checks every number in the pool.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    state: str
    zip_codes: tuple[str, ...]
    area_codes: tuple[str, ...]
    neighborhoods: tuple[str, ...]
    streets: tuple[str, ...]


def _words(text: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(sep) if part.strip())


CITIES: tuple[City, ...] = (
    City(
        "Boston",
        "MA",
        _words("02118, 02119, 02120, 02121, 02122, 02124, 02125, 02126, 02128, 02130, 02136"),
        ("617", "857"),
        _words("Dorchester, Roxbury, East Boston, Jamaica Plain, Mattapan, Hyde Park, South End"),
        _words(
            "Blue Hill Ave, Dorchester Ave, Washington St, Columbia Rd, Bennington St, "
            "Centre St, Hyde Park Ave, Talbot Ave, Geneva Ave, Bowdoin St, Meridian St"
        ),
    ),
    City(
        "Providence",
        "RI",
        _words("02903, 02904, 02905, 02906, 02907, 02908, 02909"),
        ("401",),
        _words("Olneyville, South Providence, Elmhurst, Federal Hill, Mount Pleasant, Fox Point"),
        _words(
            "Broad St, Cranston St, Atwells Ave, Manton Ave, Elmwood Ave, Chalkstone Ave, "
            "Douglas Ave, Hope St, Westminster St, Prairie Ave"
        ),
    ),
    City(
        "Chicago",
        "IL",
        _words(
            "60608, 60609, 60612, 60617, 60619, 60621, 60623, 60624, 60629, 60632, 60639, "
            "60644, 60647"
        ),
        ("312", "773", "872"),
        _words(
            "Pilsen, Little Village, Humboldt Park, Englewood, Austin, Bronzeville, Logan Square"
        ),
        _words(
            "W 26th St, S Pulaski Rd, W Cermak Rd, S Halsted St, W North Ave, S Ashland Ave, "
            "W Chicago Ave, S Kedzie Ave, W Madison St, S Cottage Grove Ave"
        ),
    ),
    City(
        "Houston",
        "TX",
        _words(
            "77003, 77004, 77009, 77011, 77012, 77016, 77020, 77021, 77026, 77033, 77036, 77081"
        ),
        ("713", "832", "346", "281"),
        _words("Gulfton, Second Ward, Magnolia Park, Sunnyside, Third Ward, Northside"),
        _words(
            "Navigation Blvd, Harrisburg Blvd, Airline Dr, Scott St, Bellaire Blvd, "
            "Hillcroft Ave, Telephone Rd, Cullen Blvd, Irvington Blvd, Lyons Ave"
        ),
    ),
    City(
        "Los Angeles",
        "CA",
        _words("90001, 90002, 90003, 90011, 90023, 90031, 90033, 90037, 90044, 90057, 90063"),
        ("213", "323"),
        _words("Boyle Heights, Watts, Westlake, El Sereno, South Park, Lincoln Heights"),
        _words(
            "Cesar E Chavez Ave, S Central Ave, Whittier Blvd, S Vermont Ave, W 6th St, "
            "Huntington Dr, E Florence Ave, S Figueroa St, N Broadway, E 1st St"
        ),
    ),
    City(
        "Philadelphia",
        "PA",
        _words("19120, 19121, 19122, 19124, 19132, 19133, 19134, 19139, 19140, 19143"),
        ("215", "267"),
        _words("Kensington, Fairhill, Hunting Park, Point Breeze, Germantown, West Philadelphia"),
        _words(
            "N 5th St, Kensington Ave, Germantown Ave, W Girard Ave, N Broad St, "
            "Frankford Ave, Baltimore Ave, W Lehigh Ave, Point Breeze Ave, Lancaster Ave"
        ),
    ),
    City(
        "Miami",
        "FL",
        _words("33125, 33126, 33127, 33128, 33130, 33135, 33136, 33142, 33147, 33150"),
        ("305", "786"),
        _words("Little Havana, Allapattah, Little Haiti, Overtown, Flagami, Liberty City"),
        _words(
            "SW 8th St, NW 36th St, NE 2nd Ave, NW 7th Ave, W Flagler St, NW 17th Ave, "
            "NW 54th St, SW 27th Ave, NW 20th St, Biscayne Blvd"
        ),
    ),
    City(
        "Phoenix",
        "AZ",
        _words("85006, 85007, 85008, 85009, 85017, 85019, 85031, 85033, 85035, 85041"),
        ("602", "480", "623"),
        _words("Maryvale, Garfield, South Mountain, Coronado, Sunnyslope, Alhambra"),
        _words(
            "W Indian School Rd, N 35th Ave, W McDowell Rd, E Van Buren St, S Central Ave, "
            "W Thomas Rd, N 16th St, W Buckeye Rd, E Roosevelt St, N 43rd Ave"
        ),
    ),
    City(
        "Minneapolis",
        "MN",
        _words("55403, 55404, 55405, 55406, 55407, 55408, 55409, 55411, 55412, 55454"),
        ("612",),
        _words("Cedar-Riverside, Phillips, Powderhorn, Near North, Whittier, Longfellow"),
        _words(
            "Cedar Ave S, Lake St E, Chicago Ave, Nicollet Ave, Bloomington Ave, "
            "Franklin Ave E, Penn Ave N, Lyndale Ave S, W Broadway Ave, Riverside Ave"
        ),
    ),
    City(
        "Seattle",
        "WA",
        _words("98102, 98103, 98104, 98106, 98108, 98118, 98122, 98126, 98144, 98178"),
        ("206",),
        _words("Rainier Valley, Beacon Hill, Delridge, Central District, Georgetown, South Park"),
        _words(
            "Rainier Ave S, Beacon Ave S, Delridge Way SW, E Cherry St, S Jackson St, "
            "MLK Jr Way S, 15th Ave S, Airport Way S, E Union St, S Henderson St"
        ),
    ),
)

CITY_BY_NAME = {city.name: city for city in CITIES}

# Names practices give themselves: "<neighbourhood> <suffix>".
PRACTICE_SUFFIXES = (
    "Pediatrics",
    "Community Pediatrics",
    "Children's Health Center",
    "Family Health Center",
    "Pediatric Associates",
    "Community Health Center",
)


def city_for_state(state: str, index: int) -> City:
    """A city in the practice's state if we know one, else the index-th city."""
    for city in CITIES:
        if city.state == state:
            return city
    return CITIES[index % len(CITIES)]


def fictional_phone(area_code: str, line: int) -> str:
    """E.164 number in the 555-0100…0199 range reserved for fiction (line 0…99)."""
    return f"+1{area_code}55501{line:02d}"
