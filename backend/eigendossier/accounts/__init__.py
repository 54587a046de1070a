"""Accounts: learners and staff, passwords, sessions, OpenID Connect identities."""
