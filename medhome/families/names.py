import re
import unicodedata

SEPARATORS = re.compile(r"[\W_]+")
APOSTROPHES = re.compile(r"['’ʼ`]")
# Letters that Unicode does not decompose into a base letter and an accent.
UNDECOMPOSED = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th", "ı": "i"}
)


def name_key(name: str) -> str:
    """Case- and accent-free form of a name for indexed prefix search ("García" → "garcia").

    Letters of every script are kept (a name written in Arabic or Chinese stays searchable);
    apostrophes vanish ("O'Brien" → "obrien") and other punctuation such as hyphens becomes a
    space ("García-López" → "garcia lopez").
    """
    decomposed = unicodedata.normalize("NFKD", name or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    stripped = APOSTROPHES.sub("", stripped).translate(UNDECOMPOSED)
    return " ".join(SEPARATORS.sub(" ", stripped).split())


def later_words(key: str) -> str:
    """The key without its first word, so a second surname is searchable too ("lopez")."""
    _first, _space, rest = key.partition(" ")
    return rest
