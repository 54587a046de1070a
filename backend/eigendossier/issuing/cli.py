import click
from flask.cli import AppGroup

from eigendossier.core.errors import DomainError
from eigendossier.issuing import service

group = AppGroup("issuing", help="Issuer keys of institutions.")


@group.command("create-key")
@click.argument("institution")
@click.option("--base-url", help="Public address of this installation, fixed in the issuer's "
                                 "did:web on its first key (default: config ISSUING_BASE_URL).")
def create_key_command(institution, base_url):
    """Create a new signing key for an institution (by slug); it signs from now on, and
    earlier keys stay published so what they signed keeps verifying."""
    try:
        key = service.create_key(institution, base_url)
    except DomainError as error:
        raise click.ClickException(f"{error.title}: {error.detail or ''}".strip(": ")) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base-url") from None
    click.echo(f"{key.profile.did}#{key.fragment} {key.public_multikey}")
    if key.number == 1 and key.profile.base_url == service.DEFAULT_BASE_URL:
        click.echo(f"note: no ISSUING_BASE_URL configured; the issuer lives at "
                   f"{service.DEFAULT_BASE_URL}", err=True)
