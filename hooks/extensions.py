"""Jinja helpers for this template: where it lives, TOML strings, the year, slugs.

Cookiecutter loads this module through ``_extensions`` in cookiecutter.json (it
puts the template's root on sys.path while it renders); copier through
``_jinja_extensions`` in copier.yml (copier-template-extensions loads it by path).
Both then find the shared fragments in ``templates/`` (see ``TemplateHelpers``).

**Where the template lives.** The commands a generated project prints (bootstrap a plugin, link to cruft) name
the template. Cookiecutter only records what it was given (``_template``), which
may be a relative path, or a folder only this machine has. This names, in order:

1. a URL or an abbreviation such as ``gh:org/repo``, as given;
2. for a local git checkout with an ``origin`` remote, that remote's URL;
3. otherwise the template's absolute local path.

cruft renders from a git clone of the template, whose ``origin`` is the template
as the user gave it, so the same rules name the same place.

A relative path is resolved as cookiecutter resolved it: files are rendered with
the template folder as the working directory, so the template's root is that
folder's parent, whatever ``-o`` says.
"""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
import subprocess
import unicodedata
from datetime import datetime, timezone

from jinja2 import Environment, FileSystemLoader
from jinja2.ext import Extension

# A scheme ("https:", "git+ssh:", "gh:") or scp-like "user@host:path"; not a drive letter.
REMOTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:|[^/\\@\s]+@[^/\\:\s]+:")
TEMPLATE_FOLDER = "{{cookiecutter.project_slug}}"
# host_source as a folder: /abs, C:/abs, ./rel or ../rel (hooks/pre_gen_project.py's rule).
LOCAL_FOLDER = re.compile(r"[A-Za-z]:/|\.{0,2}/")


def is_remote(location: str) -> bool:
    """Tell whether `location` is a URL or abbreviation rather than a local path."""
    return REMOTE.match(location) is not None


def is_folder(source: str) -> bool:
    """Tell whether a host_source is a folder (absolute, or relative to the plugin's) rather
    than a URL. hooks/post_gen_project.py, which cannot import this module, has the twin."""
    return LOCAL_FOLDER.match(source) is not None


def template_location(template: str = "", repo_dir: str = "") -> str:
    """Return where the template lives, as a URL or an absolute local path."""
    if template and is_remote(template):
        return template
    cwd = os.getcwd()
    if template and (ntpath.isabs(template) or posixpath.isabs(template)):
        root = template
    elif os.path.basename(cwd) == TEMPLATE_FOLDER:
        root = os.path.dirname(cwd)  # rendering a file: cwd is the template folder
    elif os.path.isfile(os.path.join(cwd, "cookiecutter.json")):
        root = cwd  # rendering a hook: cwd is the template's root
    else:
        root = os.path.abspath(template or repo_dir or os.curdir)
    # cruft renders from a temporary clone, whose origin is the template as given.
    return origin(root) or root


def origin(folder: str) -> str | None:
    """Return the URL of the ``origin`` remote of the git checkout at `folder`, if any."""
    try:
        result = subprocess.run(
            ["git", "-C", folder, "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    url = result.stdout.strip()
    return url if result.returncode == 0 and url and "\n" not in url else None


def toml_string(text: object) -> str:
    """Return `text` as a TOML basic string, valid for any Unicode text.

    Only what TOML requires is escaped: quotes, backslashes and control
    characters. Jinja's ``tojson`` would also write characters outside the Basic
    Multilingual Plane (an emoji) as surrogate pairs, which TOML forbids.
    """
    escaped = []
    for char in str(text):
        if char in '"\\':
            escaped.append("\\" + char)
        elif char < " " or char == "\x7f":
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def this_year() -> str:
    """Return the current year in UTC, for copyright lines."""
    return str(datetime.now(timezone.utc).year)


def slugify(text: str) -> str:
    """Slugify as cookiecutter's ``slugify`` filter does, for copier, which lacks one.

    Cookiecutter's filter is python-slugify's, used here when it is installed (it comes
    with cookiecutter). Without it, letters lose their accents and anything else
    becomes one hyphen, which gives the same slug for names of ASCII letters.
    """
    try:
        from slugify import slugify as python_slugify
    except ImportError:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return str(python_slugify(text))


class TemplateHelpers(Extension):
    """Add ``template_location()``, ``is_remote()``, ``is_folder()``, ``this_year()`` and the ``toml`` filter to Jinja.

    Under copier it also adds the ``slugify`` filter, and the ``templates/`` folder to
    where includes are looked up: cookiecutter looks there already (``../templates``
    from the project folder), copier only in the template's root.
    """

    def __init__(self, environment: Environment) -> None:
        """Register the globals and the filters; make the shared fragments reachable."""
        super().__init__(environment)
        environment.globals["template_location"] = template_location
        environment.globals["is_remote"] = is_remote
        environment.globals["is_folder"] = is_folder
        environment.globals["this_year"] = this_year
        environment.filters["toml"] = toml_string
        environment.filters.setdefault("slugify", slugify)
        loader = environment.loader
        if isinstance(loader, FileSystemLoader) and loader.searchpath:
            shared = os.path.join(loader.searchpath[0], "templates")
            if os.path.isdir(shared) and shared not in loader.searchpath:
                loader.searchpath.append(shared)
