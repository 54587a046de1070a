"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from eigendossier.core.extensions import db
from tests.conftest import make_app

pytestmark = pytest.mark.both_databases


def test_migrations_match_the_models(empty_database_url, tmp_path):
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_a_runs_seat_count_moves_into_its_seat_shards_and_back(empty_database_url, tmp_path):
    """0018_seats: a run with 5 of its 16 seats taken (one enrolment in the database) has
    shards that add up to 16 seats, 5 taken, none over, and keeps its enrolment; going back
    down gives the run its count again."""
    from flask_migrate import downgrade

    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(revision="0012_alerts")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO institution (id, slug, name, url, created_at) "
                              "VALUES (1, 'tcr', 'TCR', '', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO qualification (id, institution_id, crebo, name_nl, name_en, level, "
                "description_nl, description_en) VALUES (1, 1, '25655', 'T', 'T', 3, '', '')"))
            conn.execute(text(
                "INSERT INTO block (id, qualification_id, code, name_nl, name_en, ec, hours, "
                "position, learning_outcomes, exempting_achievements) "
                "VALUES (1, 1, 'B', 'B', 'B', 3, 84, 1, '[]', '[]')"))
            conn.execute(text(
                "INSERT INTO run (id, block_id, institution_id, code, start_date, end_date, "
                "time_of_day, weekdays, starts_at, ends_at, location_kind, address, "
                "learning_form, seats_total, seats_taken) VALUES (7, 1, 1, 'R', '2099-01-05', "
                "'2099-02-05', 'evening', '[]', '19:00', '22:00', 'school', '', 'physical', "
                "16, 5)"))
            conn.execute(text("INSERT INTO account (id, email, display_name, locale, time_zone, "
                              "role, created_at) VALUES (1, 'a@example.nl', 'A', 'nl', "
                              "'Europe/Amsterdam', 'learner', '2026-01-01')"))
            conn.execute(text("INSERT INTO enrolment (account_id, run_id, status, created_at) "
                              "VALUES (1, 7, 'enrolled', '2026-01-01')"))
        upgrade(revision="0018_seats")
        with db.engine.connect() as conn:
            shards = conn.execute(text("SELECT seats, taken FROM run_seat_shard "
                                       "WHERE run_id = 7")).all()
            assert conn.execute(text("SELECT count(*) FROM enrolment")).scalar() == 1
        assert len(shards) == 8
        assert (sum(s for s, _ in shards), sum(t for _, t in shards)) == (16, 5)
        assert all(0 <= t <= s for s, t in shards)
        downgrade(revision="0012_alerts")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT seats_taken FROM run WHERE id = 7")).scalar() == 5
        db.engine.dispose()
