"""The app's small departures from Flask's per-request work."""
from eigendossier.core.extensions import EigenFlask


def test_sync_functions_are_run_as_they_are_and_coroutines_are_wrapped_every_time():
    app = EigenFlask(__name__)
    wrapped = []
    app.async_to_sync = lambda func: wrapped.append(func) or "wrapped"

    def hook(response):
        return response

    async def async_hook(response):
        return response

    class View:
        def get(self):
            return "ok"

    for _ in range(2):  # the second time from what was kept
        assert app.ensure_sync(hook) is hook
        assert app.ensure_sync(async_hook) == "wrapped"
        method = View().get  # a new bound method each time, as MethodView makes them
        assert app.ensure_sync(method) is method
    assert wrapped == [async_hook, async_hook]
