"""The daily huddle sheet."""
