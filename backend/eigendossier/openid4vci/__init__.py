"""OpenID for Verifiable Credential Issuance 1.0: institutions offer their awards to any
wallet (issuer), and the learner's dossier receives offers from any issuer (wallet)."""
