"""The export archive: one zip file with a ``manifest.json`` (format, versions and the SHA-256
of every other file), optionally encrypted with a passphrase.

Encryption is WinZip AES-256 (``pyzipper``), not age: a learner opens the file with tools
they already have (7-Zip, The Unarchiver, ``7z x``, Windows with 7-Zip, macOS Archive
Utility via The Unarchiver), where age needs a program few people have. WinZip AES encrypts
the contents of each file with AES-256 in CTR mode and authenticates it (HMAC-SHA1); the key
comes from the passphrase through PBKDF2 (1000 rounds, fixed by the format), so we insist on
a long passphrase. The file names are not encrypted: ours say nothing personal
(``credentials/credential-12.png``); every name and text is inside the JSON files.

Reading is bounded whatever the zip's headers claim: each member is inflated in chunks into
a temporary folder while its bytes are counted and hashed, and refused as soon as it passes
its declared size, the size one file may have, or the archive passes its total. Memory holds
one chunk, and later one file at a time (`Unpacked`).

No Flask, no database: bytes in, bytes out, refusals as ``ArchiveError`` with a code.
pyzipper (with pycryptodomex) is imported when an archive is written or read, not with the
app: every process that builds the app paid for it, few make an archive."""
import hashlib
import io
import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from eigendossier.credentials.errors import ParseError
from eigendossier.credentials.limits import strict_loads

FORMAT = "eigendossier-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# No JSON file of an export nests deeper than a few levels.
JSON_MAX_DEPTH = 32


class ArchiveError(Exception):
    """The archive as a whole is refused; `code` says why (the service words it)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 2000
    max_total_bytes: int = 200 * 1024 * 1024
    # No file of an export is near this (uploads are at most 5 MB); the manifest is smaller.
    max_file_bytes: int = 32 * 1024 * 1024
    max_manifest_bytes: int = 1024 * 1024


class Unpacked(Mapping):
    """The files of an archive by name, kept in a temporary folder and read on access."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._paths: dict[str, Path] = {}

    def add(self, name: str) -> Path:
        # Numbered, never the member's own name: that may hold "../".
        self._paths[name] = path = self._folder / str(len(self._paths))
        return path

    def size(self, name: str) -> int:
        return self._paths[name].stat().st_size

    def __getitem__(self, name: str) -> bytes:
        return self._paths[name].read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(files: dict[str, bytes], manifest: dict, out, passphrase: str | None = None) -> None:
    """Write the files and a manifest (the given fields, plus each file's size and hash)."""
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, **manifest,
                "files": {name: {"size": len(data), "sha256": sha256(data)}
                          for name, data in files.items()}}
    import pyzipper

    options = {"compression": pyzipper.ZIP_DEFLATED}
    if passphrase:
        options["encryption"] = pyzipper.WZ_AES
    with pyzipper.AESZipFile(out, "w", **options) as archive:
        if passphrase:
            archive.setpassword(passphrase.encode("utf-8"))
            archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, data in files.items():
            archive.writestr(name, data)


@contextmanager
def read(source, passphrase: str | None = None,
         limits: ArchiveLimits = ArchiveLimits()) -> Iterator[tuple[dict, Unpacked]]:
    """The manifest and the files it lists, each checked against its hash; the files are
    removed when the block ends.

    Counts and declared sizes are checked before anything is inflated; then the bytes
    actually inflated are counted against the same limits (a zip's header may lie)."""
    import pyzipper

    try:
        archive = pyzipper.AESZipFile(source if hasattr(source, "read") else io.BytesIO(source))
    except (pyzipper.BadZipFile, ValueError, OSError, EOFError):
        raise ArchiveError("not_zip") from None
    with archive, tempfile.TemporaryDirectory(prefix="eigendossier-import-") as folder:
        entries = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        _check_declared(archive, entries, limits)
        if any(info.flag_bits & 0x1 for info in entries.values()):
            if not passphrase:
                raise ArchiveError("passphrase_required")
            archive.setpassword(passphrase.encode("utf-8"))
        manifest = _manifest(_read(archive, entries[MANIFEST], limits.max_manifest_bytes))
        files = Unpacked(Path(folder))
        budget = [limits.max_total_bytes]
        for name, expected in manifest["files"].items():
            info = entries.get(name)
            if info is None:
                raise ArchiveError("incomplete", name=name)
            with files.add(name).open("wb") as out:
                digest = _inflate(archive, info, out, limits.max_file_bytes, budget)
            if digest != expected.get("sha256"):
                raise ArchiveError("damaged", name=name)
        yield manifest, files


def _check_declared(archive, entries: dict, limits: ArchiveLimits) -> None:
    if len(archive.infolist()) > limits.max_entries:
        raise ArchiveError("too_many_entries", limit=limits.max_entries)
    if sum(info.file_size for info in entries.values()) > limits.max_total_bytes:
        raise ArchiveError("too_large", limit=limits.max_total_bytes)
    if any(info.file_size > limits.max_file_bytes for info in entries.values()):
        raise ArchiveError("too_large", limit=limits.max_file_bytes)
    if MANIFEST not in entries:
        raise ArchiveError("not_ours")


def _read(archive, info, limit: int) -> bytes:
    out = io.BytesIO()
    _inflate(archive, info, out, limit, [limit])
    return out.getvalue()


def _inflate(archive, info, out, limit: int, budget: list[int]) -> str:
    """Inflate one member into `out` in chunks, counting what comes out: refused past its
    declared size (damaged), past `limit` or past what is left of the total `budget` (too
    large). Returns the SHA-256 of its contents."""
    import pyzipper

    digest, seen = hashlib.sha256(), 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                seen += len(chunk)
                budget[0] -= len(chunk)
                if seen > info.file_size:
                    raise ArchiveError("damaged", name=info.filename)
                if seen > limit or budget[0] < 0:
                    raise ArchiveError("too_large", limit=limit)
                digest.update(chunk)
                out.write(chunk)
    except RuntimeError as error:  # pyzipper: "Bad password for file …"
        if "password" in str(error).lower():
            raise ArchiveError("passphrase_wrong") from None
        raise ArchiveError("damaged", name=info.filename) from None
    except (pyzipper.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ArchiveError("damaged", name=info.filename) from None
    return digest.hexdigest()


def read_json(raw: bytes):
    """A JSON file of an archive, read by the project's one strict parser: a key twice, NaN
    or nesting thousands deep is a damaged file (ParseError), never a server error."""
    return strict_loads(raw.decode("utf-8"), max_depth=JSON_MAX_DEPTH)


def _manifest(raw: bytes) -> dict:
    try:
        manifest = read_json(raw)
    except (UnicodeDecodeError, ParseError):
        raise ArchiveError("not_ours") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("not_ours")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise ArchiveError("not_ours")
    if version > FORMAT_VERSION:
        raise ArchiveError("newer_format", version=version)
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(name, str) and isinstance(entry, dict) for name, entry in files.items()):
        raise ArchiveError("not_ours")
    return manifest
