"""Listing sys.path for plugin modules, and finding the distribution that installed each.

The naming-convention and namespace-package styles find plugins by listing
folders, as the PyPA guide's ``pkgutil.iter_modules()`` snippets do, but without
importing pkgutil (11 ms, benchmarks/imports.py); the owner of a module comes from the RECORD files.

Many editable installs are no folder on sys.path but an import hook (a finder on
``sys.meta_path``): setuptools for a flat layout, hatchling's ``dev-mode-exact``,
pdm-backend's ``editables``, meson-python, scikit-build-core. No listing sees
what they serve, so :func:`add_editables` asks what the installation records
(RECORD, direct_url.json, top_level.txt, the project folder) for candidate names and
keeps those that the import system would import (``importlib.util.find_spec``).
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES

from .environment import (
    isdir,
    isfile,
    listdir,
    metadata_folders,
    name_and_version,
    normalize,
    read_bytes,
)

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from .records import Discovery, Found

    #: (sys.path entry, the module's path relative to it, plugin name, import name).
    Module = tuple[str, str, str, str]


class Listings(dict[str, list[str]]):
    """The sorted names in each folder, each folder listed once: one scan's view.

    A scan asks for site-packages' names three times (for modules, ``.pth`` files
    and metadata folders), and listing 700 names costs ~0.3 ms.
    """

    def __missing__(self, folder: str) -> list[str]:
        """List `folder` (see environment.listdir), sorted, and keep the names."""
        names = self[folder] = sorted(listdir(folder))
        return names


def modules(
    folder: str,
    prefix: str = "",
    listings: Listings | None = None,
    unreadable: list[str] | None = None,
{%- if cookiecutter.cache == "yes" %}
    watch: list[str] | None = None,
{%- endif %}
) -> list[tuple[str, str]]:
    """List the importable modules in `folder` whose names start with `prefix`.

    Returns sorted ``(module name, path of its source relative to folder)`` pairs.
    `listings` holds the folders listed already, and gains `folder`. Appends to
    `unreadable` `folder`, or a candidate package in it, that this user cannot read.
{%- if cookiecutter.cache == "yes" %}
    Appends to `watch` every entry that is, or could become, a package by gaining an
    ``__init__.py``: a change inside it changes the listing, but not `folder`'s time.
{%- endif %}
    """
    names = sorted(listdir(folder)) if listings is None else listings[folder]
    if unreadable is not None and not names and _closed(folder):
        unreadable.append(folder)
    found = []
    for name in names:
        if not name.startswith(prefix) or name.startswith("__"):
            continue  # __init__.py, __main__.py, __pycache__: no plugin
        init = f"{name}/__init__.py"
        if name.isidentifier():
            path = os.path.join(folder, name)
{%- if cookiecutter.cache == "yes" %}
            if watch is not None:
                watch.append(path)
{%- endif %}
            if isfile(os.path.join(folder, init)):
                found.append((name, init))
                continue
            if unreadable is not None and _closed(path):
                unreadable.append(path)
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
        self.listings = Listings()  # this scan's: the metadata folders are looked up often
        self._prefix = prefix
        self._files: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._sources: dict[str, tuple[str, str]] = {}
        self._added: dict[tuple[str, str], tuple[str, str]] = {}
        self._read = False
        self._stems: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self._named: list[tuple[str, frozenset[str], tuple[str, str]]] = []

    def of(self, entry: str, relative: str, plugin: str = "") -> tuple[str | None, str | None]:
        """Return the (name, version) that installed `relative` into sys.path entry `entry`.

        `plugin` names the plugin that file holds: a distribution named after it is
        asked first (see named_after).
        """
        owner = self._added.get((entry, relative))
        if owner is None and plugin and not self._read:
            owner = self.named_after(entry, relative, plugin)
        if owner:
            return owner
        owners = self.all_of(entry, relative)
        if owners:
            return owners[0]
        return self._sources.get(_real(entry)) or (None, None)

    def add(self, entry: str, relative: str, owner: tuple[str, str]) -> None:
        """Record that `owner` installed `relative` into `entry`, as no RECORD says."""
        self._added[(entry, relative)] = owner

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
        last = wanted.rpartition("-")[2]
        named = self._index(entry).get(last, [])
        return [folder for stem, folder in named if f"-{wanted}-" in stem]

    def _index(self, entry: str) -> dict[str, list[tuple[str, str]]]:
        """Index the metadata folders in `entry` by each dash-separated part of their names."""
        if entry not in self._stems:
            stems = self._stems[entry] = {}
            for folder in metadata_folders(entry, self.listings[entry]):
                stem = normalize(os.path.basename(folder).rpartition(".")[0].partition("-")[0])
                for part in set(stem.split("-")):
                    stems.setdefault(part, []).append((f"-{stem}-", folder))
        return self._stems[entry]

    def named_in(self, entry: str, text: str) -> list[str]:
        """Return the metadata folders in `entry` of the distributions whose name `text` holds.

        ``__editable__.my_app_x-1.0`` (setuptools' ``.pth``), ``_my_app_x`` (hatchling's)
        and ``my_app_x-editable`` name distribution ``my-app-x``; names compare normalized.
        """
        wanted = f"-{normalize(text)}-"
        index = self._index(entry)
        named = (pair for part in set(wanted.split("-")) for pair in index.get(part, []))
        return list(dict.fromkeys(folder for stem, folder in named if stem in wanted))

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
            for folder in metadata_folders(entry, self.listings[entry]):
                paths = _listed(folder, self._prefix)
                mine = [p for p in paths if p.startswith(self._prefix)]
                pth = [p for p in paths if p.endswith(".pth")]
                sources = [s for p in pth for s in _pth_folders(entry, p)]
                name, version = name_and_version(folder) if mine or pth else (None, None)
                if name and version:
                    for path in mine:
                        self._files.setdefault((entry, path), []).append((name, version))
                    for source in sources:
                        self._sources.setdefault(source, (name, version))


def plugins_from_modules(found: list[Module], owners: Owners) -> Discovery:
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


def add_editables(
    found: list[Module], owners: Owners, prefix: str, namespace: str = ""
) -> {% if cookiecutter.cache == "yes" %}tuple[list[Module], list[str]]{% else %}list[Module]{% endif %}:
    """Add to `found` the plugins that editable installs serve through an import hook.

    A candidate is a module named by the installation: its distribution's name,
    top_level.txt, or a module in its project folder or a folder in it (``src``,
    ``lib``...). It is a plugin only if the import system would import it, and from
    a file; a name that the listing found already keeps what the listing found.
    Plugin modules are named ``<prefix><plugin>`` (top level), or, with `namespace`,
    ``<namespace>.<plugin>`` from distributions named ``<prefix><plugin>``.

    Returns every module in sys.path order (an editable's is placed at the entry
    that holds its metadata){% if cookiecutter.cache == "yes" %}, and the folders whose changes make this stale{% endif %}.
    """
    installs = editable_installs(owners)
    if not installs:
        return found{% if cookiecutter.cache == "yes" %}, []{% endif %}  # most environments: nothing more to ask
    targets = {target for *_, target in found}
    seen = {_real(os.path.join(entry, relative)) for entry, relative, *_ in found}
    order = {entry: index for index, entry in reversed(list(enumerate(sys.path)))}
    added: list[Module] = []
{%- if cookiecutter.cache == "yes" %}
    folders: list[str] = []
{%- endif %}
    for entry, name, version, project, top_level in installs:
        roots = _source_roots(project) if project else []
        if namespace:
            roots = [os.path.join(root, *namespace.split(".")) for root in roots]
{%- if cookiecutter.cache == "yes" %}
        folders += [project, *roots] if project else []  # the project: a new folder in it
{%- endif %}
        for module in sorted(_offered(name, top_level, roots, prefix, namespace)):
            target = f"{namespace}.{module}" if namespace else module
            location = None if target in targets else spec_location(target)
            if location is None or _real(location) in seen:
                continue
            targets.add(target)
            seen.add(_real(location))
            plugin = module if namespace else module[len(prefix) :]
            added.append((entry, location, plugin, target))
            owners.add(entry, location, (name, version))
{%- if cookiecutter.cache == "yes" %}
            folders += _holders(location)
{%- endif %}
    merged = sorted([*found, *added], key=lambda module: order.get(module[0], len(order)))
    return merged{% if cookiecutter.cache == "yes" %}, folders{% endif %}


def _source_roots(project: str) -> list[str]:
    """Return the folders of editable `project` that its modules may lie in.

    They are the project folder, ``src`` (even before it exists) and every other
    folder in it but hidden ones.
    """
    others = sorted(name for name in listdir(project) if not name.startswith((".", "__")))
    folders = [os.path.join(project, name) for name in others if name != "src"]
    return [project, os.path.join(project, "src"), *filter(isdir, folders)]

{%- if cookiecutter.cache == "yes" %}


def _holders(location: str) -> list[str]:
    """Return the folders whose listing shows module file `location`: its own, and a package's."""
    folder = os.path.dirname(location)
    if os.path.basename(location).startswith("__init__."):
        return [folder, os.path.dirname(folder)]
    return [folder]
{%- endif %}


def _offered(
    name: str, top_level: list[str], roots: list[str], prefix: str, namespace: str
) -> set[str]:
    """Return the plugin module names an editable install may offer (see add_editables)."""
    own = normalize(name).replace("-", "_")
    if namespace:
        names = {own[len(prefix) :]} if own.startswith(prefix) else set()
        names.update(module for root in roots for module, _ in modules(root))
        return {module for module in names if module.isidentifier()}
    names = {own, *top_level, *(module for root in roots for module, _ in modules(root, prefix))}
    return {m for m in names if m.isidentifier() and m.startswith(prefix) and m != prefix}


def editable_installs(owners: Owners) -> list[tuple[str, str, str, str, list[str]]]:
    """Return every install that an import hook may serve, first sys.path entry first.

    Each is (sys.path entry of its metadata, name, version, project folder or "",
    the top-level names in its top_level.txt). Such an install ships a ``.pth``
    file with an ``import`` line (which installs the hook), named after its
    distribution, and its RECORD lists that file; the installer says where its
    project is in direct_url.json (PEP 610). Only those few metadata folders are read.
    """
    found = []
    for entry, folder in _hook_owners(owners):
        name, version = name_and_version(folder)
        if name and version:
            project = _editable_project(folder) or ""
            found.append((entry, name, version, project, _lines(folder, "top_level.txt")))
    return found


def _hook_owners(owners: Owners) -> list[tuple[str, str]]:
    """Return (sys.path entry, metadata folder) of each install whose ``.pth`` runs code."""
    return [
        (entry, folder)
        for entry in sys.path
        for pth in _pth_files(owners.listings[entry])
        if _imports(os.path.join(entry, pth))
        for folder in owners.named_in(entry, pth.removesuffix(".pth"))
        if pth in _listed(folder, pth)
    ]


def _pth_files(names: list[str]) -> list[str]:
    """Return the names of the ``.pth`` files among a sys.path entry's sorted `names`."""
    return [name for name in names if name.endswith(".pth")]


def _imports(path: str) -> bool:
    """Tell whether the ``.pth`` file at `path` runs code (a line that starts with import)."""
    try:
        text = read_bytes(path)
    except OSError:
        return False
    return any(line.startswith((b"import ", b"import\t")) for line in text.splitlines())


def spec_location(target: str) -> str | None:
    """Return the file that Python would import module `target` from, or None.

    Asks the import system, import hooks included, without running the module
    (a dotted name's parents must be imported already).
    """
    from importlib.util import find_spec  # only when an editable install may offer one: 3 ms

    try:
        spec = find_spec(target)
    except Exception:  # a finder that fails cannot import it either
        return None
    if spec is None or not spec.has_location or not isinstance(spec.origin, str):
        return None
    return spec.origin


def _editable_project(folder: str) -> str | None:
    """Return the project folder of an editable install's metadata `folder`, or None."""
    try:
        text = read_bytes(os.path.join(folder, "direct_url.json")).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if '"editable"' not in text:  # most are not: spare them json (7.5 ms)
        return None
    import json

    try:
        record = json.loads(text)
        editable = record["dir_info"]["editable"] is True
        url = record["url"]
    except (ValueError, TypeError, KeyError):
        return None
    if not editable or not isinstance(url, str) or not url.startswith("file://"):
        return None
    path = _file_path(url)
    return None if "\0" in path else path  # %00 makes no path


def _file_path(url: str) -> str:
    """Return the local path of a ``file://`` URL."""
    path = url.removeprefix("file://").removeprefix("localhost")
    if "%" in path:
        from urllib.parse import unquote

        path = unquote(path)
    if os.name == "nt" and path[:1] == "/" and path[2:3] == ":":
        path = path[1:]  # file:///C:/project
    return os.path.normpath(path)


def _lines(folder: str, filename: str) -> list[str]:
    """Return the non-empty lines of a metadata file, or none if it is missing."""
    try:
        lines = read_bytes(os.path.join(folder, filename)).decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [line.strip() for line in lines if line.strip()]


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


def _closed(folder: str) -> bool:
    """Tell whether `folder` is a folder that this user may not list or enter."""
    return os.path.isdir(folder) and not os.access(folder, os.R_OK | os.X_OK)


def closed_folders(folders: list[str]) -> list[str]:
    """Say, for each folder that this user cannot read, that its plugins are not listed."""
    said = "permission denied; the plugins in it are not listed"
    return [f"cannot read {folder}: {said}" for folder in folders]


def _real(folder: str) -> str:
    """Return a folder's real path, normalized for comparison."""
    return os.path.normcase(os.path.realpath(folder))


def _pth_folders(entry: str, pth: str) -> list[str]:
    """Return the folders a ``.pth`` file adds to sys.path, normalized."""
    try:
        text = read_bytes(os.path.join(entry, pth)).decode("utf-8")
        lines = [line.strip() for line in text.splitlines()]
    except (OSError, UnicodeDecodeError):
        return []
    return [
        _real(os.path.join(entry, line))
        for line in lines
        if line and "\0" not in line and not line.startswith(("#", "import ", "import\t"))
    ]
