"""Run the command line as ``python -m {{ cookiecutter.host_package }}``."""

import os
import sys

from .cli import main


def _drop_working_directory() -> None:
    """Take the current directory off sys.path, as pip does for ``python -m pip``.

    ``python -m`` puts it first on sys.path, so a stray ``{{ cookiecutter.host_package }}_*.py`` or
    ``*.dist-info`` there could be discovered as a plugin. The console script never
    has it; ``python -P`` (PYTHONSAFEPATH=1) keeps it off from the start.
    """
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]


if __name__ == "__main__":
    _drop_working_directory()
    sys.exit(main())
