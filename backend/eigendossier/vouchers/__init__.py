"""Alumni LLO vouchers: one module of choice within five years of graduating."""
