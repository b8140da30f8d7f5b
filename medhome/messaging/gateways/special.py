"""Test numbers the local and locmem gateways act out (NANP 555-01xx: fictional numbers).

BOUNCES: refused as "not a mobile number" when sent (the locmem gateway) or accepted then
reported undelivered by receipt (the local gateway). REPLIES_STOP: delivered, then the "family"
texts STOP back. OPTED_OUT_AT_PROVIDER: the provider itself refuses (Twilio's 21610).
"""

BOUNCES = frozenset({"+12025550100", "+12025550101"})
REPLIES_STOP = frozenset({"+12025550111"})
OPTED_OUT_AT_PROVIDER = frozenset({"+12025550122"})
