"""Notifications: push subscriptions, reminders claimed exactly once, the in-app inbox, jobs."""
