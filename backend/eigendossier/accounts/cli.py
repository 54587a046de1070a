import click
from flask.cli import AppGroup

from eigendossier.accounts import service
from eigendossier.core.errors import DomainError

group = AppGroup("accounts", help="Manage accounts.")


@group.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--role", type=click.Choice(["issuer", "admin"]), default="issuer", show_default=True)
@click.option("--institution", "institution_slug", help="Slug of the staff member's institution.")
@click.option("--institution-admin", is_flag=True,
              help="The issuer also manages the institution's keys, API clients and staff.")
@click.password_option(envvar="EIGENDOSSIER_STAFF_PASSWORD", help="Asked for when not given.")
def create_staff(email, display_name, role, institution_slug, institution_admin, password):
    """Create an institution staff account (issuer) or an admin."""
    if role == "issuer" and not institution_slug:
        raise click.UsageError("an issuer belongs to an institution: give --institution")
    try:
        account = service.create_staff(email, password, display_name, role, institution_slug,
                                       institution_admin=institution_admin)
    except DomainError as error:
        raise click.ClickException(f"{error.title}: {error.detail or ''}".strip(": ")) from None
    click.echo(f"created {account.role} account {account.id}")
