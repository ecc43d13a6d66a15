"""Small, fast readers of what is installed on sys.path, for every discovery style.

importlib.metadata and pkgutil answer such questions too, but importing them costs
10-20 ms, and importlib.metadata hides a distribution's second copy on sys.path.
"""

from __future__ import annotations

import os


def normalize(name: str) -> str:
    """Normalize a distribution name as PEP 503 does: ``My_App.x`` -> ``my-app-x``.

    This is ``re.sub(r"[-_.]+", "-", name).lower()`` without importing re (~3 ms),
    so that the switches can normalize their names on every start.
    """
    name = name.lower().replace("_", "-").replace(".", "-")
    while "--" in name:
        name = name.replace("--", "-")
    return name


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


def name_and_version(folder: str) -> tuple[str | None, str | None]:
    """Read the Name and Version headers of a metadata folder (METADATA, else PKG-INFO)."""
    fields: dict[str, str] = {}
    for filename in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, filename), encoding="utf-8") as file:
                for line in file:
                    if not line.strip():
                        break  # the headers end at the first blank line
                    key, _, value = line.partition(":")
                    fields.setdefault(key.strip().lower(), value.strip())
        except (OSError, UnicodeDecodeError):
            continue
        break
    return fields.get("name"), fields.get("version")
