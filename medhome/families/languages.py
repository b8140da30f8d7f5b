"""The language tags families use live in core.languages, so the staff app (beside families in the
layers) validates a colleague's languages with the same rule; this name stays for its importers."""

from medhome.core.languages import (
    COMMON_LANGUAGES,
    language_choices,
    language_name,
    normalize_language,
)

__all__ = ["COMMON_LANGUAGES", "language_choices", "language_name", "normalize_language"]
