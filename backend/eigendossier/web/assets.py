"""The PWA's files as a phone gets them, without a build step.

- Every app file (module, style, strings, icon) has a content-hashed URL such as
  `/app/core/html.3f2a1b9c0d4e.js`, cached by the browser for a year without asking again.
  The modules keep importing each other by their plain relative paths: an import map that
  the server writes into index.html sends each plain URL to its hashed one, so a changed
  file gets a new URL and the files that import it keep theirs.
- Text files are compressed once (gzip from the standard library) and sent compressed to
  browsers that accept it.
- index.html preloads the modules the shell imports and the default strings; the service
  worker gets the hashed URLs: `boot` (what the screens before sign-in need), `app` (the
  other modules), `staff` (the staff section's modules, precached for staff only) and
  `rest`.

The files are read on first use and read again when one of them changed (looked at when the
shell or the service worker is asked for: one stat per file), so an edit under pwa/ shows on
the next reload, without a restart."""
import gzip
import hashlib
import json
import mimetypes
import os
import posixpath
import re
import threading
from base64 import b64encode
from dataclasses import dataclass, field
from pathlib import Path

HASH_LENGTH = 12
HASHED_URL = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[a-z0-9]+)$")
# Files that get a hashed URL; index.html, sw.js and the manifest keep theirs (browsers ask
# for them by name).
ASSET_SUFFIXES = frozenset({".js", ".css", ".json", ".png", ".svg", ".webp", ".woff2"})
FIXED = {"index.html", "sw.js", "manifest.webmanifest"}
COMPRESSIBLE = frozenset({".js", ".css", ".json", ".svg", ".html", ".webmanifest"})
ENTRY = "app/shell/main.js"
# The strings of the default language; other languages are precached after sign-in.
DEFAULT_STRINGS = "i18n/nl.json"
# The staff section's modules: precached when staff sign in, never on a learner's phone.
STAFF_MODULES = "app/staff/"
CACHE_FOREVER = "public, max-age=31536000, immutable"

# Static imports and re-exports (also minified: `import{a as b}from"./x.js"`), and imports
# for side effects only; dynamic `import('…')` with a literal path.
_IMPORTS = re.compile(
    r"""(?:^|[;\s])(?:import|export)\b\s*[^'"`;()]*?\bfrom\s*['"]([^'"]+)['"]"""
    r"""|(?:^|[;\s])import\s*['"]([^'"]+)['"]""",
    re.M,
)
_DYNAMIC_IMPORTS = re.compile(r"""\bimport\(\s*['"]([^'"]+)['"]\s*\)""")
_ATTRIBUTE_URL = re.compile(r"""\b(href|src)="/([^"?#]+)\"""")
_MODULE_SCRIPT = '<script type="module"'
_BUILD_LINE = re.compile(r"^const BUILD = .*;$", re.M)


@dataclass(frozen=True)
class Asset:
    """One file as served: its body, and its gzip form when that is smaller."""

    path: str
    url: str
    body: bytes
    mimetype: str
    etag: str
    gzipped: bytes | None = None


@dataclass(frozen=True)
class Bundle:
    assets: dict[str, Asset]
    by_url: dict[str, Asset]
    shell: Asset
    worker: Asset
    manifest: Asset | None
    shell_script_hash: str
    stamp: tuple = field(repr=False)

    def asset_url(self, path: str) -> str:
        """The hashed URL of a file under pwa/ (as given when it has none)."""
        asset = self.assets.get(path.lstrip("/"))
        return asset.url if asset else "/" + path.lstrip("/")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def _compressed(path: str, body: bytes) -> bytes | None:
    if Path(path).suffix not in COMPRESSIBLE:
        return None
    # mtime=0: the same file always gives the same bytes.
    packed = gzip.compress(body, compresslevel=9, mtime=0)
    return packed if len(packed) < len(body) else None


def _mimetype(path: str) -> str:
    if path.endswith(".webmanifest"):
        return "application/manifest+json"
    if path.endswith(".js"):
        return "text/javascript"
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return guessed


def _asset(path: str, url: str, body: bytes) -> Asset:
    digest = _digest(body)
    return Asset(path=path, url=url, body=body, mimetype=_mimetype(path), etag=digest,
                 gzipped=_compressed(path, body))


def hashed_url(path: str, body: bytes) -> str:
    stem, suffix = posixpath.splitext(path)
    return f"/{stem}.{_digest(body)}{suffix}"


def _files(root: Path) -> list[tuple[str, os.stat_result]]:
    found = []
    for directory, folders, names in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            full = Path(directory) / name
            found.append((full.relative_to(root).as_posix(), full.stat()))
    return found


def stamp_of(root: Path) -> tuple:
    return tuple((path, stat.st_mtime_ns, stat.st_size) for path, stat in _files(root))


def module_imports(path: str, source: str) -> tuple[list[str], list[str]]:
    """The files a module imports statically and dynamically, as paths under pwa/."""
    def resolved(specifier):
        if specifier.startswith("/"):
            return posixpath.normpath(specifier.lstrip("/"))
        return posixpath.normpath(posixpath.join(posixpath.dirname(path), specifier))

    static = [resolved(a or b) for a, b in _IMPORTS.findall(source)]
    dynamic = [resolved(spec) for spec in _DYNAMIC_IMPORTS.findall(source)]
    return static, dynamic


def closure(starts, graph: dict[str, tuple[list[str], list[str]]]) -> list[str]:
    """The modules `starts` load before they run (static imports, transitively), in order."""
    seen, order, stack = set(), [], list(reversed(list(starts)))
    while stack:
        path = stack.pop()
        if path in seen or path not in graph:
            continue
        seen.add(path)
        order.append(path)
        stack.extend(reversed(graph[path][0]))
    return order


def _import_map(assets: dict[str, Asset]) -> str:
    imports = {f"/{path}": asset.url for path, asset in sorted(assets.items())}
    return json.dumps({"imports": imports}, separators=(",", ":"))


def _render_shell(template: str, assets: dict[str, Asset], preloads: list[str]) -> tuple[str, str]:
    """index.html with hashed URLs, the import map and the shell's modules preloaded; and the
    CSP hash of the import map (an inline script)."""
    def hashed(match):
        asset = assets.get(match.group(2))
        return f'{match.group(1)}="{asset.url if asset else "/" + match.group(2)}"'

    text = _ATTRIBUTE_URL.sub(hashed, template)
    import_map = _import_map(assets)
    script_hash = "sha256-" + b64encode(hashlib.sha256(import_map.encode()).digest()).decode()
    head = [f'<script type="importmap">{import_map}</script>']
    head += [f'<link rel="modulepreload" href="{assets[path].url}">' for path in preloads]
    if DEFAULT_STRINGS in assets:  # fetched by the shell before it draws anything
        head.append(f'<link rel="preload" href="{assets[DEFAULT_STRINGS].url}" as="fetch" '
                    'crossorigin>')
    if _MODULE_SCRIPT in text:
        at = text.index(_MODULE_SCRIPT)
        line_start = text.rfind("\n", 0, at) + 1
        indent = text[line_start:at]
        text = text[:line_start] + "".join(f"{indent}{line}\n" for line in head) + text[line_start:]
    return text, script_hash


def _render_manifest(body: bytes, assets: dict[str, Asset]) -> bytes:
    manifest = json.loads(body)
    for icon in manifest.get("icons", []):
        asset = assets.get(icon.get("src", "").lstrip("/"))
        if asset:
            icon["src"] = asset.url
    return json.dumps(manifest, ensure_ascii=False, indent=2).encode()


def _render_worker(source: str, build: dict) -> str:
    line = "const BUILD = " + json.dumps(build, separators=(",", ":")) + ";"
    return _BUILD_LINE.sub(lambda _: line, source, count=1)


def build(root: Path) -> Bundle:
    stamp = stamp_of(root)
    assets: dict[str, Asset] = {}
    graph: dict[str, tuple[list[str], list[str]]] = {}
    for path, _stat in _files(root):
        if path in FIXED or Path(path).suffix not in ASSET_SUFFIXES:
            continue
        body = (root / path).read_bytes()
        assets[path] = _asset(path, hashed_url(path, body), body)
        if path.endswith(".js"):
            graph[path] = module_imports(path, body.decode("utf-8"))

    shell_modules = closure([ENTRY], graph)
    template = (root / "index.html").read_text(encoding="utf-8")
    shell_text, script_hash = _render_shell(template, assets, shell_modules)
    shell = _asset("index.html", "/", shell_text.encode())

    manifest = None
    if (root / "manifest.webmanifest").is_file():
        body = _render_manifest((root / "manifest.webmanifest").read_bytes(), assets)
        manifest = _asset("manifest.webmanifest", "/manifest.webmanifest", body)

    # Precached before sign-in: the shell, the screens it imports on demand, the default
    # strings and what index.html refers to. After sign-in: every other module. The rest
    # (other languages, install icons, the share page's style) is kept once used.
    entry_dynamic = graph.get(ENTRY, ([], []))[1]
    boot_paths = set(closure([ENTRY, *entry_dynamic], graph))
    boot_paths |= {path for path in assets if path == DEFAULT_STRINGS}
    boot_paths |= {path for _, path in _ATTRIBUTE_URL.findall(template) if path in assets}
    boot = ["/", *sorted(assets[path].url for path in boot_paths)]
    modules = [(path, asset) for path, asset in assets.items()
               if path not in boot_paths and path.endswith(".js")]
    app = sorted(asset.url for path, asset in modules if not path.startswith(STAFF_MODULES))
    staff = sorted(asset.url for path, asset in modules if path.startswith(STAFF_MODULES))
    rest = sorted(asset.url for path, asset in assets.items()
                  if path not in boot_paths and not path.endswith(".js"))
    version = _digest("\n".join([shell.etag, *boot, *app, *rest, *staff]).encode()
                      + (root / "sw.js").read_bytes())
    worker_text = _render_worker((root / "sw.js").read_text(encoding="utf-8"),
                                 {"version": version, "shell": shell.etag, "boot": boot,
                                  "app": app, "rest": rest, "staff": staff})
    worker = _asset("sw.js", "/sw.js", worker_text.encode())

    return Bundle(assets=assets, by_url={asset.url: asset for asset in assets.values()},
                  shell=shell, worker=worker, manifest=manifest,
                  shell_script_hash=script_hash, stamp=stamp)


_lock = threading.Lock()
# The bundle last built from each folder: apps of one process that serve the same folder
# (the tests build one per test) share it instead of reading and compressing it all again.
_built: dict[Path, Bundle] = {}


def current(app, check: bool = False) -> Bundle:
    """The app's bundle, built on first use; with `check`, rebuilt when a file changed."""
    root = Path(app.config["PWA_DIR"])
    bundle = app.extensions.get("pwa_assets")
    if bundle is not None and not (check and stamp_of(root) != bundle.stamp):
        return bundle
    with _lock:
        bundle = app.extensions.get("pwa_assets") or _built.get(root)
        if bundle is None or stamp_of(root) != bundle.stamp:
            bundle = _built[root] = build(root)
        app.extensions["pwa_assets"] = bundle
    return bundle
