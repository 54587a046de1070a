"""The embedded SQLite database holds every learner's data: only its owner may read it, like
the key files beside it in instance/."""
import os
import stat

from sqlalchemy import text

from eigendossier.core.extensions import db
from tests.conftest import make_app


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_embedded_database_is_created_readable_by_its_owner_only(tmp_path):
    old_umask = os.umask(0o022)  # the usual umask, under which SQLite makes files 0644
    try:
        app = make_app("", tmp_path)  # no DATABASE_URL: instance/eigendossier.db
        with app.app_context():
            db.create_all()
            with db.engine.begin() as conn:
                conn.execute(text("PRAGMA journal_mode=WAL"))
                conn.execute(text("CREATE TABLE note (body TEXT)"))
                conn.execute(text("INSERT INTO note VALUES ('Sanne')"))
            database = tmp_path / "instance" / "eigendossier.db"
            wal = tmp_path / "instance" / "eigendossier.db-wal"
            assert mode(database) == 0o600
            assert mode(wal) == 0o600, "SQLite gives its WAL the database file's mode"
            db.engine.dispose()
    finally:
        os.umask(old_umask)


def test_a_configured_sqlite_file_elsewhere_is_private_too_and_existing_ones_are_left(
        tmp_path):
    elsewhere = tmp_path / "data" / "dossier.db"
    app = make_app(f"sqlite:///{elsewhere}", tmp_path)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    assert mode(elsewhere) == 0o600

    shared = tmp_path / "shared.db"
    shared.touch(mode=0o640)
    shared.chmod(0o640)  # an operator's choice (a backup group) is theirs
    make_app(f"sqlite:///{shared}", tmp_path)
    assert mode(shared) == 0o640
