"""The learner's dossier: imported credentials with their verification, and self-declared
experience items."""
