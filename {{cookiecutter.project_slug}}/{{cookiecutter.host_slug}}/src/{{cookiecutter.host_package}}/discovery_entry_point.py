"""Entry-point discovery: plugins announce themselves in package metadata.

A plugin distribution declares, in its ``pyproject.toml``::

    [project.entry-points."{{ cookiecutter.host_package }}.plugins"]
    hello = "{{ cookiecutter.host_package }}_hello"

    [project.entry-points."{{ cookiecutter.host_package }}.plugin_api"]
    hello = "1"

The second group states the plugin API version the plugin was written for, so an
incompatible plugin is refused before any of its code runs.

This reads the same metadata as the PyPA guide's ``entry_points(group=...)``, but
walks sys.path itself, so that a distribution installed twice is reported
instead of silently shadowed, and so that the result can be cached.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

from .environment import metadata_folders, normalize

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .records import Discovery, Found

GROUP = "{{ cookiecutter.host_package }}.plugins"
API_GROUP = "{{ cookiecutter.host_package }}.plugin_api"


def find() -> tuple[Discovery, list[str]]:
    """Find the plugins declared in installed metadata, in sys.path order.

    Returns the plugins and warnings, and the folders whose changes make them stale.
    """
    from importlib.metadata import Distribution  # ~20 ms: paid only when the cache misses

    plugins: list[Found] = []
    warnings: list[str] = []
    folders = list(sys.path)
    first_copy: dict[str, str] = {}
    for folder in (f for entry in sys.path for f in metadata_folders(entry)):
        dist = Distribution.at(folder)
        try:
            points = [ep for ep in dist.entry_points if ep.group in (GROUP, API_GROUP)]
            if not points:
                continue  # most distributions: do not parse their METADATA
            name, version = dist.metadata["Name"], dist.version
        except Exception as exc:  # unreadable metadata must not stop the host
            warnings.append(f"cannot read the metadata in {folder}: {exc}; ignored")
            continue
        if not name:
            warnings.append(f"{folder} declares plugins but has no Name in its metadata; ignored")
            continue
        other = first_copy.setdefault(normalize(name), folder)
        if other != folder:
            warnings.append(
                f"distribution {name} {version} is installed twice: in {os.path.dirname(other)} "
                f"and in {os.path.dirname(folder)}; using the first"
            )
            continue
        folders.append(folder)
        declared = {ep.name: ep.value for ep in points if ep.group == API_GROUP}
        plugins.extend(
            {
                "name": ep.name,
                "target": ep.value,
                "distribution": name,
                "version": version,
                "location": folder,
                "api_version": _integer(declared.get(ep.name)),
            }
            for ep in points
            if ep.group == GROUP
        )
    return {"plugins": plugins, "warnings": warnings}, folders


def load(found: Found) -> object:
    """Import the object an entry point names: ``module`` or ``module:attribute``."""
    module, _, attribute = found["target"].partition(":")
    plugin: object = import_module(module.strip())
    for part in filter(None, attribute.strip().split(".")):
        plugin = getattr(plugin, part)
    return plugin


def _integer(value: str | None) -> int | None:
    """Parse a declared API version; an unparsable one counts as undeclared."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
