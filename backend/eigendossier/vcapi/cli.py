import click
from flask.cli import AppGroup

from eigendossier.core.errors import DomainError
from eigendossier.vcapi import oauth

api_client = AppGroup("api-client", help="OAuth clients that issue through the VC-API.")


@api_client.command("create")
@click.argument("institution")
def create_command(institution):
    """Create a client for an institution (by slug). Its secret is shown once: keep it in
    the institution's system; only its hash is stored."""
    try:
        client, secret = oauth.create_client(institution)
    except DomainError as error:
        raise click.ClickException(f"{error.title}: {error.detail or ''}".strip(": ")) from None
    click.echo(f"client_id: {client.client_id}")
    click.echo(f"client_secret: {secret}")


@api_client.command("revoke")
@click.argument("client_id")
def revoke_command(client_id):
    """Stop a client (e.g. a leaked secret): its tokens stop working at once."""
    try:
        client = oauth.revoke_client(client_id)
    except DomainError as error:
        raise click.ClickException(f"{error.title}: {error.detail or ''}".strip(": ")) from None
    click.echo(f"revoked: {client.client_id}")
