"""Listing sys.path for plugin modules, and finding the distribution that installed each.

The naming-convention and namespace-package styles find plugins by listing
folders, as the PyPA guide's ``pkgutil.iter_modules()`` snippets do, but without
importing pkgutil (~10 ms); the owner of a module comes from the RECORD files.
"""

from __future__ import annotations

import os
import sys
from _imp import extension_suffixes

from .environment import (
    isfile,
    listdir,
    metadata_folders,
    name_and_version,
    normalize,
    read_bytes,
)

EXTENSION_SUFFIXES = extension_suffixes()  # importlib.machinery's, without importing importlib
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .records import Discovery, Found


def modules(folder: str, prefix: str = "") -> list[tuple[str, str]]:
    """List the importable modules in `folder` whose names start with `prefix`.

    Returns sorted ``(module name, path of its source relative to folder)`` pairs.
    """
    names = sorted(listdir(folder))
    found = []
    for name in names:
        if not name.startswith(prefix) or name.startswith("__"):
            continue  # __init__.py, __main__.py, __pycache__: no plugin
        init = f"{name}/__init__.py"
        if name.isidentifier() and isfile(os.path.join(folder, init)):
            found.append((name, init))
            continue
        stem = name.partition(".")[0]
        if stem.isidentifier() and name[len(stem) :] in (".py", *EXTENSION_SUFFIXES):
            found.append((stem, name))
    return found


class Owners:
    """Which distribution installed which file, from the RECORD files on sys.path.

    Editable installs list a ``.pth`` file instead; the folders it adds count as theirs.
    A plugin's owner is looked for first among the distributions named after it; all
    the RECORD files are read only if none of those owns it, on the first such question.
    """

    def __init__(self, prefix: str) -> None:
        """Prepare to answer for the files whose paths start with `prefix`."""
        self._prefix = prefix
        self._files: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._sources: dict[str, tuple[str, str]] = {}
        self._read = False
        self._stems: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._named: list[tuple[str, frozenset[str], tuple[str, str]]] = []

    def of(self, entry: str, relative: str, plugin: str = "") -> tuple[str | None, str | None]:
        """Return the (name, version) that installed `relative` into sys.path entry `entry`.

        `plugin` names the plugin that file holds: a distribution named after it is
        asked first (see named_after).
        """
        owner = self.named_after(entry, relative, plugin) if plugin and not self._read else None
        if owner:
            return owner
        owners = self.all_of(entry, relative)
        if owners:
            return owners[0]
        return self._sources.get(_real(entry)) or (None, None)

    def all_of(self, entry: str, relative: str) -> list[tuple[str, str]]:
        """Return every (name, version) whose RECORD lists `relative` in sys.path entry `entry`."""
        if not self._read:
            self._read_records()
        return self._files.get((entry, relative), [])

    def named_after(self, entry: str, relative: str, plugin: str) -> tuple[str, str] | None:
        """Return the owner of `relative` in `entry` among the distributions named after `plugin`.

        A plugin's distribution is nearly always named after it (``my-app-hello`` for
        ``hello``): reading its RECORD alone spares a first start reading every RECORD.
        It owns the file if its RECORD lists it in `entry`, or lists a ``.pth`` that
        puts `entry` on sys.path (an editable install); None if no such one does.
        """
        wanted = normalize(plugin)
        for where in dict.fromkeys([entry, *sys.path]):
            for folder in self._named_like(where, wanted):
                paths = frozenset(_listed(folder, self._prefix))
                pths = [path for path in paths if path.endswith(".pth")]
                if (where == entry and relative in paths) or any(
                    _real(entry) in _pth_folders(where, pth) for pth in pths
                ):
                    name, version = name_and_version(folder)
                    if name and version:
                        self._named.append((where, paths, (name, version)))
                        return name, version
        return None

    def _named_like(self, entry: str, wanted: str) -> list[str]:
        """Return the metadata folders in `entry` whose distribution's name has `wanted` in it.

        A normalized name matches at dashes: ``my-app-hello`` has ``hello`` and ``app-hello``.
        """
        if entry not in self._stems:
            stems = self._stems[entry] = {}
            for folder in metadata_folders(entry):
                stem = normalize(os.path.basename(folder).rpartition(".")[0].partition("-")[0])
                for part in set(stem.split("-")):
                    stems.setdefault(part, []).append((f"-{stem}-", folder))
        last = wanted.rpartition("-")[2]
        named = self._stems[entry].get(last, [])
        return [folder for stem, folder in named if f"-{wanted}-" in stem]

    def plugins_of(self, entry: str, relative: str) -> list[tuple[str, str]]:
        """Return every (name, version) of a plugin's distribution whose RECORD lists `relative`.

        Only the distributions named_after found are asked, unless all_of read every RECORD.
        """
        if self._read:
            return self.all_of(entry, relative)
        return [owner for at, paths, owner in self._named if at == entry and relative in paths]

    def _read_records(self) -> None:
        """Read every RECORD that lists a file under the prefix or a ``.pth`` file."""
        self._read = True
        for entry in sys.path:
            for folder in metadata_folders(entry):
                paths = _listed(folder, self._prefix)
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
        distribution, version = owners.of(entry, relative, name)
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


def _listed(folder: str, prefix: str) -> list[str]:
    """Return the paths in the RECORD of `folder`, if one starts with `prefix` or is a ``.pth``.

    Most RECORDs list neither: they are searched as bytes, not decoded and split.
    """
    try:
        data = read_bytes(os.path.join(folder, "RECORD"))
    except OSError:
        return []
    if prefix.encode() not in data and b".pth" not in data:
        return []
    try:
        lines = data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        return []
    return [line.rsplit(",", 2)[0].strip('"') for line in lines]


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
