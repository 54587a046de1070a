import json
import sys

import click
import yaml
from flask.cli import AppGroup

from eigendossier.catalog import service
from eigendossier.core.errors import DomainError

group = AppGroup("catalog", help="Import and export the catalogue.")


@group.command("import")
@click.argument("file", type=click.File("rb"))
def import_command(file):
    """Import a catalogue document (YAML or JSON), all or nothing."""
    try:
        report = service.import_catalog(file.read())
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
