"""Small, fast readers of what is installed on sys.path: metadata folders and modules.

importlib.metadata and pkgutil answer these questions too, but importing them costs
10-20 ms, and importlib.metadata hides a distribution's second copy on sys.path.
"""

from __future__ import annotations

import os
{%- if cookiecutter.discovery != "entry-point" %}
from importlib.machinery import EXTENSION_SUFFIXES
{%- endif %}


def normalize(name: str) -> str:
    """Normalize a distribution name as PEP 503 does: ``My_App.x`` -> ``my-app-x``."""
    import re  # only needed when the cache misses; re costs ~3 ms to import

    return re.sub(r"[-_.]+", "-", name).lower()


def metadata_folders(entry: str) -> list[str]:
    """Return the metadata folders in sys.path entry `entry`, sorted by name."""
    try:
        names = os.listdir(entry or os.curdir)
    except OSError:  # missing, not a folder, or a zip file
        return []
    return [
        os.path.join(entry, name)
        for name in sorted(names)
        if name.endswith((".dist-info", ".egg-info"))
    ]
{%- if cookiecutter.discovery != "entry-point" %}


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
        if not name.startswith(prefix):
            continue
        init = f"{name}/__init__.py"
        if name.isidentifier() and os.path.isfile(os.path.join(folder, init)):
            found.append((name, init))
            continue
        stem = name.partition(".")[0]
        if stem.isidentifier() and name[len(stem) :] in (".py", *EXTENSION_SUFFIXES):
            found.append((stem, name))
    return found


def name_and_version(folder: str) -> tuple[str | None, str | None]:
    """Read the Name and Version headers of a metadata folder."""
    fields: dict[str, str] = {}
    for filename in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, filename), encoding="utf-8") as file:
                for line in file:
                    if not line.strip():
                        break  # the headers end at the first blank line
                    key, _, value = line.partition(":")
                    fields.setdefault(key.strip().lower(), value.strip())
        except OSError:
            continue
        break
    return fields.get("name"), fields.get("version")


def owners(entries: list[str], prefix: str) -> dict[tuple[str, str], tuple[str, str]]:
    """Map installed files to the distribution that installed them.

    Returns ``{(sys.path entry, relative path): (name, version)}`` for every file
    under `prefix` listed in a RECORD, and ``{(source folder, ""): ...}`` for the
    source folder of every editable install (a ``.pth`` file in its RECORD).
    """
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for entry in entries:
        for folder in metadata_folders(entry):
            try:
                with open(os.path.join(folder, "RECORD"), encoding="utf-8") as file:
                    paths = [line.rsplit(",", 2)[0].strip('"') for line in file]
            except (OSError, UnicodeDecodeError):
                continue
            mine = [p for p in paths if p.startswith(prefix)]
            sources = [s for p in paths if p.endswith(".pth") for s in _pth_folders(entry, p)]
            if not (mine or sources):
                continue
            name, version = name_and_version(folder)
            if not name or not version:
                continue
            for path in mine:
                found.setdefault((entry, path), (name, version))
            for source in sources:
                found.setdefault((source, ""), (name, version))
    return found


def _pth_folders(entry: str, pth: str) -> list[str]:
    """Return the folders a ``.pth`` file adds to sys.path, normalized."""
    try:
        with open(os.path.join(entry, pth), encoding="utf-8") as file:
            lines = [line.strip() for line in file]
    except (OSError, UnicodeDecodeError):
        return []
    return [
        os.path.normcase(os.path.realpath(os.path.join(entry, line)))
        for line in lines
        if line and not line.startswith(("#", "import ", "import\t"))
    ]
{%- endif %}
