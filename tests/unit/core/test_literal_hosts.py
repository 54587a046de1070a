"""Hosts refused when a URL is stored for later (push endpoints), before any DNS lookup."""
import pytest

from eigendossier.core.outbound import Policy, literal_host_refused


@pytest.mark.parametrize("host", [
    "127.0.0.1", "localhost", "LOCALHOST.", "app.localhost", "::1", "[::1]", "0.0.0.0",  # noqa: S104 - a host under test
    "10.0.0.1", "192.168.1.1", "169.254.169.254", "2130706433", "0177.0.0.1", "0x7f.1",
    "::ffff:127.0.0.1", "fe80::1%eth0",
])
def test_private_and_loopback_forms_are_refused(host):
    assert literal_host_refused(host, Policy())


@pytest.mark.parametrize("host", ["fcm.googleapis.com", "updates.push.services.mozilla.com",
                                  "8.8.8.8", "2001:4860:4860::8888"])
def test_public_hosts_and_names_pass(host):
    assert not literal_host_refused(host, Policy())


def test_tests_may_allow_private_addresses():
    assert not literal_host_refused("127.0.0.1", Policy(allow_private=True))
    assert not literal_host_refused("10.1.2.3", Policy(allowed_networks=("10.1.2.0/24",)))
