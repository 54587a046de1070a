from importlib.metadata import version

from flask import current_app, url_for

# Feature names, in the order of the PWA's bottom navigation; each domain adds its own
# name to app.config["FEATURES"] when it is wired in create_app.
TAB_ORDER = ("dossier", "route", "schedule", "vouchers", "notifications")


def meta() -> dict:
    enabled = current_app.config["FEATURES"]
    providers = current_app.config.get("OIDC_PROVIDERS") or {}
    return {
        "version": version("eigendossier"),
        "features": [name for name in TAB_ORDER if name in enabled],
        "oidc_providers": [
            {
                "name": name,
                "label": settings.get("label", name),
                "login_url": url_for("oidc.login", provider=name),
            }
            for name, settings in providers.items()
        ],
    }
