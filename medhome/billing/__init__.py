"""Billing summary of a visit."""
