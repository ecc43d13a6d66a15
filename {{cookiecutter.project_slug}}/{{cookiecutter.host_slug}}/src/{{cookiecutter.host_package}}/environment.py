"""Small, fast readers of what is installed on sys.path, for every discovery style.

importlib.metadata and pkgutil answer such questions too, but importing them costs
10-20 ms, and importlib.metadata hides a distribution's second copy on sys.path.

A sys.path entry may be a zip file (a zipapp, a wheel) that Python imports from:
:func:`listdir`, :func:`isdir`, :func:`isfile` and :func:`read_bytes` see inside it
too (``archives.py``). Folders keep the fast path: the zip files are looked for only
when the file system says no, and zipfile is imported only if sys.path holds a file.

What is installed may be crafted to harm: every reader here is bounded and total.
:func:`read_bytes` reads regular files only (a FIFO would hang, ``/dev/zero`` would
never end), at most :data:`MAX_FILE_BYTES`, and a path with a NUL byte is no path:
all of these are an OSError, like a missing file, whose message names the file.
"""

from __future__ import annotations

import errno
import os
import stat
import sys

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from .archives import Archive

# sys.path -> the zip files on it, found on the first question about a missing path.
_ARCHIVES: dict[tuple[str, ...], list[Archive]] = {}
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
#: The largest metadata file read (a RECORD of 100,000 files is about 10 MB).
MAX_FILE_BYTES = 32 * 1024 * 1024
#: The longest distribution name taken from metadata.
MAX_NAME_LENGTH = 200


def normalize(name: str) -> str:
    """Normalize a distribution name as PEP 503 does: ``My_App.x`` -> ``my-app-x``.

    This is ``re.sub(r"[-_.]+", "-", name).lower()`` without importing re (5.7 ms a
    start, benchmarks/imports.py), so that the switches can normalize their names.
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
    except ValueError:  # a NUL in the path
        return []
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


def read_bytes(path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """Return the contents of regular file `path`, also one inside a zip file.

    Raises OSError if there is none, or it is no regular file, larger than `limit`
    bytes, or a path with a NUL byte. os.open and os.read, not open(): a cold start
    tries a file in every metadata folder, and open()'s file objects cost ~2 ms more
    for 350 of them.
    """
    if "\0" in path:
        raise OSError(errno.EINVAL, "a path with a NUL byte", path.replace("\0", "\\0"))
    try:
        descriptor = os.open(path, os.O_RDONLY | _BINARY | _NONBLOCK)
    except OSError:  # missing, or inside a zip file
        archive, inner = _archive(path)
        if archive is None:
            raise
        return archive.read(inner, limit)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        chunks = []
        size = 0
        while chunk := os.read(descriptor, 65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise OSError(errno.EFBIG, f"larger than {limit} bytes", path)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def unreadable(exc: OSError) -> str:
    """Say in one line why a file could not be read (read_bytes' OSError)."""
    if exc.filename and exc.strerror:
        return f"cannot read {exc.filename}: {exc.strerror}"
    return str(exc)


def is_distribution_name(name: str) -> bool:
    """Tell whether `name` is a valid distribution name (PEP 508), which installers accept.

    ``re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", name)`` without importing re.
    """
    return (
        0 < len(name) <= MAX_NAME_LENGTH
        and name.isascii()
        and name[0].isalnum()
        and name[-1].isalnum()
        and name.replace("-", "").replace("_", "").replace(".", "").isalnum()
    )


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
    """Read the Name and Version headers of a metadata folder (METADATA, else PKG-INFO).

    The name is None unless it is a valid distribution name, the one the folder is named for.
    """
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
    # The folder is named after the distribution (``my_app_x-1.0.dist-info``): installers find
    # it by that name, so a Name that disagrees is no name they could uninstall it by.
    name = fields.get("name") or ""
    named = normalize(os.path.basename(folder).rpartition(".")[0].partition("-")[0])
    valid = is_distribution_name(name) and normalize(name) == named
    return (name if valid else None), fields.get("version")
