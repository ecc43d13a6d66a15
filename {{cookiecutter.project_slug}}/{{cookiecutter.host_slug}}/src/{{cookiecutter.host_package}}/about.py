"""What the host is called and which version it is.

This lives here, not in ``__init__.py``: a plugin that wrongly ships an empty
``{{ cookiecutter.host_package }}/__init__.py`` may overwrite the host's, and the host must go on working.
"""

#: The host's version.
__version__ = "{{ cookiecutter.version }}"

#: The command, as messages name it.
PROG = "{{ cookiecutter.host_slug }}"
