"""Small-cell suppression lives in medhome.core.suppression (messaging's figures use it too, and
messaging sits below measures); kept here so the measures keep their one import path."""

from medhome.core.suppression import (
    SMALL_CELL,
    Cell,
    is_small,
    needs_suppression,
    suppress_rows,
    suppress_total,
)

__all__ = ["SMALL_CELL", "Cell", "is_small", "needs_suppression", "suppress_rows", "suppress_total"]
