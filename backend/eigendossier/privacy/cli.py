import click
from flask.cli import AppGroup

from eigendossier.core import rotation

group = AppGroup("privacy", help="Privacy: the encryption-at-rest keys.")


@group.command("rotate-key")
@click.option("--resume", is_flag=True,
              help="Continue a rotation (also after adding a configured key): no new key.")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Rows sealed again per transaction.")
@click.option("--max-batches", type=click.IntRange(min=1), default=None,
              help="Stop after this many batches; run again with --resume to go on.")
def rotate_key_command(resume, batch_size, max_batches):
    """Seal everything with a new key, then retire the old keys no row uses.

    Safe to interrupt: every batch is committed, and running with --resume continues."""
    try:
        state = rotation.status()
        if state.old_keys:
            click.echo(f"A rotation to key {state.current} is in progress "
                       f"(old keys: {', '.join(state.old_keys)}): continuing it.")
        elif resume:
            click.echo(f"No rotation in progress: key {state.current} is the only key.")
        else:
            click.echo(f"New key {rotation.start()} is now current "
                       f"(the old key {state.current} is kept until nothing uses it).")
        resealed, finished = rotation.reseal(batch_size, max_batches, _progress)
    except rotation.RotationRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Sealed {resealed} rows again with key {rotation.status().current}.")
    if not finished:
        click.echo(f"Stopped after {max_batches} batches; the old keys stay. "
                   "Run `flask privacy rotate-key --resume` to continue.")
        return
    _retire()


def _progress(store: str, done: int, todo: int) -> None:
    click.echo(f"  {store}: {done}/{todo}")


def _retire() -> None:
    state = rotation.status()
    busy = [key_id for key_id in state.old_keys if state.rows(key_id)]
    retired = rotation.retire()
    if retired and state.configured:
        click.echo(f"No row uses key {', '.join(retired)} any more: remove it from "
                   "ENCRYPTION_KEYS in the config.")
    elif retired:
        click.echo(f"Retired key {', '.join(retired)} (removed from the instance key file).")
    if busy:
        click.echo(f"Key {', '.join(busy)} still seals "
                   f"{sum(state.rows(key_id) for key_id in busy)} rows (changed or locked "
                   "while this ran): run `flask privacy rotate-key --resume` again.")
        raise SystemExit(1)


@group.command("key-status")
def key_status_command():
    """Show the encryption keys and how many rows each one seals."""
    state = rotation.status()
    source = "config ENCRYPTION_KEYS" if state.configured else "instance key file"
    click.echo(f"Keys from the {source}; current key: {state.current}")
    for key_id in [*state.keys, *state.missing]:
        notes = []
        if key_id == state.current:
            notes.append("current")
        if key_id in state.missing:
            notes.append("NOT IN THE KEYRING: these rows cannot be opened")
        elif key_id != state.current and not state.rows(key_id):
            notes.append("unused: may be retired")
        per_store = ", ".join(f"{store} {count}"
                              for store, count in sorted(state.usage.get(key_id, {}).items()))
        line = f"{key_id}: {state.rows(key_id)} rows"
        click.echo(line + (f" ({per_store})" if per_store else "")
                   + (f" [{'; '.join(notes)}]" if notes else ""))
