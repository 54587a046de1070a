import json
import sys

import click
import yaml
from flask.cli import AppGroup

from eigendossier.catalog import service
from eigendossier.core.errors import DomainError

group = AppGroup("catalog", help="Import and export the catalogue.")


@group.command("import")
@click.option("--institution", "institution_slug",
              help="Import as this institution's staff: refuse anything of another's.")
@click.argument("file", type=click.File("rb"))
def import_command(file, institution_slug):
    """Import a catalogue document (YAML or JSON), all or nothing."""
    only = None
    if institution_slug:
        only = service.institution_by_slug(institution_slug)
        if only is None:
            raise click.BadParameter(f"no institution {institution_slug!r}",
                                     param_hint="--institution")
    try:
        report = service.import_catalog(file.read(), only_institution=only)
    except DomainError as error:
        for field, messages in (error.errors or {}).items():
            for message in messages:
                click.echo(f"{file.name}: {message} ({field})", err=True)
        raise click.ClickException(f"{error.title}. {error.detail}") from None
    click.echo(f"created {report.created}; updated {report.updated}")


@group.command("export")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml")
def export_command(fmt):
    """Write the whole catalogue to standard output."""
    document = service.export_catalog()
    if fmt == "json":
        json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    else:
        yaml.safe_dump(document, sys.stdout, allow_unicode=True, sort_keys=False, width=100)
