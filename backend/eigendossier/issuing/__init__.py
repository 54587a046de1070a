"""Issuing: institutions' issuer profiles and Ed25519 keys (did:web), achievements from the
catalogue's blocks, signed Open Badges 3.0 credentials, and Bitstring Status List revocation."""
