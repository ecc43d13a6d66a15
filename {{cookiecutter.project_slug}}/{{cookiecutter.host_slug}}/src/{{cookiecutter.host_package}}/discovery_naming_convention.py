"""Naming-convention discovery: every top-level module named ``{{ cookiecutter.host_package }}_<plugin>``.

A plugin distribution ships a module or package such as ``{{ cookiecutter.host_package }}_hello``; the
host lists sys.path for names with the ``{{ cookiecutter.host_package }}_`` prefix, as the PyPA guide's
``pkgutil.iter_modules()`` snippet does, and imports only the plugins a command
needs. Listing the folders directly is several times faster than pkgutil.
Editable installs that an import hook serves (no folder on sys.path) are found
from what their installation records, and kept if Python would import them.

Only the sys.path entries are searched, so run the console script (or
``python -P -m {{ cookiecutter.host_package }}``): ``python -m`` and ``python -c`` put the current
directory on sys.path, where any stray ``{{ cookiecutter.host_package }}_*.py`` would become a plugin.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .records import Discovery, Found

PREFIX = "{{ cookiecutter.host_package }}_"


def find() -> tuple[Discovery, list[str]]:
    """Find the ``{{ cookiecutter.host_package }}_*`` modules on sys.path, first entry first.

    Returns the plugins and warnings, and the folders whose changes make them stale.
    """
    from .listing import Owners, add_editables, closed_folders, modules, plugins_from_modules

    owners = Owners(PREFIX)
    watch = list(sys.path)  # and every package folder, or folder that may become one
    unreadable: list[str] = []
    listed = [
        (entry, relative, module[len(PREFIX) :], module)
        for entry in sys.path
        for module, relative in modules(entry, PREFIX, watch, owners.listings, unreadable)
    ]
    found, folders = add_editables(listed, owners, PREFIX)  # those an import hook serves
    result = plugins_from_modules(found, owners)
    result["warnings"] = closed_folders(unreadable) + result["warnings"]
    return result, [*watch, *folders]


def load(found: Found) -> object:
    """Import a plugin module."""
    return _import(found["target"])


def _import(name: str) -> object:
    """Import module `name`, as importlib.import_module does, without importing importlib.

    Importing the importlib package costs ~0.6 ms (it imports warnings) on every start.
    """
    __import__(name)
    return sys.modules[name]
