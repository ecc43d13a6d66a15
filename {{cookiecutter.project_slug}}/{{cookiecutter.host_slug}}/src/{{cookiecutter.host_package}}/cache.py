"""An on-disk cache of discovery results, so that start-up does not rescan the environment.

An entry is keyed on the interpreter, sys.path and this host's version, and holds
the st_mtime_ns of every folder (or file) whose change could change the result: the
sys.path entries, the plugins' metadata or namespace folders, and every folder that could
become a plugin by gaining a file (``{{ cookiecutter.host_package }}_x/`` before its ``__init__.py``).
Installing, upgrading or removing a distribution changes one of those, so the next
start sees it.

A result is stored only if none of its folders changed from two seconds before the
scan began until after it ended: a plugin installed while a slow scan runs must
not be hidden by a result that missed it, and file systems may stamp two changes
within one clock tick alike. A change whose folder's time was then set back into
the past (as ``tar``, ``cp -p`` and ``rsync -a`` do) is caught too, on POSIX: its
status change time (st_ctime), which no program can set, is after the scan began.

The files live in the user's cache folder, which must be an absolute path: with no
usable XDG_CACHE_HOME (or LOCALAPPDATA) and a HOME that is unset, empty or relative,
there is no cache, and the host says nothing. Never the working directory. A file
that is corrupt, of the wrong shape, or that another user owns or could have
written, is ignored and rewritten.
Set {{ cookiecutter.__env_prefix }}_NO_PLUGIN_CACHE=1 to switch the cache off.

The folder may sit somewhere shared or hostile (say ``XDG_CACHE_HOME=/tmp``), so
on POSIX it is used only if it is a real folder, not a symlink, that this user
owns and no one else can write; otherwise the host runs without a cache. It is
created 0700. A file is written under an unpredictable name, created exclusively
without following symlinks, then renamed into place.
A file is opened non-blocking and read only if it is a regular file, so that a
FIFO put in its place cannot hang the host.

Entries are stored with marshal, the format of Python's own ``.pyc`` caches: it
loads in microseconds and needs no import, where json would add 7.5 ms to every start
(benchmarks/imports.py). Like ``.pyc`` files, entries are trusted only from the user's
own folder.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
import time
import zlib

from .about import __version__

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")

NO_CACHE_ENV = "{{ cookiecutter.__env_prefix }}_NO_PLUGIN_CACHE"
SCHEMA = 1
_SETTLE_NS = 2_000_000_000
# Flags that not every platform has: 0 where it does not.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
#: The largest cache file read (3,000 plugins take about 1 MB); a larger one is ignored.
MAX_CACHE_BYTES = 64 * 1024 * 1024


def cached(
    compute: Callable[[], tuple[T, list[str]]],
    is_valid: Callable[[object], bool],
    kind: str = "plugins",
    depends_on: tuple[Any, ...] = (),
) -> T:
    """Return the cached result of `compute`, or compute and store it.

    `compute` returns the result and the folders (or files) whose changes make it stale;
    `is_valid` tells whether a stored result has the shape its users rely on. Each `kind`
    of result has its own file; `depends_on` is what else the result is computed from.
    """
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return compute()[0]
    path = cache_file(kind)
    if path is None:
        return compute()[0]  # no per-user cache folder
    key = (SCHEMA, __version__, sys.executable, sys.version, _search_path(), depends_on)
    stored = _read(path, key)
    if stored is not None and is_valid(stored):
        return stored  # type: ignore[return-value]  # is_valid checked its shape
    started = time.time_ns()
    before = {folder: _stamp(folder) for folder in sys.path}  # before the scan reads them
    result, folders = compute()
    _write(path, key, result, _settled(before, folders, started))
    return result


def cache_file(kind: str = "plugins") -> str | None:
    """Return the `kind` of cache file for this interpreter and sys.path; None without a folder."""
    # A relative XDG_CACHE_HOME is invalid and must be ignored (XDG Base Directory spec);
    # LOCALAPPDATA (Windows) is held to the same rule, and so is the home folder: without
    # a passwd entry, "~" stays "~", and HOME may be empty or relative.
    roots = (os.environ.get("XDG_CACHE_HOME", ""), os.environ.get("LOCALAPPDATA", ""))
    home = os.path.expanduser("~") if os.environ.get("HOME") != "" else ""  # "" would give "/"
    root = next(filter(os.path.isabs, roots), os.path.join(home, ".cache"))
    if not os.path.isabs(root):
        return None
    # Entries are keyed in full: two keys sharing a name cost a recomputation, never a wrong answer.
    digest = zlib.crc32(marshal.dumps((sys.executable, _search_path())))
    return os.path.join(root, "{{ cookiecutter.host_slug }}", f"{kind}-{digest:08x}.cache")


def _search_path() -> tuple[str, ...]:
    """Return sys.path with relative entries ("" is the working directory) made absolute."""
    return tuple(map(os.path.abspath, sys.path))


def _stamp(path: str) -> int | None:
    """Return the st_mtime_ns of `path`, or None if it does not exist."""
    try:
        return os.stat(path or os.curdir).st_mtime_ns
    except OSError:
        return None


def _settled(
    before: dict[str, int | None], folders: list[str], started: int
) -> list[tuple[str, int | None]] | None:
    """Return the stamps to store for `folders` and those of `before`, or None if one changed.

    None: a folder changed since two seconds before the scan began at `started`
    (time.time_ns()), or while it ran, even if its time was set back since (its
    st_ctime is then later than `started`). `before` holds the stamps taken before it.
    """
    infos = {folder: _info(folder) for folder in (*before, *folders)}
    stamps = {folder: info.st_mtime_ns if info else None for folder, info in infos.items()}
    settled = started - _SETTLE_NS
    if any(stamps[folder] != stamp for folder, stamp in before.items()):
        return None
    for info in infos.values():
        if info is not None and (info.st_mtime_ns > settled or info.st_ctime_ns >= started):
            return None
    return list(stamps.items())


def _info(path: str) -> os.stat_result | None:
    """Return os.stat() of `path`, or None if it does not exist."""
    try:
        return os.stat(path or os.curdir)
    except OSError:
        return None


def _read(path: str, key: tuple[Any, ...]) -> object:
    """Return the result stored in `path` if it is sound, ours and still fresh."""
    try:
        if not _private(os.path.dirname(path)):
            return None
        # Non-blocking: opening a FIFO planted at `path` must not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode) or _foreign(info) or info.st_size > MAX_CACHE_BYTES:
                return None
            chunks = []
            while chunk := os.read(descriptor, 1 << 16):
                chunks.append(chunk)
        finally:
            os.close(descriptor)
        # marshal.loads, not marshal.load(file): that reads through the file object in
        # small pieces, ~0.7 ms for 50 plugins, a third of a warm start's own cost.
        entry = marshal.loads(b"".join(chunks))
        if entry["key"] != key:
            return None
        if any(_stamp(folder) != stamp for folder, stamp in entry["stamps"]):
            return None
        result: object = entry["result"]  # its shape is checked by the caller's `is_valid`
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return None  # missing or corrupt: compute afresh
    return result


def _private(folder: str) -> bool:
    """Tell whether `folder` is a real folder, not a symlink, that only this user can write.

    Elsewhere than on POSIX there are no such modes to check, and every folder is.
    """
    if not hasattr(os, "getuid"):
        return True
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and not _foreign(info)


def _foreign(info: os.stat_result) -> bool:
    """Tell whether another user owns, or could have written, a cache file or folder (POSIX)."""
    if not hasattr(os, "getuid"):
        return False
    return info.st_uid != os.getuid() or bool(info.st_mode & 0o022)


def _write(
    path: str, key: tuple[Any, ...], result: object, stamps: list[tuple[str, int | None]] | None
) -> None:
    """Store `result` and its folders' `stamps` atomically; None: too recent to trust."""
    if stamps is None:
        return
    folder = os.path.dirname(path)
    # An unpredictable name, as secrets.token_hex() makes it, without importing secrets.
    temporary = f"{path}.{os.urandom(8).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
    # A cache that cannot be written (read-only home, a folder others could write,
    # a value marshal cannot store) is no cache: carry on without it.
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not _private(folder):
            return
        descriptor = os.open(temporary, flags, 0o600)  # fails on anything already there
    except OSError:
        return
    try:
        try:
            data = memoryview(marshal.dumps({"key": key, "stamps": stamps, "result": result}))
            while data:
                data = data[os.write(descriptor, data) :]
        finally:
            os.close(descriptor)
        os.replace(temporary, path)  # replaces a symlink or FIFO there, not its target
    except BaseException as error:
        import contextlib  # only here, on a cold start: 2.8 ms (benchmarks/imports.py)

        with contextlib.suppress(OSError):
            os.unlink(temporary)  # ours: created exclusively in a folder only we can write
        if not isinstance(error, (OSError, ValueError)):
            raise  # Ctrl-C, say
