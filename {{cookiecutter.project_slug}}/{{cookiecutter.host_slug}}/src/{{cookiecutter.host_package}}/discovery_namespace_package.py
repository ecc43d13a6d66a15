"""Namespace-package discovery: every module in the ``{{ cookiecutter.host_package }}.plugins`` namespace.

A plugin distribution ships ``{{ cookiecutter.host_package }}/plugins/<plugin>/__init__.py`` (or
``<plugin>.py``) and *no* ``{{ cookiecutter.host_package }}/__init__.py`` or ``{{ cookiecutter.host_package }}/plugins/__init__.py``:
``{{ cookiecutter.host_package }}.plugins`` is a PEP 420 namespace package that many distributions share.

A namespace sub-package only searches its parent's ``__path__``; the host's
``__init__.py`` extends that to every sys.path entry, so plugins installed with
``--user``, ``--target`` or in editable mode are found. Each ``plugins`` folder
(a *portion*) is listed directly, as the PyPA guide's ``pkgutil.iter_modules()``
snippet does, and only the plugins a command needs are imported.

An editable install that an import hook serves (no folder on sys.path) is found
from what its installation records, and kept if the import system would import
it from the namespace that :func:`load` builds, with the portions that import hooks
serve (setuptools' flat layout maps ``{{ cookiecutter.host_package }}/plugins`` of the project folder).

The PyPA guide warns that one plugin shipping an ``__init__.py`` in the wrong place
breaks the namespace for everyone. The host detects that and warns, naming the
distribution, and builds the namespace from every portion regardless.
"""

from __future__ import annotations

import os
import sys

from . import __path__ as package_path
from .about import __version__

# importlib.machinery's ModuleSpec, from the import system, which is always loaded: importing
# importlib.machinery costs 0.5 ms a start, as it imports warnings (benchmarks/imports.py).
ModuleSpec = type(__spec__)
TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from .listing import Owners
    from .records import Discovery, Found


NAMESPACE = "{{ cookiecutter.host_package }}.plugins"
_PACKAGE = "{{ cookiecutter.host_package }}"
_RELATIVE = _PACKAGE + "/plugins/"
_HOST = "{{ cookiecutter.host_slug }}"  # normalized: a slug is


def portions() -> list[str]:
    """Return every ``{{ cookiecutter.host_package }}/plugins`` folder on sys.path, first entry first.

    This reads sys.path now, not the package's ``__path__``: ``python -m`` had the
    working directory on sys.path when the package was imported, but not any more.
    """
    return _portions(_package_folders())


def _portions(package_folders: list[str]) -> list[str]:
    """Return the ``plugins`` folders inside `package_folders`."""
    from .environment import isdir

    return [p for p in (os.path.join(f, "plugins") for f in package_folders) if isdir(p)]


def _package_folders() -> list[str]:
    """Return every ``{{ cookiecutter.host_package }}`` folder on sys.path, first entry first."""
    from .environment import isdir

    folders = (os.path.join(entry or os.curdir, _PACKAGE) for entry in sys.path)
    return list(dict.fromkeys(f for f in folders if isdir(f)))


{% if cookiecutter.cache == "yes" %}def find() -> tuple[Discovery, list[str]]:{% else %}def find() -> Discovery:{% endif %}
    """Find the modules in every portion of the namespace.{% if cookiecutter.cache == "yes" %}

    Returns the plugins and warnings, and the folders whose changes make them stale.
    {% endif %}"""
    from .listing import Owners, add_editables, closed_folders, modules, plugins_from_modules

    owners = Owners(_PACKAGE + "/")
    folders = _package_folders()
    namespace = _portions(folders)
{%- if cookiecutter.cache == "yes" %}
    watch = [*sys.path, *folders, *namespace]  # and every plugin folder, or one that may become one
{%- endif %}
    unreadable: list[str] = []
    listed = [
        (os.path.dirname(os.path.dirname(portion)), _RELATIVE + path, name, f"{NAMESPACE}.{name}")
        for portion in namespace
        for name, path in modules(portion, unreadable=unreadable{% if cookiecutter.cache == "yes" %}, watch=watch{% endif %})
    ]
    _build_namespace()  # as load() will import from it, so that the import system answers alike
    _add_hooked_portions()
{%- if cookiecutter.cache == "yes" %}
    found, editables = add_editables(listed, owners, _PACKAGE + "_", NAMESPACE)
{%- else %}
    found = add_editables(listed, owners, _PACKAGE + "_", NAMESPACE)
{%- endif %}
    result = plugins_from_modules(found, owners)  # first: it tells owners the plugins' owners
    misplaced = _misplaced_inits(folders, owners)
    result["warnings"] = closed_folders(unreadable) + misplaced + result["warnings"]
    return result{% if cookiecutter.cache == "yes" %}, [*watch, *editables]{% endif %}


def load(found: Found) -> object:
    """Import a plugin module from the namespace, built from every portion and the plugin's."""
    _build_namespace()
    folder = os.path.dirname(found["location"])  # <portion>/<name>/__init__.py, <portion>/<name>.py
    portion = os.path.dirname(folder) if os.path.basename(folder) == found["name"] else folder
    path = sys.modules[NAMESPACE].__path__
    if portion not in path:
        path.append(portion)  # one that an editable install's import hook serves
    # importlib.import_module, without importing importlib and warnings: 0.33 ms a start
    __import__(found["target"])
    return sys.modules[found["target"]]


def _build_namespace() -> None:
    """Make ``{{ cookiecutter.host_package }}.plugins`` a namespace of every portion on sys.path, unless imported.

    Built explicitly: a stray plugins/__init__.py in one portion would otherwise
    turn it into a regular package and hide all the others. Import hooks of
    editable installs serve their plugins' full names into it.
    """
    if NAMESPACE in sys.modules:
        return
    spec = ModuleSpec(NAMESPACE, None, is_package=True)
    spec.submodule_search_locations = portions()
    namespace = type(sys)(NAMESPACE)
    namespace.__spec__ = spec
    namespace.__path__ = spec.submodule_search_locations
    sys.modules[NAMESPACE] = namespace


def _add_hooked_portions() -> None:
    """Add to the namespace the portions that import hooks on sys.meta_path serve.

    An editable install whose finder maps the host's package to its project folder
    (setuptools, for a flat layout) serves ``{{ cookiecutter.host_package }}/plugins`` from there:
    the import system would find plugins in it, so discovery looks there too.
    """
    path = sys.modules[NAMESPACE].__path__
    parents = _package_folders()  # of sys.path now: the package's __path__ may hold the cwd
    for finder in sys.meta_path:
        try:
            spec = finder.find_spec(NAMESPACE, parents)
        except Exception:  # a finder that fails serves nothing
            continue
        locations = getattr(spec, "submodule_search_locations", None) or []
        path.extend(f for f in locations if isinstance(f, str) and f not in path)


def _misplaced_inits(package_folders: list[str], owners: Owners) -> list[str]:
    """Warn of every ``__init__.py`` a plugin shipped: beside the host's, or over it.

    Another copy of the host itself (say a ``pip install --target`` copy on
    PYTHONPATH) is no plugin's doing: it is named for what it is, and only if its
    version differs from the running host's, since then their modules may mix.
    """
    from .environment import isfile, normalize

    host = os.path.join(package_path[0], "__init__.py")
    warnings = []
    for folder in package_folders:
        entry = os.path.dirname(folder)
        for relative in (_PACKAGE + "/__init__.py", _RELATIVE + "__init__.py"):
            path = os.path.join(entry, relative)
            if not isfile(path):
                continue
            if not _same_file(path, host):  # the running host's own file has no owner to find
                owner = owners.of(entry, relative)
                host_copy = relative == _PACKAGE + "/__init__.py"
                if not (host_copy and _copy_of_the_host(path, host, owner)):
                    warnings.append(_broken(path, owner))
                elif owner[1] != __version__:
                    warnings.append(_second_copy(folder, owner))
            for other in owners.plugins_of(entry, relative):
                if normalize(other[0]) != _HOST:  # a plugin wrote over the host's own file
                    warnings.append(_broken(path, other, over_the_host=True))
    return warnings


def _copy_of_the_host(path: str, host: str, owner: tuple[str | None, str | None]) -> bool:
    """Tell whether `path` is the ``__init__.py`` of another copy of the host itself.

    It is if the host's distribution installed it or, where no distribution claims
    it, if it is the running host's own file, byte for byte.
    """
    from .environment import normalize, read_bytes

    if owner[0] is not None:
        return normalize(owner[0]) == _HOST
    try:
        return read_bytes(path) == read_bytes(host)
    except OSError:
        return False


def _second_copy(folder: str, owner: tuple[str | None, str | None]) -> str:
    """Warn about another copy of the host, of another or an unknown version."""
    name, version = owner
    source = f"{name} {version}" if name else "an unknown distribution"
    return (
        f"{folder} is a second copy of {_HOST} (from {source}); this {_HOST} "
        f"{__version__} runs from {package_path[0]}. Python may mix their modules: "
        "uninstall one of them."
    )


def _same_file(path: str, other: str) -> bool:
    """Tell whether two paths name one file; inside a zip file, whether they are one path."""
    try:
        return os.path.samefile(path, other)
    except OSError:  # in a zip file
        return os.path.normcase(os.path.abspath(path)) == os.path.normcase(os.path.abspath(other))


def _broken(path: str, owner: tuple[str | None, str | None], over_the_host: bool = False) -> str:
    """Warn about a misplaced ``__init__.py``, naming its distribution if known."""
    name, version = owner
    source = f"{name} {version}" if name else "an unknown distribution"
    if over_the_host:
        return (
            f"{path} was also installed by {source}, over the host's own; plugins must not "
            f"ship it. The host goes on working; if uninstalling {name} breaks it, reinstall "
            f"{_HOST}."
        )
    return (
        f"{path} (from {source}) breaks the {NAMESPACE} namespace "
        "for other plugins; plugins must not ship an __init__.py there. It is ignored."
    )
