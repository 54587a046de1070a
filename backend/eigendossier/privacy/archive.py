"""The export archive: one zip file with a ``manifest.json`` (format, versions and the SHA-256
of every other file), optionally encrypted with a passphrase.

Encryption is WinZip AES-256 (``pyzipper``), not age: a learner opens the file with tools
they already have (7-Zip, The Unarchiver, ``7z x``, Windows with 7-Zip, macOS Archive
Utility via The Unarchiver), where age needs a program few people have. WinZip AES encrypts
the contents of each file with AES-256 in CTR mode and authenticates it (HMAC-SHA1); the key
comes from the passphrase through PBKDF2 (1000 rounds, fixed by the format), so we insist on
a long passphrase. The file names are not encrypted: ours say nothing personal
(``credentials/credential-12.png``); every name and text is inside the JSON files.

No Flask, no database: bytes in, bytes out, refusals as ``ArchiveError`` with a code."""
import hashlib
import io
import json
from dataclasses import dataclass

import pyzipper

FORMAT = "eigendossier-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class ArchiveError(Exception):
    """The archive as a whole is refused; `code` says why (the service words it)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 2000
    max_total_bytes: int = 200 * 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(files: dict[str, bytes], manifest: dict, out, passphrase: str | None = None) -> None:
    """Write the files and a manifest (the given fields, plus each file's size and hash)."""
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, **manifest,
                "files": {name: {"size": len(data), "sha256": sha256(data)}
                          for name, data in files.items()}}
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


def read(source, passphrase: str | None = None,
         limits: ArchiveLimits = ArchiveLimits()) -> tuple[dict, dict[str, bytes]]:
    """The manifest and the files it lists, each checked against its hash.

    Counts and declared sizes are checked before anything is decompressed, and every read
    is bounded by the declared size (a zip bomb is refused, not inflated)."""
    try:
        archive = pyzipper.AESZipFile(source if hasattr(source, "read") else io.BytesIO(source))
    except (pyzipper.BadZipFile, ValueError, OSError, EOFError):
        raise ArchiveError("not_zip") from None
    with archive:
        entries = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        if len(archive.infolist()) > limits.max_entries:
            raise ArchiveError("too_many_entries", limit=limits.max_entries)
        if sum(info.file_size for info in entries.values()) > limits.max_total_bytes:
            raise ArchiveError("too_large", limit=limits.max_total_bytes)
        if MANIFEST not in entries:
            raise ArchiveError("not_ours")
        if any(info.flag_bits & 0x1 for info in entries.values()):
            if not passphrase:
                raise ArchiveError("passphrase_required")
            archive.setpassword(passphrase.encode("utf-8"))
        manifest = _manifest(_read(archive, entries[MANIFEST]))
        files = {}
        for name, expected in manifest["files"].items():
            info = entries.get(name)
            if info is None:
                raise ArchiveError("incomplete", name=name)
            data = _read(archive, info)
            if sha256(data) != expected.get("sha256"):
                raise ArchiveError("damaged", name=name)
            files[name] = data
    return manifest, files


def _read(archive, info) -> bytes:
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except RuntimeError as error:  # pyzipper: "Bad password for file …"
        if "password" in str(error).lower():
            raise ArchiveError("passphrase_wrong") from None
        raise ArchiveError("damaged", name=info.filename) from None
    except (pyzipper.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ArchiveError("damaged", name=info.filename) from None
    if len(data) > info.file_size:
        raise ArchiveError("damaged", name=info.filename)
    return data


def _manifest(raw: bytes) -> dict:
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
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
