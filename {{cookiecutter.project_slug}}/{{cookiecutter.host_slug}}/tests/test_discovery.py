"""Discovery: duplicates are reported, and only installed plugins are ever found."""

from __future__ import annotations

{% if cookiecutter.discovery == "entry-point" -%}
import json
{% endif -%}
import os
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

{% if cookiecutter.discovery == "entry-point" -%}
import pytest
{% endif -%}
from support import (
    AUDIT_OPENS,
    METADATA_FILES,
    PACKAGE,
{%- if cookiecutter.discovery == "entry-point" %}
    PLUGIN_GROUP,
{%- endif %}
    PROG,
    RunHost,
    Sandbox,
    Site,
    listing,
    plugin_source,
)
from test_contract import ran, use


def test_same_distribution_in_two_folders(
    make_site: Callable[[], Site], sandbox: Sandbox, run_host: RunHost
) -> None:
    first, second = make_site(), make_site()
    first.add("alpha", version="1.0")
    second.add("alpha", version="2.0")
    result = run_host("plugins", "--json")
    reports = listing(result)
    assert reports["alpha"]["status"] == "ok"
    assert reports["alpha"]["version"] == "1.0"  # the first on sys.path wins
    assert reports["alpha"]["location"].startswith(str(first))
    warning = next(line for line in result.stderr.splitlines() if "twice" in line)
    assert warning.startswith(f"{PROG}: warning: ")
    assert str(first) in warning and str(second) in warning
    assert sandbox.imports("alpha") == 1


def test_two_distributions_offer_the_same_plugin(
    make_site: Callable[[], Site], sandbox: Sandbox, run_host: RunHost
) -> None:
    first, second = make_site(), make_site()
    first.add("alpha", distribution="first-dist")
    second.add("alpha", distribution="second-dist")
    for _ in range(2):  # the same answer every time
        result = run_host("plugins", "--json")
        reports = listing(result)
        assert reports["alpha"]["distribution"] == "first-dist"
        assert reports["alpha"]["status"] == "ok"
        warning = next(line for line in result.stderr.splitlines() if "twice" in line)
        assert "first-dist" in warning and "second-dist" in warning
    result = use(run_host, "alpha")
    assert result.returncode == 0
    assert ran("alpha") in result.stdout
{%- if cookiecutter.discovery == "entry-point" %}


def test_two_distributions_in_one_folder_first_name_wins(site: Site, run_host: RunHost) -> None:
    site.add("alpha", distribution="zz-dist")
    site.install("aa-dist", "1.0", [], {"{{ cookiecutter.host_package }}.plugins": {"alpha": "fake_alpha"}})
    result = run_host("plugins", "--json")
    assert listing(result)["alpha"]["distribution"] == "aa-dist"
    assert "aa-dist" in result.stderr and "zz-dist" in result.stderr


@pytest.mark.parametrize(
    ("url", "editable", "twice"),
    [
        ("the project", True, False),  # setuptools' editable src layout: one install
        ("the project", False, True),  # not editable: a second copy
        ("elsewhere", True, True),  # an editable install of another tree
    ],
)
def test_an_editable_install_and_its_own_egg_info_are_one_install(
    sandbox: Sandbox, make_site: Callable[[], Site], url: str, editable: bool, twice: bool
) -> None:
    """setuptools leaves ``src/<name>.egg-info`` in the tree its ``.pth`` puts on sys.path."""
    installed = make_site()
    project = sandbox.root / "my project"  # a space: the URL is percent-encoded
    src = Site(project / "src", sandbox.markers)
    sandbox.sites.append(src)
    src.write("fake_alpha.py", plugin_source("alpha", sandbox.markers))
    points = {PLUGIN_GROUP: {"alpha": "fake_alpha"}}
    info = installed.install("alpha-dist", "1.0", [], points)
    tree = project if url == "the project" else sandbox.root / "elsewhere"
    direct = {"url": tree.as_uri(), "dir_info": {"editable": editable}}
    (info / "direct_url.json").write_text(json.dumps(direct), encoding="utf-8")
    egg = src.path / "alpha_dist.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: alpha-dist\nVersion: 1.0\n")
    (egg / "entry_points.txt").write_text(f"[{PLUGIN_GROUP}]\nalpha = fake_alpha\n")
    result = sandbox.run("plugins", "--json")
    report = listing(result)["alpha"]
    assert report["status"] == "ok"
    assert report["location"] == str(info)
    assert ("installed twice" in result.stderr) is twice, result.stderr
{%- endif %}


def test_the_working_directory_is_not_searched(
    site: Site, sandbox: Sandbox, run_host: RunHost
) -> None:
    site.add("alpha")
    stray = Site(sandbox.cwd, sandbox.markers)
    stray.add("evil", distribution="evil")
    stray.write(f"{PACKAGE}_evil.py", plugin_source("evil", sandbox.markers))
{%- if cookiecutter.discovery != "namespace-package" %}
    stray.write(f"{PACKAGE}/plugins/evil.py", plugin_source("evil", sandbox.markers))
{%- endif %}
    reports = listing(run_host("plugins", "--json"))
    assert "evil" not in reports
    assert reports["alpha"]["status"] == "ok"
    assert use(run_host, "evil").returncode == 2
    assert sandbox.imports("evil") == 0
{%- if cookiecutter.discovery == "namespace-package" %}


def test_a_misplaced_init_is_reported_and_bypassed(
    make_site: Callable[[], Site], run_host: RunHost
) -> None:
    broken, other = make_site(), make_site()
    broken.add("alpha")
    init = broken.write(f"{PACKAGE}/plugins/__init__.py", "")
    (info,) = broken.path.glob("*.dist-info")
    with (info / "RECORD").open("a") as record:
        record.write(f"{PACKAGE}/plugins/__init__.py,,\n")
    other.add("beta")
    result = run_host("plugins", "--json")
    reports = listing(result)
    assert reports["alpha"]["status"] == reports["beta"]["status"] == "ok"
    assert f"{PROG}-alpha 1.0" in result.stderr
    assert str(init) in result.stderr
    assert "__init__.py" in result.stderr
    assert ran("alpha") in use(run_host, "alpha").stdout
    assert ran("beta") in use(run_host, "beta").stdout
{%- endif %}


def test_unreadable_metadata_never_stops_discovery(site: Site, run_host: RunHost) -> None:
    site.add("good")
    broken = site.add("broken")
    (broken / "METADATA").write_bytes(b"Name: \xff\xfe broken\n")
    (broken / "RECORD").write_bytes(b"\xff\xfe\x00")
    result = run_host("plugins", "--json")
    assert result.returncode == 0, result.stderr
    assert listing(result)["good"]["status"] == "ok"
    assert "Traceback" not in result.stderr


def test_metadata_headers_are_read_whatever_the_line_ends_and_the_body(
    site: Site, run_host: RunHost
) -> None:
    """CRLF line ends, and a description that is not UTF-8: the headers still give the
    distribution's name and version, as importlib.metadata reads them."""
    folder = site.add("crlf", version="2.5")
    headers = f"Metadata-Version: 2.4\r\nName: {PROG}-crlf\r\nVersion: 2.5\r\n\r\n".encode()
    (folder / "METADATA").write_bytes(headers + b"A description in Latin-1: caf\xe9\r\n")
    report = listing(run_host("plugins", "--json"))["crlf"]
    assert report["status"] == "ok", report
    assert (report["distribution"], report["version"]) == (f"{PROG}-crlf", "2.5")


def test_a_plugin_in_a_zip_file_on_sys_path_is_found(
    site: Site, sandbox: Sandbox, run_host: RunHost
) -> None:
    """Python imports from a zip file on sys.path (a zipapp, a wheel), so discovery looks there."""
    site.add("alpha", version="1.5")
    archive = sandbox.root / "site.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(site.path.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                out.write(path, path.relative_to(site.path).as_posix())
    shutil.rmtree(site.path)
    site.path = archive  # on PYTHONPATH instead of the folder
    report = listing(run_host("plugins", "--json"))["alpha"]
    assert report["status"] == "ok", report
    assert (report["distribution"], report["version"]) == (f"{PROG}-alpha", "1.5")
    assert report["location"].startswith(str(archive) + os.sep)
    assert ran("alpha") in use(run_host, "alpha").stdout


def test_a_first_start_reads_the_metadata_of_plugins_only(site: Site, sandbox: Sandbox) -> None:
    """Unrelated distributions cost a first start no RECORD or METADATA read: the owner
    of a plugin's module is asked first among the distributions named after it."""
    plugins = {site.add("alpha").name, site.add("beta").name}
    for index in range(20):
        module = f"unrelated_{index}.py"
        site.write(module, "")
        site.install(f"unrelated-{index}", "1.0", [module], {"console_scripts": {"u": "x:y"}})
    log = sandbox.root / "opened.txt"
    # The host alone (python -S: no site-packages), its opens logged by an audit hook.
    code = f"exec({AUDIT_OPENS!r})\nfrom {PACKAGE}.cli import main\nraise SystemExit(main())\n"
    path = os.pathsep.join([str(site), str(sandbox.alone())])
    env = {"AUDIT_OPEN_LOG": str(log), "PYTHONPATH": path}
    result = sandbox.call([sys.executable, "-S", "-c", code, "plugins", "--json"], env)
    reports = listing(result)
    assert reports["alpha"]["status"] == reports["beta"]["status"] == "ok"
    assert reports["alpha"]["distribution"] == f"{PROG}-alpha"
    opened = [Path(path) for path in log.read_text(encoding="utf-8").splitlines()]
    read = {
        path.parent.name
        for path in opened
        if path.parent.parent == site.path and path.name in METADATA_FILES - {"entry_points.txt"}
    }
    assert read == plugins
