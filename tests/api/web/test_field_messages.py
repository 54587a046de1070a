"""Field errors come in the learner's language, whichever marshmallow rule refused the input:
a missing field, an unknown one, a wrong type, a length, a choice, a range."""
import pytest

from tests.support import assert_problem

BAD_SIGN_UP = {"email": "geen-adres", "password": "kort", "locale": "fr", "extra": 1}


@pytest.mark.parametrize(("language", "expected"), [
    ("nl", {"email": "Geen geldig e-mailadres.", "password": "Tussen 10 en 256 tekens.",
            "display_name": "Dit veld is verplicht.", "locale": "Kies een van: nl, en.",
            "extra": "Dit veld wordt niet verwacht."}),
    ("en", {"email": "Not a valid email address.", "password": "Between 10 and 256 characters.",
            "display_name": "This field is required.", "locale": "Choose one of: nl, en.",
            "extra": "This field is not expected."}),
])
def test_sign_up_errors_in_the_learners_language(client, language, expected):
    response = client.post("/api/v1/accounts", json=BAD_SIGN_UP,
                           headers={"Accept-Language": language})
    errors = assert_problem(response, 422)["errors"]
    assert {field: messages[0] for field, messages in errors.items()} == expected


def test_a_range_is_explained_in_dutch(client, learner):
    response = client.get("/api/v1/notifications?limit=500")
    errors = assert_problem(response, 422)["errors"]
    assert errors["limit"] == ["Tussen 1 en 100."]
