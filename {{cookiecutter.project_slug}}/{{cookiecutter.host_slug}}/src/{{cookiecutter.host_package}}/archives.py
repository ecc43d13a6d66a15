"""Zip files on sys.path (zipapps, wheels, eggs), seen as folders through zipfile.

Python imports modules from a zip file on sys.path (zipimport), so discovery must
list one as it lists a folder. This module is imported, and zipfile with it, only
when sys.path holds a file.
"""

from __future__ import annotations

import os
import zipfile


class Archive:
    """A zip file's folders and files, listed once; paths inside it use ``/``."""

    def __init__(self, path: str) -> None:
        """Open the zip file at `path`; raise OSError or zipfile.BadZipFile if it is none."""
        self.path = path
        self._zip = zipfile.ZipFile(path)
        self._folders: dict[str, set[str]] = {"": set()}
        self._files: set[str] = set()
        for name in self._zip.namelist():
            parts = name.rstrip("/").split("/")
            for depth, part in enumerate(parts):
                self._folders.setdefault("/".join(parts[:depth]), set()).add(part)
            if name.endswith("/"):
                self._folders.setdefault(name.rstrip("/"), set())
            else:
                self._files.add(name)

    def inner(self, path: str) -> str | None:
        """Return `path`'s name inside the archive ("" for its root), or None if outside it."""
        if path == self.path:
            return ""
        for separator in {os.sep, "/"}:
            if path.startswith(self.path + separator):
                return path[len(self.path) + 1 :].replace(os.sep, "/").strip("/")
        return None

    def listdir(self, inner: str) -> list[str]:
        """Return the names in folder `inner`, unsorted; [] if it is no folder."""
        return list(self._folders.get(inner, ()))

    def isdir(self, inner: str) -> bool:
        """Tell whether `inner` is a folder in the archive."""
        return inner in self._folders

    def isfile(self, inner: str) -> bool:
        """Tell whether `inner` is a file in the archive."""
        return inner in self._files

    def read(self, inner: str, limit: int) -> bytes:
        """Return the contents of file `inner`.

        Raises OSError if there is none, if it is damaged, or if it would be larger than
        `limit` bytes once uncompressed.
        """
        if inner not in self._files:
            raise FileNotFoundError(f"no {inner} in {self.path}")
        if self._zip.getinfo(inner).file_size > limit:
            raise OSError(f"cannot read {inner} in {self.path}: larger than {limit} bytes")
        try:
            return self._zip.read(inner)
        except (zipfile.BadZipFile, ValueError, RuntimeError, EOFError) as exc:  # or encrypted
            raise OSError(f"cannot read {inner} in {self.path}: {exc}") from None


def open_archives(files: list[str]) -> list[Archive]:
    """Open the zip files among `files`; any other file is no sys.path entry Python imports from."""
    archives = []
    for path in files:
        try:
            archives.append(Archive(path))
        except (OSError, zipfile.BadZipFile):
            continue
    return archives
