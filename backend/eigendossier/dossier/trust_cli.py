import json
from pathlib import Path

import click
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from flask import current_app
from flask.cli import AppGroup

from eigendossier.credentials import FetchError
from eigendossier.dossier import trust

group = AppGroup("issuers", help="The signed list of trusted issuers.")


@group.command("sign-list")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "key_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Ed25519 private key, PEM (e.g. openssl genpkey -algorithm ed25519).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the signed list (TRUSTED_ISSUERS_LIST).")
def sign_list_command(source: Path, key_file: Path, out: Path):
    """Sign a list of trusted issuers (JSON) with a key file; prints the public key to set
    as TRUSTED_ISSUERS_PUBLIC_KEY."""
    try:
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        document = json.loads(source.read_text(encoding="utf-8"))
    except (ValueError, TypeError) as error:
        raise click.ClickException(f"cannot read the key or the list: {error}") from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise click.ClickException("the key is not an Ed25519 private key")
    try:
        token = trust.sign_list(document, key)
    except trust.ListRefused as error:
        raise click.ClickException(str(error)) from None
    out.write_text(token + "\n", encoding="utf-8")
    click.echo(f"signed {len(document['issuers'])} issuers into {out}")
    click.echo(f"TRUSTED_ISSUERS_PUBLIC_KEY = \"{trust.public_key_text(key)}\"")


@group.command("fetch-list")
def fetch_list_command():
    """Fetch the list from TRUSTED_ISSUERS_URL and keep it as TRUSTED_ISSUERS_LIST when its
    signature and expiry hold (run from cron; a refused list leaves the kept one)."""
    try:
        found = trust.fetch_list(current_app)
    except (trust.ListRefused, FetchError) as error:
        raise click.ClickException(f"list not taken: {error}") from None
    click.echo(f"{found.name}: {len(set(found.by_did.values()) | set(found.by_origin.values()))} "
               f"issuers, valid until {found.expires.date().isoformat()}")
