"""Conformance tests run against third-party vectors kept outside the repository.

Without the vectors each module here is one skipped test saying why (a clone alone passes
``make test``), or one failed test when EIGENDOSSIER_TEST_REQUIRE_SERVICES is set (CI has them
beside the clone): the modules are not even imported, as they list the vectors when loaded.

Conformance tests must never reach the network: any socket connection fails the test."""

import os
import socket

import pytest

from .support import VECTORS

MISSING = (f"the conformance vectors are not there: {VECTORS} (clone shared/ beside the "
           "repository, or set EIGENDOSSIER_TEST_VECTORS)")


def pytest_pycollect_makemodule(module_path, parent):
    if module_path.name.startswith("test_") and not VECTORS.is_dir():
        return WithoutVectors.from_parent(parent, path=module_path)
    return None


class WithoutVectors(pytest.File):
    """A test module whose vectors are missing: one test that skips, or fails in CI."""

    def collect(self):
        item = VectorsMissing.from_parent(self, name="vectors")
        if not os.environ.get("EIGENDOSSIER_TEST_REQUIRE_SERVICES"):
            item.add_marker(pytest.mark.skip(reason=MISSING))
        yield item


class VectorsMissing(pytest.Item):
    def runtest(self):
        pytest.fail(MISSING, pytrace=False)

    def reportinfo(self):
        return self.path, 0, f"{self.path.name}: {MISSING}"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("conformance tests must not open network connections")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
