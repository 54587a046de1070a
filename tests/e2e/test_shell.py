"""The service worker precaches exactly the files of the app shell."""
import re

import pytest

from tests.e2e.conftest import PWA_DIR

pytestmark = pytest.mark.e2e

# Files of pwa/ that are not part of the cached shell.
NOT_SHELL = {"index.html", "sw.js", "icons/make_icons.py", "vendor/README.md"}


def test_sw_precaches_every_shell_file():
    source = (PWA_DIR / "sw.js").read_text()
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S).group(1)
    listed = set(re.findall(r"'([^']+)'", block))
    on_disk = {
        "/" + path.relative_to(PWA_DIR).as_posix()
        for path in PWA_DIR.rglob("*")
        if path.is_file()
        and path.relative_to(PWA_DIR).as_posix() not in NOT_SHELL
        and not path.name.startswith("LICENSE")
    }
    assert "/" in listed  # the shell itself (index.html, served at /)
    assert listed - {"/"} == on_disk, "update SHELL in pwa/sw.js (and bump VERSION)"
    assert re.search(r"const VERSION = '[^']+';", source)
