"""{{ cookiecutter.host_name }}: a command-line application that plugins extend."""
{%- if cookiecutter.discovery == "namespace-package" %}

import os as _os
import sys as _sys
{%- endif %}

from .about import __version__ as __version__

# Nothing the host needs lives here: an empty copy of this file, shipped by a plugin
# by mistake, must not stop it (the name and version are in about.py).
{%- if cookiecutter.discovery == "namespace-package" %}

# Plugins live in the {{ cookiecutter.host_package }}.plugins namespace, which only searches this package's
# __path__. Add the {{ cookiecutter.host_package }} folder of every other sys.path entry, as
# pkgutil.extend_path would, so that plugins installed with --user, --target or in
# editable mode are found too. (This costs a few stat calls; pkgutil costs 11 ms.)
# A zip file on sys.path (a zipapp, a wheel on PYTHONPATH) is added unlooked-at:
# zipimport finds the folder inside it, or nothing.
__path__ = [
    *__path__,
    *(
        folder
        for entry in _sys.path
        for folder in [_os.path.join(entry or _os.curdir, __name__)]
        if folder not in __path__ and (_os.path.isdir(folder) or _os.path.isfile(entry))
    ),
]
{%- endif %}
{%- if cookiecutter.contract == "hooks" %}

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from .hookspecs import hookimpl as hookimpl


def __getattr__(name: str) -> object:
    """Give plugins ``hookimpl`` (``from {{ cookiecutter.host_package }} import hookimpl``) when they ask.

    It is pluggy's marker, from hookspecs.py: importing pluggy here would cost every
    start 20 ms (benchmarks/imports.py), ``--version`` and ``--help`` included.
    """
    if name == "hookimpl":
        from .hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
{%- endif %}
