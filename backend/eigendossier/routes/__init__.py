"""Learning routes: personas and preferences, planned routes, enrolment, the schedule."""
