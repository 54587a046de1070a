"""DCQL (OpenID4VP 1.0, section 6) read strictly and matched against credentials: the
specification's own examples as fixtures, adapted only where they name mdoc or SD-JWT
formats that a W3C wallet does not hold."""
import pytest

from eigendossier.openid4vp import dcql

BADGE = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "credentialSubject": {"achievement": {"name": "Veilig werken met elektriciteit",
                                          "achievementType": "Competency"},
                          "result": [{"value": "8"}, {"value": "9"}]},
}
# Section 6.4.1's example with credential_sets, in W3C formats.
SETS = {
    "credentials": [
        {"id": "pid", "format": "ldp_vc", "meta": {"type_values": [["PersonCredential"]]}},
        {"id": "badge", "format": "ldp_vc", "meta": {"type_values": [["OpenBadgeCredential"]]},
         "claims": [{"id": "name", "path": ["credentialSubject", "achievement", "name"]},
                    {"id": "kind", "path": ["credentialSubject", "achievement",
                                            "achievementType"], "values": ["Competency"]}],
         "claim_sets": [["name", "kind"], ["name"]]},
        {"id": "badge_jwt", "format": "jwt_vc_json",
         "meta": {"type_values": [["OpenBadgeCredential"]]}},
    ],
    "credential_sets": [
        {"options": [["badge"], ["badge_jwt"]]},
        {"options": [["pid"]], "required": False},
    ],
}


def test_the_specifications_example_reads():
    query = dcql.parse_query(SETS)
    assert [c.id for c in query.credentials] == ["pid", "badge", "badge_jwt"]
    assert query.by_id("badge").claim_sets == (("name", "kind"), ("name",))
    assert query.credential_sets[1].required is False


def test_a_credential_matches_by_format_type_and_claims():
    query = dcql.parse_query(SETS)
    assert dcql.matches(query.by_id("badge"), "ldp_vc", BADGE)
    assert not dcql.matches(query.by_id("badge"), "jwt_vc_json", BADGE)
    assert dcql.matches(query.by_id("badge_jwt"), "jwt_vc_json", BADGE)
    assert not dcql.matches(query.by_id("pid"), "ldp_vc", BADGE)


def test_a_value_is_matched_exactly_and_by_type():
    named = dcql.parse_query(dcql.employer_query("Veilig werken met elektriciteit"))
    assert dcql.matches(named.credentials[0], "ldp_vc", BADGE)
    other = dcql.parse_query(dcql.employer_query("Lassen"))
    assert not dcql.matches(other.credentials[0], "ldp_vc", BADGE)
    numbers = dcql.parse_query({"credentials": [{
        "id": "x", "format": "ldp_vc", "meta": {"type_values": [["OpenBadgeCredential"]]},
        "claims": [{"path": ["credentialSubject", "result", None, "value"], "values": [8]}]}]})
    assert not dcql.matches(numbers.credentials[0], "ldp_vc", BADGE)  # "8" is not 8


def test_paths_select_names_indexes_and_every_element():
    assert dcql.select(BADGE, ("credentialSubject", "result", None, "value")) == ["8", "9"]
    assert dcql.select(BADGE, ("credentialSubject", "result", 1, "value")) == ["9"]
    assert dcql.select(BADGE, ("credentialSubject", "missing")) == []


def test_credential_sets_say_what_satisfies_the_query():
    query = dcql.parse_query(SETS)
    assert dcql.satisfied(query, {"badge"})
    assert dcql.satisfied(query, {"badge_jwt"})
    assert not dcql.satisfied(query, {"pid"})
    plain = dcql.parse_query({"credentials": SETS["credentials"][1:]})
    assert not dcql.satisfied(plain, {"badge"})
    assert dcql.satisfied(plain, {"badge", "badge_jwt"})


@pytest.mark.parametrize("query", [
    None, [], {}, {"credentials": []},
    {"credentials": [{"id": "a", "format": "mso_mdoc", "meta": {"doctype_value": "x"}}]},
    {"credentials": [{"id": "a b", "format": "ldp_vc", "meta": {"type_values": [["X"]]}}]},
    {"credentials": [{"id": "a", "format": "ldp_vc"}]},
    {"credentials": [{"id": "a", "format": "ldp_vc", "meta": {}}]},
    {"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"type_values": [["X"]]},
                      "trusted_authorities": [{"type": "aki", "values": ["x"]}]}]},
    {"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"type_values": [["X"]]},
                      "claims": [{"path": []}]}]},
    {"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"type_values": [["X"]]},
                      "claims": [{"path": ["a", -1]}]}]},
    {"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"type_values": [["X"]]},
                      "claims": [{"path": ["a"], "values": [{"nested": 1}]}]}]},
    {"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"type_values": [["X"]]}},
                     {"id": "a", "format": "ldp_vc", "meta": {"type_values": [["X"]]}}]},
    {"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"type_values": [["X"]]}}],
     "credential_sets": [{"options": [["b"]]}]},
    {"credentials": [{"id": "a", "format": "ldp_vc", "meta": {"type_values": [["X"]]}}],
     "unknown": True},
], ids=["null", "list", "empty", "no-credentials", "mdoc", "bad-id", "no-meta",
        "no-type-values", "trusted-authorities", "empty-path", "negative-index",
        "object-value", "duplicate-id", "unknown-set-id", "unknown-member"])
def test_a_query_we_cannot_honour_is_refused(query):
    with pytest.raises(dcql.QueryRefused):
        dcql.parse_query(query)
