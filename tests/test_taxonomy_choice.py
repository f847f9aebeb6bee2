"""A taxonomy chosen with ``ingest --taxonomy FILE`` is remembered by the data directory.

It used to apply to that run only: the next plain ``ingest`` or ``rebuild`` re-tagged with the
built-in taxonomy, ``status --check`` called every document stale and the site answered 400 to
the custom theme ids. Every command runs here as a real process; the site through Flask's test
client on the same data directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import filler_pages, make_pdf

from library.taxonomy import DEFAULT_TAXONOMY
from web.app import create_app

BIN = Path(sys.executable).parent / "reviewlib"
KINSHIP = (
    '\n[[theme]]\nid = "kinship-care"\nlabel = "Kinship care"\ngroup = "Test"\n'
    'description = "Care by relatives."\nphrases = ["kinship carer"]\n'
)


def cli(*args: str, data: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN), "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, NO_COLOR="1"),
    )


def ok(*args: str, data: Path) -> subprocess.CompletedProcess:
    r = cli(*args, data=data)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r


def themes_of(data: Path, doc_id: str) -> list[str]:
    r = ok("search", "--json", "--per-page", "100", data=data)
    return next(d["themes"] for d in json.loads(r.stdout)["results"] if d["id"] == doc_id)


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Any]:
    kin_pages = filler_pages(3, seed="kin")
    kin_pages[0] += " The family were supported by the kinship carer network. Kinship carer visits."
    kin_pages[1] += " A kinship carer assessment was completed."
    make_pdf(tmp_path / "a" / "kin.pdf", kin_pages)
    make_pdf(tmp_path / "a" / "plain.pdf", filler_pages(2, seed="plain"))
    other = filler_pages(2, seed="other")
    # three sentences about kinship carers: one sentence naming them thrice is a mention
    other[0] += (
        " The kinship carer looked after the children. The kinship carer's partner helped."
        " A second kinship carer was assessed."
    )
    make_pdf(tmp_path / "b" / "other-kin.pdf", other)
    tax = tmp_path / "my-themes.toml"
    tax.write_text(DEFAULT_TAXONOMY.read_text(encoding="utf-8") + KINSHIP, encoding="utf-8")
    return {"root": tmp_path, "a": tmp_path / "a", "b": tmp_path / "b", "tax": tax}


def test_every_command_keeps_the_chosen_taxonomy(setup: dict[str, Any]) -> None:
    data = setup["root"] / "var"
    ok("ingest", "-q", "--taxonomy", str(setup["tax"]), str(setup["a"]), data=data)
    assert "kinship-care" in themes_of(data, "kin")

    # a plain ingest: nothing re-tagged, the custom tags stay
    rep = json.loads(ok("ingest", "--json", str(setup["a"]), data=data).stdout)
    assert rep["actions"] == {"unchanged": 2}
    assert rep["taxonomy"]["source"] == str(setup["tax"]) and not rep["taxonomy"]["builtin"]
    assert "kinship-care" in themes_of(data, "kin")

    ok("rebuild", "-q", data=data)
    assert "kinship-care" in themes_of(data, "kin")

    r = ok("status", "--check", data=data)
    assert "Check: index, files, catalogue and cache agree." in r.stdout
    assert f"Taxonomy: {setup['tax']} (43 themes" in r.stdout

    themes = json.loads(ok("themes", "--json", data=data).stdout)["themes"]
    listed = {t["id"]: t["documents"] for t in themes}
    assert listed["kinship-care"] == 1

    r = ok("search", "--json", "--theme", "kinship-care", data=data)
    assert [d["id"] for d in json.loads(r.stdout)["results"]] == ["kin"]

    # the site: the custom theme id is a valid filter
    client = create_app({"DATA_DIR": data, "TESTING": True}).test_client()
    page = client.get("/search?theme=kinship-care")
    assert page.status_code == 200
    assert "Kinship care" in page.get_data(as_text=True)
    res = client.get("/search.json?theme=kinship-care")
    assert res.status_code == 200
    assert [d["id"] for d in res.get_json()["results"]] == ["kin"]
    assert "Kinship care" in client.get("/themes").get_data(as_text=True)


def test_the_site_never_reads_the_file_outside_the_data_dir(setup: dict[str, Any]) -> None:
    data = setup["root"] / "var"
    ok("ingest", "-q", "--taxonomy", str(setup["tax"]), str(setup["a"]), data=data)
    setup["tax"].unlink()
    client = create_app({"DATA_DIR": data, "TESTING": True}).test_client()
    assert client.get("/search.json?theme=kinship-care").status_code == 200
    r = ok("status", "--check", data=data)
    assert "That file is gone; the copy in the data directory is used." in r.stdout
    ok("rebuild", "-q", data=data)
    assert "kinship-care" in themes_of(data, "kin")


def test_a_changed_source_file_is_reported_and_used_only_when_chosen_again(
    setup: dict[str, Any],
) -> None:
    data = setup["root"] / "var"
    tax = setup["tax"]
    ok("ingest", "-q", "--taxonomy", str(tax), str(setup["a"]), data=data)
    # the file is edited: kinship-care now needs 10 mentions, which kin.pdf does not have
    tax.write_text(tax.read_text() + "min_mentions = 10\n", encoding="utf-8")
    r = ok("status", "--check", data=data)
    assert "That file has changed since it was chosen; the copy is still used." in r.stdout
    assert "Check: index, files, catalogue and cache agree." in r.stdout
    r = ok("ingest", str(setup["a"]), data=data)
    assert "That file has changed since it was chosen" in r.stderr
    assert "kinship-care" in themes_of(data, "kin")  # the copy in use, not the edited file
    ok("ingest", "-q", "--taxonomy", str(tax), str(setup["a"]), data=data)
    assert "kinship-care" not in themes_of(data, "kin")
    assert "has changed" not in ok("status", data=data).stdout


def test_a_new_taxonomy_retags_every_document_and_builtin_goes_back(
    setup: dict[str, Any],
) -> None:
    data = setup["root"] / "var"
    ok("ingest", "-q", str(setup["a"]), str(setup["b"]), data=data)
    assert "kinship-care" not in themes_of(data, "other-kin")
    app = create_app({"DATA_DIR": data, "TESTING": True})
    client = app.test_client()
    assert client.get("/search.json?theme=kinship-care").status_code == 400

    # chosen while ingesting folder a only: b's document is re-tagged too (from the cache)
    rep = json.loads(
        ok("ingest", "--json", "--taxonomy", str(setup["tax"]), str(setup["a"]), data=data).stdout
    )
    assert rep["rebuilt"] is True and rep["files_extracted"] == 0
    assert "kinship-care" in themes_of(data, "other-kin")
    assert "Check: index, files" in ok("status", "--check", data=data).stdout
    # the running site follows without a restart
    res = client.get("/search.json?theme=kinship-care")
    assert res.status_code == 200
    assert sorted(d["id"] for d in res.get_json()["results"]) == ["kin", "other-kin"]

    ok("ingest", "-q", "--taxonomy", "builtin", str(setup["a"]), data=data)
    assert "kinship-care" not in themes_of(data, "kin")
    assert "kinship-care" not in themes_of(data, "other-kin")
    r = ok("status", "--check", data=data)
    assert "Taxonomy: built-in (42 themes" in r.stdout
    assert "Check: index, files" in r.stdout
    assert client.get("/search.json?theme=kinship-care").status_code == 400
    assert not list(data.glob("index-*/taxonomy.*"))


def test_a_bad_taxonomy_is_refused_and_changes_nothing(setup: dict[str, Any]) -> None:
    data = setup["root"] / "var"
    ok("ingest", "-q", "--taxonomy", str(setup["tax"]), str(setup["a"]), data=data)
    bad = setup["root"] / "bad.toml"
    bad.write_text('[[theme]]\nid = "x"\n', encoding="utf-8")
    for choice in (str(bad), str(setup["root"] / "absent.toml"), str(setup["root"])):
        r = cli("ingest", "--taxonomy", choice, str(setup["a"]), data=data)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.startswith("Error: ")
    assert "kinship-care" in themes_of(data, "kin")
    assert f"Taxonomy: {setup['tax']}" in ok("status", data=data).stdout


def test_the_copy_edited_by_hand_is_a_clear_error(setup: dict[str, Any]) -> None:
    data = setup["root"] / "var"
    ok("ingest", "-q", "--taxonomy", str(setup["tax"]), str(setup["a"]), data=data)
    (copy,) = data.glob("index-*/taxonomy.toml")
    copy.write_text(copy.read_text() + "\n# edited\n", encoding="utf-8")
    r = cli("status", data=data)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "does not match its record" in r.stderr and "--taxonomy" in r.stderr
    # choosing again repairs it
    shutil.copy(setup["tax"], setup["root"] / "again.toml")
    ok("ingest", "-q", "--taxonomy", str(setup["root"] / "again.toml"), str(setup["a"]), data=data)
    assert "Check: index, files" in ok("status", "--check", data=data).stdout
