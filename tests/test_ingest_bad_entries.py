"""Bad entries in a folder given to ``reviewlib ingest``: each is reported, the rest is indexed.

A named pipe called ``x.pdf`` or a link to ``/dev/zero`` used to hang the ingest for ever (the
file was hashed before any limit), a symlink loop raised ``RuntimeError``, a name that is not
valid UTF-8 raised ``UnicodeEncodeError`` in Whoosh, an unreadable file ``PermissionError``; each
time nothing of the batch was committed. Every run here goes through the real command in a
subprocess with a generous timeout, so a regression fails instead of hanging CI.

Unreadable files: the tests run as root, and root reads a ``chmod 000`` file. The ingest is
run with ``CAP_DAC_OVERRIDE`` and ``CAP_DAC_READ_SEARCH`` dropped from its capability bounding
set (``prctl(PR_CAPBSET_DROP)`` before ``exec``; root's inheritable and ambient sets are
empty), so it is root without the power to ignore file permissions, and ``open()`` fails with
``EACCES`` as it would for any other user. Run as another user, the drop is not needed (and
not allowed); ``chmod 000`` is enough.
"""

from __future__ import annotations

import ctypes
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers import filler_pages, make_pdf

from indexer.cache import sha256_file
from indexer.discover import RefusedError, discover
from library.models import SearchRequest
from library.search import Library

BIN = Path(sys.executable).parent / "reviewlib"
TIMEOUT = 240  # seconds: a deadlock guard, far above the few seconds these runs take
MB = 1024 * 1024
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2
#: a name that is not valid UTF-8 (Latin-1 "café")
BAD_NAME = os.fsdecode(b"caf\xe9-review.pdf")


def _drop_file_permission_override() -> None:
    """preexec_fn: the child (and what it execs) obeys file permissions even as root."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def cli(*args: str, data: Path, as_plain_user: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN), "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_drop_file_permission_override if as_plain_user else None,
        env=dict(os.environ, NO_COLOR="1"),
    )


def _one_line_error(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), r.stderr
    return lines[0]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One ingest of a folder holding every kind of bad entry beside good PDFs."""
    root = tmp_path_factory.mktemp("bad-entries")
    src = root / "reviews"
    make_pdf(src / "good-one.pdf", filler_pages(3, seed="one"), title="Good one")
    make_pdf(src / "good-two.pdf", filler_pages(2, seed="two"), title="Good two")
    make_pdf(src / BAD_NAME, filler_pages(2, seed="latin1"))
    outside = make_pdf(root / "elsewhere" / "linked.pdf", filler_pages(2, seed="linked"))
    os.mkfifo(src / "x.pdf")
    os.symlink("/dev/zero", src / "zero.pdf")
    os.symlink("loop-b.pdf", src / "loop-a.pdf")
    os.symlink("loop-a.pdf", src / "loop-b.pdf")
    os.symlink(root / "nowhere.pdf", src / "broken.pdf")
    os.symlink(outside, src / "link-to-elsewhere.pdf")
    os.symlink(root / "elsewhere", src / "link-to-folder")
    secret = make_pdf(src / "secret.pdf", filler_pages(2, seed="secret"))
    secret.chmod(0)
    # over --max-file-mb (300) and unreadable: "too-large" proves the size came before any read
    huge = src / "huge.pdf"
    with huge.open("wb") as fh:
        fh.truncate(400 * MB)  # sparse: no disk used
    huge.chmod(0)
    data = root / "var"
    r = cli("ingest", "--json", str(src), data=data, as_plain_user=True)
    return {"root": root, "src": src, "data": data, "run": r}


def test_the_batch_finishes_with_exit_0_and_indexes_the_good_files(batch: dict[str, Any]) -> None:
    r = batch["run"]
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["committed"] is True
    added = sorted(Path(f["path"]).name for f in report["files"] if f["action"] == "added")
    assert added == sorted(["good-one.pdf", "good-two.pdf", "caf\\xe9-review.pdf", "linked.pdf"])
    assert report["documents_in_index"] == 4


def test_every_bad_entry_has_its_status_and_reason(batch: dict[str, Any]) -> None:
    report = json.loads(batch["run"].stdout)
    src = batch["src"]
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    expected = {
        "x.pdf": ("not-a-file", "named pipe"),
        "zero.pdf": ("not-a-file", "character device (a symbolic link to /dev/zero)"),
        "loop-a.pdf": ("not-a-file", "loops"),
        "loop-b.pdf": ("not-a-file", "loops"),
        "broken.pdf": ("missing", "broken symbolic link"),
        "link-to-folder": ("not-a-file", "link to a folder"),
        "secret.pdf": ("unreadable", "permission denied"),
        "huge.pdf": ("too-large", "--max-file-mb"),
    }
    for name, (status, words) in expected.items():
        out = by_name[name]
        assert (out["status"], out["action"]) == (status, "skipped"), out
        assert words in out["reason"], out
        assert out["path"] == str(src / name)
    assert set(report["statuses"]) == {"ok", "not-a-file", "missing", "unreadable", "too-large"}


def test_summary_and_strict(batch: dict[str, Any], tmp_path: Path) -> None:
    # a second run (text output) is quick and unchanged for the good files, and --strict
    # turns the bad entries into exit code 3
    r = cli("ingest", "--strict", str(batch["src"]), data=batch["data"], as_plain_user=True)
    assert r.returncode == 3, r.stderr
    assert "not-a-file     " in r.stdout and "unreadable     " in r.stdout
    assert "unreadable: give the user running the ingest read access" in r.stdout
    assert "Traceback" not in r.stderr


def test_a_name_that_is_not_utf8_is_stored_displayable_and_still_opens(
    batch: dict[str, Any],
) -> None:
    from web.app import create_app

    lib = Library(batch["data"])
    with lib.searcher() as s:
        doc = s.document("caf-review")
        hits = s.search(SearchRequest(q="latin1")).hits
    assert [h.document.id for h in hits] == ["caf-review"]
    assert doc.path == str(batch["src"] / "caf\\xe9-review.pdf")  # printable, valid UTF-8
    assert doc.file_path() == batch["src"] / BAD_NAME  # the exact bytes, to open it
    client = create_app({"DATA_DIR": batch["data"], "TESTING": True}).test_client()
    assert client.get("/documents/caf-review").status_code == 200
    as_json = client.get("/documents/caf-review.json")
    assert as_json.status_code == 200
    assert as_json.get_json()["path"] == "caf\\xe9-review.pdf"
    pdf = client.get("/documents/caf-review/pdf")
    assert pdf.status_code == 200
    assert pdf.data == (batch["src"] / BAD_NAME).read_bytes()
    pdf.close()
    r = cli("status", "--check", data=batch["data"])
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_link_to_a_pdf_elsewhere_is_followed_under_its_real_path(batch: dict[str, Any]) -> None:
    with Library(batch["data"]).searcher() as s:
        doc = s.document("linked")
    assert doc.path == str(batch["root"] / "elsewhere" / "linked.pdf")


def test_status_check_does_not_open_a_file_that_became_a_pipe(tmp_path: Path) -> None:
    src = tmp_path / "src"
    pdf = make_pdf(src / "doc.pdf", filler_pages(2))
    data = tmp_path / "var"
    assert cli("ingest", "-q", str(src), data=data).returncode == 0
    pdf.unlink()
    os.mkfifo(pdf)
    r = cli("status", "--check", data=data)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "file-unreadable" in r.stdout and "named pipe" in r.stdout
    # and the next ingest reports it and keeps the indexed version (nothing lost)
    r = cli("ingest", "--json", str(src), data=data)
    assert r.returncode == 0, r.stderr
    (out,) = json.loads(r.stdout)["files"]
    assert out["status"] == "not-a-file"
    assert json.loads(r.stdout)["documents_in_index"] == 1


def _in_thread(fn: Any, *args: Any) -> tuple[threading.Thread, list[Any]]:
    box: list[Any] = []

    def run() -> None:
        try:
            box.append(fn(*args))
        except BaseException as exc:
            box.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(TIMEOUT / 4)
    return t, box


def test_hashing_refuses_a_pipe_without_blocking(tmp_path: Path) -> None:
    # the pipe as the pipeline could meet it: listed as a file, swapped for a pipe since
    fifo = tmp_path / "swapped.pdf"
    os.mkfifo(fifo)
    t, box = _in_thread(sha256_file, fifo)
    if t.is_alive():  # release the blocked open() so the thread ends, then fail
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("sha256_file blocked on a named pipe")
    (exc,) = box
    assert isinstance(exc, RefusedError) and exc.status == "not-a-file"


def test_hashing_stops_at_the_size_limit(tmp_path: Path) -> None:
    t, box = _in_thread(sha256_file, Path("/dev/zero"))
    assert not t.is_alive(), "hashing /dev/zero never ended"
    assert isinstance(box[0], RefusedError) and box[0].status == "not-a-file"
    grown = tmp_path / "grown.pdf"
    grown.write_bytes(b"%PDF-" + b"x" * (2 * MB))
    with pytest.raises(RefusedError) as info:
        sha256_file(grown, max_bytes=MB)
    assert info.value.status == "too-large"


def test_discover_classifies_without_opening(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.pdf")
    os.symlink("p.pdf", tmp_path / "to-pipe.pdf")
    found, refused = discover([tmp_path, tmp_path / "absent.pdf", tmp_path / "p.pdf"])
    assert found == []
    reasons = {(Path(o.path).name, o.status) for o in refused}
    assert (
        reasons
        == {
            ("p.pdf", "not-a-file"),
            ("to-pipe.pdf", "not-a-file"),
            ("absent.pdf", "missing"),
        }
        and len(refused) == 4
    )  # p.pdf twice: in the folder and named on its own


# ------------------------------------------------------------------ the data directory


def test_read_only_data_dir_is_a_one_line_error(tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_pdf(src / "doc.pdf", filler_pages(1))
    fresh = tmp_path / "ro-fresh"
    fresh.mkdir()
    fresh.chmod(0o555)
    line = _one_line_error(cli("ingest", str(src), data=fresh, as_plain_user=True))
    assert f"Cannot use {fresh} as the data directory" in line and "Permission denied" in line
    # a data dir that holds an index but has become read-only: refused before any work
    used = tmp_path / "ro-used"
    assert cli("ingest", "-q", str(src), data=used).returncode == 0
    for p in [used, *used.rglob("*")]:
        p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        line = _one_line_error(cli("ingest", str(src), data=used, as_plain_user=True))
        assert "is not writable" in line or "lock file" in line
        line = _one_line_error(cli("rebuild", data=used, as_plain_user=True))
        # reading still works
        r = cli("search", "review", data=used, as_plain_user=True)
        assert r.returncode == 0, r.stderr
    finally:
        for p in [used, *used.rglob("*")]:
            p.chmod(p.stat().st_mode | stat.S_IWUSR)


@pytest.mark.parametrize("command", [["ingest", "SRC"], ["rebuild"], ["search", "x"], ["status"]])
def test_proc_and_a_file_as_data_dir_are_one_line_errors(
    tmp_path: Path, command: list[str]
) -> None:
    src = tmp_path / "src"
    make_pdf(src / "doc.pdf", filler_pages(1))
    args = [str(src) if a == "SRC" else a for a in command]
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    line = _one_line_error(cli(*args, data=a_file))
    assert "is a file, not a folder" in line
    r = cli(*args, data=Path("/proc"))
    if command[0] in ("ingest", "rebuild"):
        line = _one_line_error(r)
        assert "Cannot use /proc as the data directory" in line
    else:  # reading /proc finds no index: the usual message and hint, no traceback
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert "no index in /proc" in r.stderr


def test_data_dir_from_the_environment_is_checked_the_same_way(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    r = subprocess.run(
        [str(BIN), "themes"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=dict(os.environ, REVIEWLIB_DATA=str(a_file)),
    )
    assert "is a file, not a folder" in _one_line_error(r)


def test_cap_drop_really_makes_files_unreadable(tmp_path: Path) -> None:
    # the premise of the unreadable-file tests: without it they would test nothing
    f = tmp_path / "locked"
    f.write_text("secret")
    f.chmod(0)
    r = subprocess.run(
        [sys.executable, "-c", f"open({str(f)!r}).read()"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_drop_file_permission_override,
    )
    assert r.returncode != 0 and "PermissionError" in r.stderr


def test_bad_entries_in_place_of_good_ones_do_not_lose_indexed_documents(tmp_path: Path) -> None:
    src = tmp_path / "src"
    make_pdf(src / "a.pdf", filler_pages(2, seed="a"))
    b = make_pdf(src / "b.pdf", filler_pages(2, seed="b"))
    data = tmp_path / "var"
    assert cli("ingest", "-q", str(src), data=data).returncode == 0
    # b.pdf changes and becomes unreadable: reported, its indexed version kept
    make_pdf(b, filler_pages(3, seed="b2"))
    b.chmod(0)
    r = cli("ingest", "--json", str(src), data=data, as_plain_user=True)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    out = {Path(f["path"]).name: f for f in rep["files"]}
    assert out["b.pdf"]["status"] == "unreadable"
    assert "kept" in out["b.pdf"]["reason"]
    assert rep["documents_in_index"] == 2


def test_a_name_that_is_not_utf8_is_displayable_in_every_report(tmp_path: Path) -> None:
    src = tmp_path / os.fsdecode(b"r\xe9views")  # the folder's name too
    make_pdf(src / BAD_NAME, filler_pages(2, seed="latin1"))
    data = tmp_path / "var"
    for action in ("added", "unchanged"):
        r = cli("ingest", "--json", str(src), data=data)
        assert r.returncode == 0, r.stderr
        (out,) = json.loads(r.stdout)["files"]
        assert (out["action"], Path(out["path"]).name) == (action, "caf\\xe9-review.pdf")
        assert json.loads((data / "reports" / "latest.json").read_text("utf-8"))["files"]
    assert cli("rebuild", data=data).returncode == 0
    r = cli("status", "--check", data=data)
    assert r.returncode == 0, r.stdout
