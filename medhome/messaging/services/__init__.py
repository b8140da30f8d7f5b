"""Every write of messaging: consents and opt-outs (consents.py), planning (planning.py),
sending with its claim, retries and fallback (sending.py), receipts and replies (replies.py)."""
