"""The discovery cache: used while nothing changes, never stale, never trusted blindly.

The cache stores a result only when every folder it read is more than 2 s old,
so these tests date their sites back with ``Site.settle()``.
"""

from __future__ import annotations

import json
import marshal
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from support import (
    AUDIT_OPENS,
    METADATA_FILES,
    PACKAGE,
    PROG,
    RunHost,
    Sandbox,
    Site,
    as_main,
    listing,
    modules_imported_by,
)
from test_contract import ran, use, use_args

NO_CACHE = "{{ cookiecutter.__env_prefix }}_NO_PLUGIN_CACHE"
NAMES = ("alpha", "beta", "gamma")


@pytest.fixture(scope="module", autouse=True)
def _settled_host() -> None:
    """Wait until the folders the host reads, and those it watches, are more than 2 s old.

    Right after an install, the cache rightly refuses to store anything yet; and the
    first import of the host, or of an installed plugin, writes __pycache__ into a
    folder it watches (an editable plugin's package, say). So the plugins are all
    imported once first, as ``plugins`` does, without the cache.
    """
    script = (
        f"import json, sys, {PACKAGE}, {PACKAGE}.loading as loading\n"
        "loading.report()\n"
        f"print(json.dumps([*sys.path, *{PACKAGE}.__path__, *loading.discovery.find()[1]]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, NO_CACHE: "1"},
    ).stdout
    paths = [path or os.curdir for path in json.loads(output)]  # "": the working directory
    stamps = [os.stat(path).st_mtime for path in paths if os.path.exists(path)]
    time.sleep(max(0.0, max(stamps, default=0.0) + 2.1 - time.time()))


def cache_files(sandbox: Sandbox) -> list[Path]:
    return sorted(path for path in sandbox.cache.rglob("*") if path.is_file())


def versions(run_host: RunHost, env: dict[str, str] | None = None) -> dict[str, str]:
    reports = listing(run_host("plugins", "--json", env=env))
    return {name: report["version"] for name, report in reports.items()}


@pytest.fixture
def cached_site(site: Site, sandbox: Sandbox, run_host: RunHost) -> Site:
    """A site with plugins alpha and beta whose discovery result is in the cache."""
    site.add("alpha")
    site.add("beta")
    site.settle()
    assert versions(run_host).items() >= {"alpha": "1.0", "beta": "1.0"}.items()
    assert len(cache_files(sandbox)) == 1
    return site


@contextmanager
def unnoticed(site: Site) -> Iterator[None]:
    """Change a site behind the cache's back: put back the mtimes of its folders.

    No installer does this. Tests do it to make the cache hold a result that is
    no longer true, so that seeing that result proves the cache answered.
    """
    stamps = {folder: os.stat(folder).st_mtime_ns for folder, _, _ in os.walk(site.path)}
    yield
    for folder, stamp in stamps.items():
        if os.path.isdir(folder):
            os.utime(folder, ns=(stamp, stamp))


@pytest.fixture
def forged(cached_site: Site) -> Site:
    """A site whose cache says beta 1.0, where beta 9.9 was put unnoticed."""
    with unnoticed(cached_site):
        (beta,) = cached_site.path.glob("*beta*.dist-info")
        metadata = beta / "METADATA"
        metadata.write_text(metadata.read_text().replace("Version: 1.0", "Version: 9.9"))
    return cached_site


def test_cache_is_written_and_used(forged: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    (path,) = cache_files(sandbox)
    assert (path.parent.parent, path.parent.name) == (sandbox.cache, PROG)
    if hasattr(os, "getuid"):
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not any(sandbox.cwd.iterdir())
    assert versions(run_host)["beta"] == "1.0"  # only the cache remembers 1.0
    assert versions(run_host, {NO_CACHE: "1"})["beta"] == "9.9"


def test_recent_changes_are_not_cached(site: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    site.add("alpha")  # just now: a second change within the same clock tick could go unseen
    assert "alpha" in versions(run_host)
    assert cache_files(sandbox) == []


@pytest.mark.parametrize("change", ["add", "remove", "upgrade"])
def test_changes_show_on_the_next_run(cached_site: Site, run_host: RunHost, change: str) -> None:
    (beta,) = cached_site.path.glob("*beta*.dist-info")
    if change == "add":
        cached_site.add("gamma")
        expected = {"alpha": "1.0", "beta": "1.0", "gamma": "1.0"}
    elif change == "remove":
        cached_site.uninstall(beta)
        expected = {"alpha": "1.0"}
    else:
        cached_site.uninstall(beta)
        cached_site.add("beta", version="2.0")
        expected = {"alpha": "1.0", "beta": "2.0"}
    for _ in range(2):
        found = versions(run_host)
        assert {name: found[name] for name in found if name in NAMES} == expected


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated"])
def test_a_corrupt_cache_is_ignored(
    forged: Site, sandbox: Sandbox, run_host: RunHost, damage: str
) -> None:
    (path,) = cache_files(sandbox)
    data = path.read_bytes()
    path.write_bytes({"empty": b"", "garbage": b"{not \x00\xff", "truncated": data[:-9]}[damage])
    result = run_host("plugins", "--json")
    assert result.stderr == ""
    assert listing(result)["beta"]["version"] == "9.9"
    assert path.read_bytes() != data  # written afresh


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_a_cache_others_could_write_is_ignored(
    forged: Site, sandbox: Sandbox, run_host: RunHost
) -> None:
    (path,) = cache_files(sandbox)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o666)  # as if another user could have planted it
    assert versions(run_host)["beta"] == "9.9"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # replaced by a sound one


#: Entries that marshal loads and whose key matches, but whose result is wrong.
WRONG_SHAPES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "plugins-not-a-list": lambda result: {"plugins": 5, "warnings": []},
    "no-plugins": lambda result: {"warnings": []},
    "no-warnings": lambda result: {"plugins": result["plugins"]},
    "plugin-missing-keys": lambda result: {"plugins": [{"name": "beta"}], "warnings": []},
    "plugin-name-not-text": lambda result: {
        "plugins": [{**found, "name": 5} for found in result["plugins"]],
        "warnings": [],
    },
    "warning-not-text": lambda result: {"plugins": [], "warnings": [5]},
    "not-a-dict": lambda result: [result],
}


@pytest.mark.parametrize("shape", WRONG_SHAPES)
def test_a_wrong_shaped_entry_is_a_miss(
    forged: Site, sandbox: Sandbox, run_host: RunHost, shape: str
) -> None:
    (path,) = cache_files(sandbox)
    entry = marshal.loads(path.read_bytes())
    entry["result"] = WRONG_SHAPES[shape](entry["result"])
    path.write_bytes(marshal.dumps(entry))
    result = run_host("plugins", "--json")
    assert result.stderr == ""
    assert listing(result)["beta"]["version"] == "9.9"
    rewritten = marshal.loads(path.read_bytes())["result"]
    assert {"name": "beta", "version": "9.9"}.items() <= next(
        found for found in rewritten["plugins"] if found["name"] == "beta"
    ).items()


def cache_name(site: Site, sandbox: Sandbox, run_host: RunHost) -> str:
    """Settle `site` and return the name of the host's cache file, learnt in another folder."""
    site.settle()
    probe = sandbox.root / "probe-cache"
    assert "alpha" in listing(run_host("plugins", "--json", env={"XDG_CACHE_HOME": str(probe)}))
    (path,) = (path for path in probe.rglob("*") if path.is_file())
    return path.name


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes and owners")
@pytest.mark.parametrize("unsafe", ["world-writable", "group-writable", "someone-elses"])
def test_a_folder_others_could_write_is_not_used(
    site: Site, sandbox: Sandbox, run_host: RunHost, tmp_path: Path, unsafe: str
) -> None:
    """A shared cache folder: another user planted symlinks to our files in it."""
    if unsafe == "someone-elses" and os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user")
    site.add("alpha")
    name = cache_name(site, sandbox, run_host)
    folder = sandbox.cache / PROG
    folder.mkdir(parents=True)
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (folder / name).symlink_to(victim)
    # Temporary names one could guess: the pids the host may get next.
    proc = Path("/proc/sys/kernel/ns_last_pid")
    last = int(proc.read_text()) if proc.exists() else os.getpid()
    for pid in range(max(1, last - 20), last + 500):
        (folder / f"{name}.{pid}.tmp").symlink_to(victim)
    if unsafe == "someone-elses":
        os.chown(folder, 65534, 65534)  # nobody
        folder.chmod(0o755)
    else:
        folder.chmod(0o777 if unsafe == "world-writable" else 0o770)
    planted = sorted(folder.iterdir())
    for _ in range(2):
        result = run_host("plugins", "--json")
        assert listing(result)["alpha"]["status"] == "ok"
        assert result.stderr == ""
        assert ran("alpha") in use(run_host, "alpha").stdout
    assert victim.read_text() == "precious"
    assert sorted(folder.iterdir()) == planted  # nothing written, nothing removed


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX symlinks")
def test_a_symlinked_folder_is_not_used(
    site: Site, sandbox: Sandbox, run_host: RunHost, tmp_path: Path
) -> None:
    site.add("alpha")
    cache_name(site, sandbox, run_host)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    sandbox.cache.mkdir()
    (sandbox.cache / PROG).symlink_to(elsewhere, target_is_directory=True)
    for _ in range(2):
        assert listing(run_host("plugins", "--json"))["alpha"]["status"] == "ok"
    assert not any(elsewhere.iterdir())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_at_the_cache_path_does_not_hang_the_host(
    site: Site, sandbox: Sandbox, run_host: RunHost
) -> None:
    site.add("alpha")
    name = cache_name(site, sandbox, run_host)
    folder = sandbox.cache / PROG
    folder.mkdir(parents=True, mode=0o700)
    os.mkfifo(folder / name)
    result = run_host("plugins", "--json", timeout=20)  # opening it blocking would hang
    assert listing(result)["alpha"]["status"] == "ok"
    assert stat.S_ISREG(os.lstat(folder / name).st_mode)  # replaced by a sound entry
    assert ran("alpha") in use(run_host, "alpha", timeout=20).stdout


def test_a_relative_xdg_cache_home_is_ignored(
    site: Site, sandbox: Sandbox, run_host: RunHost, tmp_path: Path
) -> None:
    """The XDG spec: a relative path is invalid and must be ignored; ~/.cache is used."""
    site.add("alpha")
    site.settle()
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "XDG_CACHE_HOME": "relative-cache",
        "HOME": str(home),
        "USERPROFILE": str(home),
        "LOCALAPPDATA": None,
    }
    assert listing(run_host("plugins", "--json", env=env))["alpha"]["status"] == "ok"
    assert not any(sandbox.cwd.iterdir())
    files = [path for path in home.rglob("*") if path.is_file()]
    assert [path.parent for path in files] == [home / ".cache" / PROG]


def test_the_cache_can_be_switched_off(site: Site, sandbox: Sandbox, run_host: RunHost) -> None:
    site.add("alpha")
    site.settle()
    result = run_host("plugins", "--json", env={NO_CACHE: "1"})
    assert listing(result)["alpha"]["status"] == "ok"
    assert not sandbox.cache.exists()
    run_host("plugins", "--json", env={NO_CACHE: "0"})  # "0" means on
    assert len(cache_files(sandbox)) == 1
{%- if cookiecutter.discovery == "entry-point" %}


def test_a_hit_does_not_read_package_metadata(site: Site, run_host: RunHost) -> None:
    site.add("alpha")
    site.settle()

    def imports_metadata() -> bool:
        result = run_host("plugins", "--json", python=["-X", "importtime"])
        assert "alpha" in listing(result)
        modules = [line.rpartition("|")[2].strip() for line in result.stderr.splitlines()]
        return f"{PACKAGE}.metadata" in modules  # the entry_points.txt reader

    assert imports_metadata()  # a miss: discovery reads the metadata
    assert not imports_metadata()  # a hit: the cache answers
{%- endif %}


def test_a_second_start_opens_no_metadata(
    sandbox: Sandbox, make_site: Callable[[], Site], run_host: RunHost
) -> None:
    """The cache hit, seen from outside: the first start reads the plugins' metadata
    files, the second opens none of them (in any folder), and reports the same."""
    audit = make_site()  # first on PYTHONPATH, so its sitecustomize is the one imported
    audit.write("sitecustomize.py", AUDIT_OPENS)
    site = make_site()
    site.add("alpha")
    site.add("beta")
    audit.settle()
    site.settle()

    def start(n: int) -> tuple[dict[str, Any], set[str]]:
        log = sandbox.root / f"opened-{n}.txt"
        result = run_host("plugins", "--json", env={"AUDIT_OPEN_LOG": str(log)})
        opened = set(log.read_text(encoding="utf-8").splitlines())
        return listing(result), {path for path in opened if Path(path).name in METADATA_FILES}

    first, read_first = start(1)
    second, read_second = start(2)
    assert {"alpha", "beta"} <= first.keys()
    assert read_first, "a miss reads metadata (or the audit hook saw nothing)"
    assert len(cache_files(sandbox)) == 1
    assert read_second == set(), f"a hit opened {sorted(read_second)}"
    assert second == first


def test_a_relative_sys_path_entry_is_cached_per_directory(
    site: Site, sandbox: Sandbox, tmp_path: Path
) -> None:
    """``python -c`` puts "" (the working directory) on sys.path: one cache per directory."""
    site.add("alpha")
    site.settle()
    stray_dir, clean_dir = tmp_path / "with-stray", tmp_path / "clean"
    stray = Site(stray_dir, sandbox.markers)
    stray.add("stray")
    stray.settle()
    clean_dir.mkdir()
    os.utime(clean_dir, (time.time() - 10, time.time() - 10))
    script = f"import sys; from {PACKAGE}.cli import main; sys.exit(main(['plugins', '--json']))"

    def names(cwd: Path) -> set[str]:
        return set(listing(sandbox.call([sys.executable, "-c", script], cwd=cwd)))

    for _ in range(2):  # the second round reads what the first one cached
        assert "stray" in names(stray_dir)  # python -c does search the working directory
        clean = names(clean_dir)
        assert "alpha" in clean and "stray" not in clean
    assert len(cache_files(sandbox)) == 2


def test_a_hit_imports_no_reader(site: Site, sandbox: Sandbox) -> None:
    """What a warm start must not pay for: the metadata and zip readers, importlib."""
    site.add("alpha")
    site.settle()
    Site(sandbox.cwd, sandbox.markers).settle()  # python -c puts it on sys.path
    args = use_args("alpha")
    readers = {f"{PACKAGE}.{name}" for name in ("metadata", "listing", "archives")}
    assert modules_imported_by(sandbox, args) & readers  # a miss reads the metadata
    imported = modules_imported_by(sandbox, args)  # a hit
{%- if cookiecutter.contract == "hooks" %}
    # pluggy imports inspect, which imports importlib (not importlib.metadata)
    assert imported & {"importlib.metadata", "zipfile", *readers} == set()
{%- else %}
    assert imported & {"importlib", "zipfile", *readers} == set()
{%- endif %}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="a POSIX memory limit")
def test_a_huge_cache_file_is_not_read(site: Site, sandbox: Sandbox) -> None:
    """Under a memory limit, reading a 2 GiB cache file whole would fail with MemoryError."""
    site.add("alpha")
    site.settle()
    limited = as_main("import resource\nresource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))")
    assert sandbox.call([sys.executable, "-c", limited, "plugins"]).returncode == 0
    (cache,) = (sandbox.cache / PROG).glob("plugins-*.cache")
    with cache.open("r+b") as file:
        file.truncate(2**31)  # sparse: no disk is used
    result = sandbox.call([sys.executable, "-c", limited, "plugins", "--json"])
    assert result.returncode == 0, result.stderr
    assert "alpha" in listing(result)


# Where the cache goes: an absolute per-user folder, or nowhere.


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_without_a_home_folder_nothing_is_written_to_the_working_directory(
    site: Site, sandbox: Sandbox, run_host: RunHost, home: str
) -> None:
    site.add("alpha")
    site.settle()
    env = {"XDG_CACHE_HOME": None, "HOME": home, "LOCALAPPDATA": None}
    for _ in range(2):
        assert "alpha" in listing(run_host("plugins", "--json", env=env))
    assert list(sandbox.cwd.iterdir()) == []


def test_the_cache_needs_an_absolute_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """A user with no passwd entry and no HOME: "~" stays "~", which is no folder of theirs."""
    from {{ cookiecutter.host_package }} import cache

    for name in ("XDG_CACHE_HOME", "LOCALAPPDATA", "HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)
    assert cache.cache_file() is None
    monkeypatch.setenv("HOME", "")
    assert cache.cache_file() is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(Path.cwd().resolve()))
    assert cache.cache_file() is not None
