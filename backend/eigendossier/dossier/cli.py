import click
from flask.cli import AppGroup

from eigendossier.dossier import service

group = AppGroup("dossier", help="Learners' dossiers: verify again, re-encrypt.")


@group.command("reverify")
@click.option("--older-than", "hours", type=float, default=None,
              help="Age in hours of results to check again "
                   "(default: config DOSSIER_REVERIFY_AFTER_HOURS).")
def reverify_command(hours):
    """Verify again every credential whose latest result is older than the given age."""
    done = service.reverify_stale(hours)
    click.echo(f"checked {done['checked']}; status changed {done['changed']}; "
               f"errors {done['errors']}")
    if done["errors"]:
        raise SystemExit(1)


@group.command("reencrypt")
def reencrypt_command():
    """Seal every stored payload again with the current key (after adding a new key).

    Kept for scripts: `flask privacy rotate-key --resume` does this and retires old keys."""
    click.echo(f"re-encrypted {service.reencrypt()} payloads")
