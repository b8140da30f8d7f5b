"""The client's address behind the deployment's own proxies (TrustedProxyMiddleware): the
per-address limits must count clients, and a forged X-Forwarded-For must change nothing."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from medhome.core.middleware import TrustedProxyMiddleware


def seen(proxies: list[str], peer: str, forwarded: str | None = None) -> str:
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    addresses = []

    def view(request):
        addresses.append(request.META["REMOTE_ADDR"])
        return HttpResponse()

    with override_settings(MEDHOME_TRUSTED_PROXIES=proxies):
        TrustedProxyMiddleware(view)(RequestFactory().get("/", **headers))
    return addresses[0]


def test_without_trusted_proxies_the_header_is_never_read():
    assert seen([], "203.0.113.9", "198.51.100.1") == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_added():
    assert seen(["127.0.0.1"], "127.0.0.1", "198.51.100.7") == "198.51.100.7"


def test_entries_left_of_the_proxys_own_are_the_clients_to_forge():
    # The client sent "X-Forwarded-For: 10.0.0.1"; nginx appended the address it saw.
    assert seen(["127.0.0.1"], "127.0.0.1", "10.0.0.1, 198.51.100.7") == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_past():
    proxies = ["127.0.0.1", "10.20.0.0/16"]
    assert seen(proxies, "127.0.0.1", "198.51.100.7, 10.20.3.4") == "198.51.100.7"


def test_a_request_from_elsewhere_keeps_its_own_address():
    assert seen(["127.0.0.1"], "203.0.113.9", "198.51.100.7") == "203.0.113.9"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", "127.0.0.1", None])
def test_a_missing_or_useless_header_leaves_the_proxys_address(forwarded):
    assert seen(["127.0.0.1"], "127.0.0.1", forwarded) == "127.0.0.1"


def test_ipv6_networks_are_understood():
    assert seen(["::1", "fd00::/8"], "::1", "2001:db8::5, fd00::2") == "2001:db8::5"
