"""The client's IP address as stored (core.clients.client_ip, client_ip_to_store): the
address of core.clients.client_address, None when there is none or when
STORE_IP_ADDRESS is off."""

from django.test import RequestFactory

from core.clients import client_ip, client_ip_to_store


def _request(remote_addr: str, **meta):
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **meta)


def test_it_gives_the_client_address_or_none(settings):
    settings.TRUSTED_PROXIES = ("10.0.0.5", "unix")

    assert client_ip(_request("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request("10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1")) == "198.51.100.1"
    assert client_ip(_request("")) is None  # a unix socket with no forwarded address
    assert client_ip(_request("not-an-address")) is None


def test_it_stores_an_address_only_when_configured(settings):
    settings.TRUSTED_PROXIES = ()
    settings.STORE_IP_ADDRESS = False
    assert client_ip_to_store(_request("203.0.113.7")) is None

    settings.STORE_IP_ADDRESS = True
    assert client_ip_to_store(_request("203.0.113.7")) == "203.0.113.7"
    assert client_ip_to_store(_request("")) is None
