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

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from .records import Discovery, Found

PREFIX = "{{ cookiecutter.host_package }}_"


{% if cookiecutter.cache == "yes" %}def find() -> tuple[Discovery, list[str]]:{% else %}def find() -> Discovery:{% endif %}
    """Find the ``{{ cookiecutter.host_package }}_*`` modules on sys.path, first entry first.{% if cookiecutter.cache == "yes" %}

    Returns the plugins and warnings, and the folders whose changes make them stale.
    {% endif %}"""
    from .listing import Owners, add_editables, closed_folders, modules, plugins_from_modules

    owners = Owners(PREFIX)
{%- if cookiecutter.cache == "yes" %}
    watch = list(sys.path)  # and every package folder, or folder that may become one
{%- endif %}
    unreadable: list[str] = []
    listed = [
        (entry, relative, module[len(PREFIX) :], module)
        for entry in sys.path
        for module, relative in modules(entry, PREFIX, owners.listings, unreadable{% if cookiecutter.cache == "yes" %}, watch{% endif %})
    ]
{%- if cookiecutter.cache == "yes" %}
    found, folders = add_editables(listed, owners, PREFIX)  # those an import hook serves
{%- else %}
    found = add_editables(listed, owners, PREFIX)  # those an import hook serves
{%- endif %}
    result = plugins_from_modules(found, owners)
    result["warnings"] = closed_folders(unreadable) + result["warnings"]
    return result{% if cookiecutter.cache == "yes" %}, [*watch, *folders]{% endif %}


def load(found: Found) -> object:
    """Import a plugin module."""
    # importlib.import_module, without importing importlib and warnings: 0.33 ms a start
    __import__(found["target"])
    return sys.modules[found["target"]]
