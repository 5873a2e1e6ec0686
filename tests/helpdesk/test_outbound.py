"""The outbound guard: which URLs the product may call, and that requests go where was checked."""

import pytest

from helpdesk import outbound
from helpdesk.outbound import OutboundRefused, check_url
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_dns(monkeypatch):
    """``fake_dns["name.test"] = ["10.0.0.5"]``: names resolve to what the test says; IP literals
    and every other name resolve for real (no network needed for literals)."""
    table: dict[str, list[str]] = {}
    real_resolve = outbound.resolve

    def resolve(host, port):
        if host in table:
            return sorted(table[host])
        return real_resolve(host, port)

    monkeypatch.setattr(outbound, "resolve", resolve)
    return table


def organization(allowed=()):
    return OrganizationFactory(allowed_outbound_hosts=list(allowed))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "gopher://example.com/",
        "javascript:alert(1)",
        "//93.184.216.34/",
    ],
)
def test_only_http_and_https_are_allowed(url):
    with pytest.raises(OutboundRefused, match="http and https"):
        check_url(url)


@pytest.mark.parametrize("url", ["http://user:pass@93.184.216.34/", "https://token@93.184.216.34/hook"])
def test_credentials_in_the_url_are_refused(url):
    with pytest.raises(OutboundRefused, match="credentials"):
        check_url(url)


@pytest.mark.parametrize("url", ["http:///path", "https://"])
def test_a_url_without_host_is_refused(url):
    with pytest.raises(OutboundRefused, match="no host"):
        check_url(url)


@pytest.mark.parametrize("url", ["http://[::1/", "https://example.com]/"])
def test_a_url_that_does_not_parse_is_refused(url):
    with pytest.raises(OutboundRefused, match="not valid"):
        check_url(url)


def test_an_invalid_port_is_refused():
    with pytest.raises(OutboundRefused, match="port"):
        check_url("http://93.184.216.34:99999/")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3:8000/",
        "http://0.0.0.0/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[::1]:8080/hook",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[::]/",
        "http://localhost:9000/",
    ],
)
def test_internal_addresses_are_refused(url):
    with pytest.raises(OutboundRefused, match="internal address"):
        check_url(url, organization=organization())


@pytest.mark.parametrize("url", ["http://93.184.216.34/", "https://[2606:4700:4700::1111]/dns-query"])
def test_public_addresses_are_allowed(url):
    checked = check_url(url, organization=organization())

    assert checked.url == url
    assert len(checked.addresses) == 1


def test_a_hostname_resolving_to_loopback_is_refused(fake_dns):
    fake_dns["hooks.example.test"] = ["127.0.0.1"]

    with pytest.raises(OutboundRefused, match="127.0.0.1"):
        check_url("https://hooks.example.test/in", organization=organization())


def test_a_hostname_with_one_internal_address_among_public_ones_is_refused(fake_dns):
    fake_dns["mixed.example.test"] = ["93.184.216.34", "10.1.2.3"]

    with pytest.raises(OutboundRefused, match="10.1.2.3"):
        check_url("https://mixed.example.test/", organization=organization())


def test_metadata_host_names_are_refused_whatever_they_resolve_to(fake_dns):
    fake_dns["metadata.google.internal"] = ["93.184.216.34"]

    with pytest.raises(OutboundRefused):
        check_url("http://metadata.google.internal/computeMetadata/v1/", organization=organization())


def test_an_unresolvable_host_is_refused(monkeypatch):
    import socket

    def no_such_host(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(outbound.socket, "getaddrinfo", no_such_host)

    with pytest.raises(OutboundRefused, match="Cannot resolve"):
        check_url("https://nowhere.invalid/")


def test_a_cidr_allow_list_entry_allows_addresses_inside_it_only():
    org = organization(["10.0.0.0/8", "fd00::/8"])

    assert check_url("http://10.20.30.40/", organization=org).addresses == ("10.20.30.40",)
    assert check_url("http://[fd12::5]/", organization=org).addresses == ("fd12::5",)
    with pytest.raises(OutboundRefused):
        check_url("http://192.168.0.1/", organization=org)
    with pytest.raises(OutboundRefused):
        check_url("http://127.0.0.1/", organization=org)


def test_a_single_address_allow_list_entry():
    org = organization(["127.0.0.1", "::1"])

    assert check_url("http://127.0.0.1:8080/", organization=org).port == 8080
    assert check_url("http://[::1]/", organization=org).addresses == ("::1",)
    with pytest.raises(OutboundRefused):
        check_url("http://127.0.0.2/", organization=org)


def test_a_hostname_allow_list_entry_allows_that_name_only(fake_dns):
    fake_dns["ci.internal.test"] = ["10.0.0.5"]
    fake_dns["other.internal.test"] = ["10.0.0.5"]
    org = organization(["CI.internal.test"])

    assert check_url("https://ci.internal.test/hook", organization=org).host == "ci.internal.test"
    with pytest.raises(OutboundRefused):
        check_url("https://other.internal.test/hook", organization=org)


def test_the_allow_list_of_another_organization_does_not_apply():
    organization(["10.0.0.0/8"])

    with pytest.raises(OutboundRefused):
        check_url("http://10.0.0.1/", organization=organization())


def test_the_server_wide_allow_list_applies_to_every_organization(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["10.9.0.0/16"]

    assert check_url("http://10.9.1.1/", organization=organization()).host == "10.9.1.1"
    assert check_url("http://10.9.1.1/").host == "10.9.1.1"


def test_request_refuses_before_connecting(webhook_receiver):
    with pytest.raises(OutboundRefused):
        outbound.request("POST", webhook_receiver.url, organization=organization(), content=b"{}")

    assert webhook_receiver.requests == []


def test_request_connects_to_the_checked_address_and_keeps_the_host_name(fake_dns, webhook_receiver):
    # The name resolves only through the guard's resolver: reaching the receiver proves the
    # connection used the checked address instead of resolving the name a second time.
    fake_dns["hooks.example.test"] = ["127.0.0.1"]
    url = f"http://hooks.example.test:{webhook_receiver.port}/in"

    response = outbound.request("POST", url, organization=organization(["127.0.0.1"]), content=b"ping")

    assert response.status_code == 200
    received = webhook_receiver.requests[0]
    assert received.header("Host") == f"hooks.example.test:{webhook_receiver.port}"
    assert received.path == "/in"
    assert received.body == b"ping"


def test_request_does_not_follow_redirects(webhook_receiver):
    webhook_receiver.statuses = [302]

    response = outbound.request("GET", webhook_receiver.url, organization=organization(["127.0.0.1"]))

    assert response.status_code == 302
    assert len(webhook_receiver.requests) == 1
