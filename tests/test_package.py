"""The built package works on its own: the wheel, installed away from the checkout, serves the site.

The venv holds an editable install whose import hook maps ``library``, ``web``, ... to the
checkout, so a module left out of the wheel would still import through it. Everything here runs
the installed copy with ``python -S`` (no site-packages processing, so no ``.pth`` hook) and a
``PYTHONPATH`` of the install folder, then the venv's site-packages for the dependencies only,
from a working directory outside the checkout. The probe checks every module it loaded came
from the install folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest
from helpers import FILLER, make_pdf
from serving import Server, fetch

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("library", "indexer", "web", "reviewlib")
#: what a build of the checkout must not read or carry along: at the top, and anywhere
_NOT_SOURCE_TOP = {".git", ".venv", "var", "build", "dist", "tests/node_modules",
                   "tests/artifacts", "bench/results"}  # fmt: skip
_NOT_SOURCE = {"__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}


def _setuptools_floor() -> str:
    """The lowest setuptools ``[build-system] requires`` allows (``setuptools>=X``)."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    for req in requires:
        m = re.fullmatch(r"setuptools\s*>=\s*([0-9][0-9.]*)(\s*,.*)?", req.strip())
        if m:
            return m.group(1)
    raise AssertionError(f"no 'setuptools>=X' in [build-system] requires: {requires}")


def _copy_source(dest: Path) -> Path:
    """The checkout without venv, data, caches or build leftovers (a stale build/lib would
    leak old files into the wheel), so the build never writes into the checkout either."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        rel = Path(folder).relative_to(ROOT)
        return {
            n
            for n in names
            if n in _NOT_SOURCE
            or (rel / n).as_posix() in _NOT_SOURCE_TOP
            or n.endswith((".egg-info", ".pyc"))
        }

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def _build_wheel(src: Path, out: Path, *, setuptools: str | None = None) -> Path:
    """``pip wheel`` as a user runs it (an isolated build environment from the registry),
    with setuptools pinned to ``setuptools`` when given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    if setuptools:
        constraint = out.parent / f"constraint-{setuptools}.txt"
        constraint.write_text(f"setuptools=={setuptools}\n")
        env["PIP_CONSTRAINT"] = str(constraint)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(src)],
        cwd=out.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (wheel,) = out.glob("case_review_library-*.whl")
    return wheel


def _source_files() -> set[str]:
    """Every file of the four packages in the checkout (code, templates, static, data)."""
    files = set()
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*"):
            rel = path.relative_to(ROOT)
            if path.is_file() and "__pycache__" not in rel.parts and path.suffix != ".pyc":
                files.add(rel.as_posix())
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel built with the newest setuptools and with the declared floor, installed
    (from the first) into a folder of its own."""
    work = tmp_path_factory.mktemp("package")
    src = _copy_source(work / "src")
    wheel = _build_wheel(src, work / "dist")
    floor_wheel = _build_wheel(src, work / "dist-floor", setuptools=_setuptools_floor())
    target = work / "installed"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-compile",
            "--target",
            str(target),
            str(wheel),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"wheel": wheel, "floor_wheel": floor_wheel, "target": target, "work": work}


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return {n for n in zf.namelist() if not n.endswith("/")}


def test_wheel_holds_every_package_file_and_nothing_else(built: dict[str, Path]) -> None:
    names = _names(built["wheel"])
    top = {n.split("/", 1)[0] for n in names}
    assert top == {*PACKAGES, "case_review_library-0.1.0.dist-info"}, top
    missing = _source_files() - names
    assert not missing, f"left out of the wheel: {sorted(missing)}"
    assert {"web/views/documents.py", "library/data/themes.toml", "web/static/style.css"} <= names
    # the declared setuptools floor builds the same package
    assert _names(built["floor_wheel"]) == names


def _isolated_env(target: Path) -> dict[str, str]:
    """The installed copy first, then the venv's site-packages (the dependencies); with
    ``python -S`` the editable install's .pth hook in that site-packages is never run."""
    site_packages = sysconfig.get_paths()["purelib"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "REVIEWLIB"))}
    env["PYTHONPATH"] = os.pathsep.join([str(target), site_packages])
    env["PYTHONNOUSERSITE"] = "1"
    return env


PROBE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    target, root, data = (Path(a).resolve() for a in sys.argv[1:4])
    assert sys.flags.no_site, "run with python -S"
    # the checkout itself is not on the path (the venv inside it is, for the dependencies)
    assert root not in {Path(p or ".").resolve() for p in sys.path}, sys.path

    import reviewlib.cli, indexer.pipeline, library.search
    from web import create_app
    import web.views.documents, web.views.pages, web.views.search

    app = create_app({"DATA_DIR": data, "TESTING": True})
    client = app.test_client()
    found = client.get("/search.json?q=zanzibar").get_json()
    doc_id = found["results"][0]["id"]
    status = {
        url: client.get(url).status_code
        for url in ["/", "/search?q=zanzibar", "/themes", "/help", "/static/style.css",
                    f"/documents/{doc_id}", f"/documents/{doc_id}/pages/1",
                    f"/documents/{doc_id}/pdf"]
    }
    ours = {
        name: str(Path(m.__file__).resolve())
        for name, m in list(sys.modules.items())
        if name.split(".")[0] in ("library", "indexer", "web", "reviewlib")
        and getattr(m, "__file__", None)
    }
    outside = {n: f for n, f in ours.items() if not f.startswith(str(target) + "/")}
    print(json.dumps({"status": status, "total": found["total"], "outside": outside,
                      "modules": len(ours)}))
    """
)


@pytest.fixture(scope="module")
def installed_library(built: dict[str, Path]) -> dict[str, Path]:
    """A small library ingested by the installed ``reviewlib`` command."""
    work = built["work"]
    src = work / "docs"
    make_pdf(src / "alpha.pdf", ["Zanzibar learning about bruising. " + FILLER, FILLER])
    data = work / "var"
    script = built["target"] / "bin" / "reviewlib"
    assert script.is_file(), "the wheel declares no reviewlib command"
    proc = subprocess.run(
        [sys.executable, "-S", str(script), "--data-dir", str(data), "ingest", str(src)],
        cwd=work,
        env=_isolated_env(built["target"]),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return {**built, "data": data, "script": script}


def test_installed_package_imports_and_renders_from_the_install(
    installed_library: dict[str, Path],
) -> None:
    lib = installed_library
    proc = subprocess.run(
        [sys.executable, "-S", "-c", PROBE, str(lib["target"]), str(ROOT), str(lib["data"])],
        cwd=lib["work"],
        env=_isolated_env(lib["target"]),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["outside"] == {}, f"modules loaded from outside the install: {out['outside']}"
    assert out["modules"] >= 20
    assert out["total"] == 1
    assert set(out["status"].values()) == {200}, out["status"]


def test_installed_reviewlib_serves_the_site(installed_library: dict[str, Path]) -> None:
    lib = installed_library
    command = (sys.executable, "-S", str(lib["script"]))
    env = _isolated_env(lib["target"])
    with Server(lib["data"], "--workers", "1", command=command, env=env, cwd=lib["work"]) as srv:
        status, headers, body = fetch(srv.base + "/")
        assert status == 200 and b"Case Review Library" in body
        assert "gunicorn" in headers.get("Server", "")
        status, _, body = fetch(srv.base + "/search?q=zanzibar")
        assert status == 200 and b"Zanzibar" in body
        status, _, body = fetch(srv.base + "/search.json?q=zanzibar")
        assert status == 200 and json.loads(body)["total"] == 1
        status, headers, _ = fetch(srv.base + "/static/style.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
