"""Privacy: encryption at rest (later also export, erase and the audit log)."""
