"""Serves the PWA, the meta endpoint, security headers and CSRF protection."""
