"""The records that discovery produces and ``plugins --json`` shows, and the error of a plugin.

This module imports nothing of the host, so that every other module can use it.
The types exist for type checkers only;
{%- if cookiecutter.cache == "yes" %} :func:`is_discovery` checks at run time that a cached
result still has their shape.
{%- endif %}
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing's, without importing typing: 9.5 ms a start (benchmarks/imports.py)
if TYPE_CHECKING:
    from typing import TypedDict

    class Found(TypedDict):
        """A plugin as discovery finds it, before any of its code runs."""

        name: str
        target: str  # what to import: "module" or "module:attribute"
        distribution: str | None
        version: str | None
        location: str  # the file or metadata folder it was found in
        api_version: int | None  # as declared in metadata, where the style allows

    class Discovery(TypedDict):
        """What discovery found: the plugins in sys.path order, and what to warn about."""

        plugins: list[Found]
        warnings: list[str]

    class Report(TypedDict):
        """One plugin as ``plugins --json`` shows it."""

        name: str
        status: str  # "ok", "failed", "disabled" or "incompatible"
        distribution: str | None
        version: str | None
        error: str | None
        switch: str | None  # the variable that switched it off, if one did
        summary: str
{%- if cookiecutter.contract == "hooks" %}
        hooks: list[str]  # the hooks it implements, once loaded
{%- endif %}
        location: str


class PluginError(Exception):
    """A plugin cannot be loaded or used; the message, one line, says why.

    The contract raises it without the plugin's name; loading adds the name.
    """


class IncompatibleError(PluginError):
    """A plugin targets another plugin API version."""
{%- if cookiecutter.cache == "yes" %}


#: The keys of Found and the types of their values.
FOUND_FIELDS = (
    ("name", (str,)),
    ("target", (str,)),
    ("distribution", (str, type(None))),
    ("version", (str, type(None))),
    ("location", (str,)),
    ("api_version", (int, type(None))),
)


def is_discovery(result: object) -> bool:
    """Tell whether `result` has the shape of a Discovery (a cache entry may not)."""
    if type(result) is not dict:
        return False
    plugins, warnings = result.get("plugins"), result.get("warnings")
    return (
        type(plugins) is list
        and type(warnings) is list
        and all(type(warning) is str for warning in warnings)
        and all(
            type(found) is dict
            and all(key in found and type(found[key]) in types for key, types in FOUND_FIELDS)
            for found in plugins
        )
    )
{%- endif %}
