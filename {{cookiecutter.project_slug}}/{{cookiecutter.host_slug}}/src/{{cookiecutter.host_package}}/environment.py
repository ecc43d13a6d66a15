"""Small, fast readers of what is installed on sys.path, for every discovery style.

importlib.metadata and pkgutil answer such questions too, but importing them costs
10-20 ms, and importlib.metadata hides a distribution's second copy on sys.path.

A sys.path entry may be a zip file (a zipapp, a wheel) that Python imports from:
:func:`listdir`, :func:`isdir`, :func:`isfile` and :func:`read_bytes` see inside it
too (``archives.py``). Folders keep the fast path: the zip files are looked for only
when the file system says no, and zipfile is imported only if sys.path holds a file.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .archives import Archive

# sys.path -> the zip files on it, found on the first question about a missing path.
_ARCHIVES: dict[tuple[str, ...], list[Archive]] = {}
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def normalize(name: str) -> str:
    """Normalize a distribution name as PEP 503 does: ``My_App.x`` -> ``my-app-x``.

    This is ``re.sub(r"[-_.]+", "-", name).lower()`` without importing re (~3 ms),
    so that the switches can normalize their names on every start.
    """
    name = name.lower().replace("_", "-").replace(".", "-")
    while "--" in name:
        name = name.replace("--", "-")
    return name


def metadata_folders(entry: str, names: list[str] | None = None) -> list[str]:
    """Return the metadata folders in sys.path entry `entry`, sorted by name.

    `names`: the names in `entry`, sorted, if it has been listed already.
    """
    names = sorted(listdir(entry)) if names is None else names
    return [
        os.path.join(entry, name) for name in names if name.endswith((".dist-info", ".egg-info"))
    ]


def listdir(folder: str) -> list[str]:
    """Return the names in `folder` (unsorted), also inside a zip file; [] if it is none."""
    try:
        return os.listdir(folder or os.curdir)
    except OSError:  # missing, not a folder, or a zip file
        archive, inner = _archive(folder)
        return archive.listdir(inner) if archive else []


def isdir(path: str) -> bool:
    """Tell whether `path` is a folder, also one inside a zip file on sys.path."""
    if os.path.isdir(path or os.curdir):
        return True
    archive, inner = _archive(path)
    return archive is not None and archive.isdir(inner)


def isfile(path: str) -> bool:
    """Tell whether `path` is a file, also one inside a zip file on sys.path."""
    if os.path.isfile(path):
        return True
    archive, inner = _archive(path)
    return archive is not None and archive.isfile(inner)


def read_bytes(path: str) -> bytes:
    """Return the contents of file `path`, also one inside a zip file; raise OSError if none.

    os.open and os.read, not open(): a cold start tries a file in every metadata folder,
    and the file objects of open() cost ~2 ms more for 350 of them.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | _BINARY)
    except OSError:  # missing, or inside a zip file
        archive, inner = _archive(path)
        if archive is None:
            raise
        return archive.read(inner)
    try:
        chunks = []
        while chunk := os.read(descriptor, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _archive(path: str) -> tuple[Archive | None, str]:
    """Return the zip file on sys.path that `path` lies in, and its name inside; (None, "")."""
    key = tuple(sys.path)
    if key not in _ARCHIVES:
        files = list(dict.fromkeys(filter(None, map(_file_of, key))))
        if files:
            from .archives import open_archives  # zipfile: only when sys.path holds a file

            _ARCHIVES[key] = open_archives(files)
        else:
            _ARCHIVES[key] = []
    for archive in _ARCHIVES[key]:
        inner = archive.inner(path)
        if inner is not None:
            return archive, inner
    return None, ""


def _file_of(entry: str) -> str | None:
    """Return the file that sys.path entry `entry` is, or lies in (``app.pyz/lib``), if any."""
    head = entry
    while head and not os.path.isdir(head):
        if os.path.isfile(head):
            return head
        parent = os.path.dirname(head)
        if parent == head:
            break
        head = parent
    return None


def name_and_version(folder: str) -> tuple[str | None, str | None]:
    """Read the Name and Version headers of a metadata folder (METADATA, else PKG-INFO)."""
    fields: dict[str, str] = {}
    for filename in ("METADATA", "PKG-INFO"):
        try:
            data = read_bytes(os.path.join(folder, filename))
            # Universal newlines, as open() and the email parser read them; only the
            # headers, which end at the first blank line, are decoded.
            head = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").partition(b"\n\n")[0]
            lines = head.decode("utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            continue
        for line in lines:
            if not line.strip():
                break  # the headers end at the first blank line
            key, _, value = line.partition(":")
            fields.setdefault(key.strip().lower(), value.strip())
        break
    return fields.get("name"), fields.get("version")
