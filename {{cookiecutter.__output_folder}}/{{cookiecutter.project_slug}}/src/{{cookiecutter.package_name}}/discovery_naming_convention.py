"""Naming-convention discovery: every top-level module named ``{{ cookiecutter.package_name }}_<plugin>``.

A plugin distribution ships a module or package such as ``{{ cookiecutter.package_name }}_hello``; the
host lists sys.path for names with the ``{{ cookiecutter.package_name }}_`` prefix, as the PyPA guide's
``pkgutil.iter_modules()`` snippet does, and imports only the plugins a command
needs. Listing the folders directly is several times faster than pkgutil.

Only the sys.path entries are searched, so run the console script (or
``python -P -m {{ cookiecutter.package_name }}``): ``python -m`` and ``python -c`` put the current
directory on sys.path, where any stray ``{{ cookiecutter.package_name }}_*.py`` would become a plugin.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

from .environment import modules, owners

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .cache import Result
    from .loading import Found

PREFIX = "{{ cookiecutter.package_name }}_"


def find() -> tuple[Result, list[str]]:
    """Find the ``{{ cookiecutter.package_name }}_*`` modules on sys.path, first entry first.

    Returns the plugins and warnings, and the folders whose changes make them stale.
    """
    found = [(entry, *m) for entry in sys.path for m in modules(entry, PREFIX)]
    installed = owners(sys.path, PREFIX) if found else {}
    plugins: list[Found] = []
    warnings: list[str] = []
    first: dict[str, str] = {}
    for entry, module, relative in found:
        location = os.path.join(entry, relative)
        name, version = installed.get((entry, relative)) or installed.get(
            (os.path.normcase(os.path.realpath(entry)), ""), (None, None)
        )
        source = f"{location} ({name} {version})" if name else location
        other = first.setdefault(module, source)
        if other != source:
            warnings.append(
                f"module {module} is found twice: {other} and {source}; using the first"
            )
            continue
        plugins.append(
            {
                "name": module[len(PREFIX) :],
                "target": module,
                "distribution": name,
                "version": version,
                "location": location,
                "api_version": None,
            }
        )
    return {"plugins": plugins, "warnings": warnings}, list(sys.path)


def load(found: Found) -> object:
    """Import a plugin module."""
    return import_module(found["target"])
