"""`pip install .` gives a working app, not only `pip install -e .`: the wheel carries the
folders the app reads at run time, and an app started from the wheel alone (no source
checkout on the path) migrates its database and serves the PWA."""
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

# Builds a wheel and installs it into a virtualenv of its own.
pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a clean copy, as a clone is: setuptools reuses a build/ folder it finds in the
    # source tree, and the compiled catalogues (*.mo) are not checked in.
    source = out / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "instance", "*.egg-info", "__pycache__", ".*_cache", "*.mo"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                    "--no-build-isolation", "--quiet", "--wheel-dir", str(out)],
                   check=True, cwd=out, capture_output=True)
    return next(out.glob("eigendossier-*.whl"))


def test_the_wheel_carries_config_migrations_pwa_and_schemas(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("config/default.toml", "migrations/env.py", "pwa/index.html",
                   "pwa/manifest.webmanifest", "schemas/catalog.schema.json"):
        assert f"eigendossier/_bundled/{needed}" in names, needed
    assert "eigendossier/translations/nl/LC_MESSAGES/messages.mo" in names
    # the fonts every printed PDF embeds (voucher letters, the printable dossier)
    assert "eigendossier/core/fonts/DejaVuSans.ttf" in names
    assert "eigendossier/core/fonts/DejaVuSans-Bold.ttf" in names


def test_an_app_from_the_wheel_alone_migrates_and_serves_the_pwa(wheel, tmp_path):
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # -S: no site-packages processing, so the editable install of the checkout is not seen;
    # the dependencies come from this environment's site-packages, eigendossier from the wheel.
    script = textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(unpacked)!r}, {sysconfig.get_paths()["purelib"]!r}]
        import eigendossier
        assert eigendossier.__file__.startswith({str(unpacked)!r}), eigendossier.__file__
        from flask_migrate import upgrade
        app = eigendossier.create_app({{"INSTANCE_PATH": {str(tmp_path / "instance")!r},
                                        "DEMO_DATA": False, "SECRET_KEY": "x"}})
        with app.app_context():
            upgrade()
        client = app.test_client()
        page = client.get("/")
        assert page.status_code == 200 and b"Eigen Dossier" in page.data, page.status_code
        # the catalogues were compiled into the wheel: a refusal comes in Dutch
        refused = client.get("/api/v1/no-such-thing", headers={{"Accept-Language": "nl"}})
        assert refused.json["title"] == "Niet gevonden", refused.json
        print("served")
    """)
    result = subprocess.run([sys.executable, "-S", "-c", script], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "served" in result.stdout
    assert (tmp_path / "instance" / "eigendossier.db").exists()
