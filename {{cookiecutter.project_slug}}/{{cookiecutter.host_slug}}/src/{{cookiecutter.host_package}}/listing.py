"""Listing sys.path for plugin modules, and finding the distribution that installed each.

The naming-convention and namespace-package styles find plugins by listing
folders, as the PyPA guide's ``pkgutil.iter_modules()`` snippets do, but without
importing pkgutil (~10 ms); the owner of a module comes from the RECORD files.
"""

from __future__ import annotations

import os
import sys
from _imp import extension_suffixes

from .environment import metadata_folders, name_and_version

EXTENSION_SUFFIXES = extension_suffixes()  # importlib.machinery's, without importing importlib
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .records import Discovery, Found


def modules(folder: str, prefix: str = "") -> list[tuple[str, str]]:
    """List the importable modules in `folder` whose names start with `prefix`.

    Returns sorted ``(module name, path of its source relative to folder)`` pairs.
    """
    try:
        names = sorted(os.listdir(folder or os.curdir))
    except OSError:
        return []
    found = []
    for name in names:
        if not name.startswith(prefix) or name.startswith("__"):
            continue  # __init__.py, __main__.py, __pycache__: no plugin
        init = f"{name}/__init__.py"
        if name.isidentifier() and os.path.isfile(os.path.join(folder, init)):
            found.append((name, init))
            continue
        stem = name.partition(".")[0]
        if stem.isidentifier() and name[len(stem) :] in (".py", *EXTENSION_SUFFIXES):
            found.append((stem, name))
    return found


class Owners:
    """Which distribution installed which file, from the RECORD files on sys.path.

    Editable installs list a ``.pth`` file instead; the folders it adds count as theirs.
    The RECORD files are read on the first question only.
    """

    def __init__(self, prefix: str) -> None:
        """Prepare to answer for the files whose paths start with `prefix`."""
        self._prefix = prefix
        self._files: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._sources: dict[str, tuple[str, str]] = {}
        self._read = False

    def of(self, entry: str, relative: str) -> tuple[str | None, str | None]:
        """Return the (name, version) that installed `relative` into sys.path entry `entry`."""
        owners = self.all_of(entry, relative)
        if owners:
            return owners[0]
        return self._sources.get(_real(entry)) or (None, None)

    def all_of(self, entry: str, relative: str) -> list[tuple[str, str]]:
        """Return every (name, version) whose RECORD lists `relative` in sys.path entry `entry`."""
        if not self._read:
            self._read_records()
        return self._files.get((entry, relative), [])

    def _read_records(self) -> None:
        """Read every RECORD that lists a file under the prefix or a ``.pth`` file."""
        self._read = True
        for entry in sys.path:
            for folder in metadata_folders(entry):
                try:
                    with open(os.path.join(folder, "RECORD"), encoding="utf-8") as file:
                        paths = [line.rsplit(",", 2)[0].strip('"') for line in file]
                except (OSError, UnicodeDecodeError):
                    continue
                mine = [p for p in paths if p.startswith(self._prefix)]
                sources = [s for p in paths if p.endswith(".pth") for s in _pth_folders(entry, p)]
                name, version = name_and_version(folder) if mine or sources else (None, None)
                if name and version:
                    for path in mine:
                        self._files.setdefault((entry, path), []).append((name, version))
                    for source in sources:
                        self._sources.setdefault(source, (name, version))


def plugins_from_modules(found: list[tuple[str, str, str, str]], owners: Owners) -> Discovery:
    """Describe the plugin modules found on sys.path; the first of each name wins.

    `found` holds, in sys.path order, (sys.path entry, the module's path relative to
    it, plugin name, import name) for each module.
    """
    plugins: list[Found] = []
    warnings: list[str] = []
    first: dict[str, str] = {}
    for entry, relative, name, target in found:
        location = os.path.join(entry, relative)
        distribution, version = owners.of(entry, relative)
        source = f"{location} ({distribution} {version})" if distribution else location
        other = first.setdefault(name, source)
        if other != source:
            warnings.append(f"{target} is found twice: {other} and {source}; using the first")
            continue
        plugins.append(
            {
                "name": name,
                "target": target,
                "distribution": distribution,
                "version": version,
                "location": location,
                "api_version": None,
            }
        )
    return {"plugins": plugins, "warnings": warnings}


def _real(folder: str) -> str:
    """Return a folder's real path, normalized for comparison."""
    return os.path.normcase(os.path.realpath(folder))


def _pth_folders(entry: str, pth: str) -> list[str]:
    """Return the folders a ``.pth`` file adds to sys.path, normalized."""
    try:
        with open(os.path.join(entry, pth), encoding="utf-8") as file:
            lines = [line.strip() for line in file]
    except (OSError, UnicodeDecodeError):
        return []
    return [
        _real(os.path.join(entry, line))
        for line in lines
        if line and not line.startswith(("#", "import ", "import\t"))
    ]
