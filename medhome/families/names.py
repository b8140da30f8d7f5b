import re
import unicodedata

NON_WORD = re.compile(r"[^a-z0-9 ]+")


def name_key(name: str) -> str:
    """Lower-case, accent-free form of a name for indexed prefix search ("García" → "garcia")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(NON_WORD.sub(" ", stripped).split())
