"""Case review."""
