"""Entry-point discovery: plugins announce themselves in package metadata.

A plugin distribution declares, in its ``pyproject.toml``::

    [project.entry-points."{{ cookiecutter.host_package }}.plugins.v1"]
    hello = "{{ cookiecutter.host_package }}_hello"

The group's name states the plugin API version the plugin was written for (``v1``),
so an incompatible plugin is refused before any of its code runs. A plugin in the
plain ``{{ cookiecutter.host_package }}.plugins`` group is checked after import only. Both are
standard entry points (an object reference, ``module:attribute [extras]``).

This reads the same metadata as the PyPA guide's ``entry_points(group=...)``, but
walks sys.path itself, so that a distribution installed twice is reported
instead of silently shadowed{% if cookiecutter.cache == "yes" %}, and so that the result can be cached{% endif %}. It reads the
files directly (``metadata.py``): importing importlib.metadata alone costs more
than the rest of a start.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from .records import Discovery, Found

GROUP = "{{ cookiecutter.host_package }}.plugins"


{% if cookiecutter.cache == "yes" %}def find() -> tuple[Discovery, list[str]]:{% else %}def find() -> Discovery:{% endif %}
    """Find the plugins declared in installed metadata, in sys.path order.
{% if cookiecutter.cache == "yes" %}
    Returns the plugins and warnings, and the folders (and files) whose changes make
    them stale.
{%- endif %}
    Only the distributions whose ``entry_points.txt`` names this host's group have
    their METADATA read, and only its Name and Version.
    """
    from .display import brief
    from .environment import metadata_folders, name_and_version, normalize, read_bytes, unreadable
    from .metadata import parse

    plugins: list[Found] = []
    warnings: list[str] = []
{%- if cookiecutter.cache == "yes" %}
    folders = list(sys.path)
{%- endif %}
    first_copy: dict[str, str] = {}
    group = GROUP.encode()
    for folder in (f for entry in sys.path for f in metadata_folders(entry)):
{%- if cookiecutter.cache == "yes" %}
        if folder.endswith(".egg-info"):
            # setuptools rewrites an .egg-info where it is (egg_info, develop): watch it
            # even while it declares no plugin, and the files read here, whose changes in
            # place do not show on the folder.
            read_here = ("entry_points.txt", "PKG-INFO")
            folders += [folder, *(os.path.join(folder, name) for name in read_here)]
{%- endif %}
        try:
            data = read_bytes(os.path.join(folder, "entry_points.txt"))
        except (FileNotFoundError, NotADirectoryError):
            continue  # most distributions declare no entry points
        except OSError as exc:  # unreadable to this user, a FIFO, too large: say so
            warnings.append(f"{unreadable(exc)}; the plugins it may declare are not listed")
            continue
        if group not in data:
            continue  # nor any of this host's: do not parse them, nor their METADATA
        try:
            points = [point for point in parse(data.decode("utf-8")) if _ours(point[0])]
        except ValueError as exc:  # UnicodeDecodeError too: it must not stop the host
            warnings.append(f"cannot read the metadata in {folder}: {exc}; ignored")
            continue
        if not points:
            continue
        name, version = name_and_version(folder)
        if not name:
            warnings.append(f"{folder} declares plugins but has no valid Name; ignored")
            continue
        other = first_copy.setdefault(normalize(name), folder)
        if other != folder and not _one_install(other, folder):
            warnings.append(
                f"distribution {name} {version} is installed twice: in {os.path.dirname(other)} "
                f"and in {os.path.dirname(folder)}; using the first"
            )
        if other != folder:
            continue  # shadowed, as it is for imports
{%- if cookiecutter.cache == "yes" %}
        if not folder.endswith(".egg-info"):
            folders.append(folder)  # installers write a .dist-info afresh
{%- endif %}
        for point_group, point_name, value in points:
            ours, api_version = _group(point_group)
            if not ours:
                warnings.append(
                    f"{name} {version} declares entry points in {brief(point_group)!r}, which is "
                    f"no plugin group of this host ({GROUP!r}, or {GROUP + '.v<N>'!r} for API "
                    "version N); ignored"
                )
                continue
            plugins.append(
                {
                    "name": point_name,
                    "target": value,
                    "distribution": name,
                    "version": version,
                    "location": folder,
                    "api_version": api_version,
                }
            )
    return {"plugins": plugins, "warnings": warnings}{% if cookiecutter.cache == "yes" %}, folders{% endif %}


def _one_install(first: str, second: str) -> bool:
    """Tell whether metadata folders `first` and `second` are one editable install, not two.

    setuptools installs a src layout in editable mode as a ``.dist-info`` whose ``.pth``
    puts the ``src`` folder on sys.path, and leaves ``src/<name>.egg-info`` there: a
    second copy of the metadata, inside the source tree that the ``.dist-info``'s
    ``direct_url.json`` names. Two real copies would shadow each other; these do not.
    """
    eggs = [folder for folder in (first, second) if folder.endswith(".egg-info")]
    dists = [folder for folder in (first, second) if folder.endswith(".dist-info")]
    if len(eggs) != 1 or len(dists) != 1:
        return False
    source = _editable_source(dists[0])
    if source is None:
        return False
    egg, tree = (os.path.normcase(os.path.realpath(path)) for path in (eggs[0], source))
    try:
        return os.path.commonpath([egg, tree]) == tree
    except ValueError:  # on another drive
        return False


def _editable_source(folder: str) -> str | None:
    """Return the local folder that the editable install in `folder` was made from, if it is one.

    PEP 610: ``direct_url.json`` holds ``{"url": "file:///...", "dir_info": {"editable": true}}``.
    """
    import json  # only when a distribution is seen twice
    from urllib.parse import unquote, urlsplit

    from .environment import read_bytes

    try:
        direct = json.loads(read_bytes(os.path.join(folder, "direct_url.json")))
        url = urlsplit(direct["url"])
        if direct["dir_info"]["editable"] is not True or url.scheme != "file":
            return None
    except (OSError, ValueError, TypeError, KeyError):
        return None
    path = unquote(url.path)
    if "\0" in path:
        return None  # no path
    if os.name == "nt":  # file:///C:/src -> C:/src; file://server/share/src -> //server/share/src
        path = f"//{url.netloc}{path}" if url.netloc not in ("", "localhost") else path[1:]
    elif url.netloc not in ("", "localhost"):
        return None  # on another machine
    return os.path.normpath(path)


def load(found: Found) -> object:
    """Import what an entry point names: ``module`` or ``module:attribute``, extras aside."""
    reference = found["target"].partition("[")[0]  # extras name what to install, not what to load
    module, _, attribute = (part.strip() for part in reference.partition(":"))
    # importlib.import_module, without importing importlib and warnings: 0.33 ms a start
    __import__(module)
    plugin: object = sys.modules[module]
    for part in filter(None, attribute.split(".")):
        plugin = getattr(plugin, part)
    return plugin


def _ours(group: str) -> bool:
    """Tell whether entry-point group `group` is this host's, or meant to be."""
    return group == GROUP or group.startswith(GROUP + ".")


def _group(group: str) -> tuple[bool, int | None]:
    """Tell whether `group` is one of this host's plugin groups, and the API version it names."""
    if group == GROUP:
        return True, None
    version = group.removeprefix(GROUP + ".v")
    if version != group and version.isascii() and version.isdigit() and len(version) <= 9:
        return True, int(version)  # at most 9 digits: int() refuses 4,300 and more
    return False, None
