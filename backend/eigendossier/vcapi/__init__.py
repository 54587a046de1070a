"""The W3C VC-API under /vc-api: verifying credentials and presentations for other software,
and issuing for an institution's own systems (OAuth 2.0 client credentials)."""
