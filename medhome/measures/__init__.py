"""Quality measures (W30, WCV, DEV-CH): set-based engine, per-child reference, definitions."""
