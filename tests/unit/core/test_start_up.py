"""What the start leaves for the requests that follow."""
import gc

from tests.conftest import make_app


def test_a_served_app_keeps_its_start_up_objects_out_of_full_collections(tmp_path):
    """A gunicorn worker's first full collection walked every object its start made, about
    100 ms of CPU in one request a few dozen in. A served app freezes them, so that full
    collections walk only what requests made since; an app made for a test does not, or
    every test's app would stay in memory to the end of the run (this test keeps one)."""
    url = f"sqlite:///{tmp_path / 'start.db'}"
    apps = [make_app(url, tmp_path, NOTIFICATIONS_INPROCESS_TICK=False)]
    assert len(gc.get_objects()) > 10_000
    apps.append(make_app(url, tmp_path, TESTING=False, NOTIFICATIONS_INPROCESS_TICK=False))
    assert len(gc.get_objects()) < 1_000  # what a full collection walks
    assert [app.testing for app in apps] == [True, False]
