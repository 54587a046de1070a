"""OpenID for Verifiable Presentations 1.0: the employer asks (verifier), the learner answers
(wallet)."""
