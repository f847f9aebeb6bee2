"""The specs of the labelled metadata set (``docs/*.toml``) and their body markup, read into
blocks that the PDF and DOCX renderers lay out (see :mod:`evaluation.metadata.build`)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DOCS = HERE / "docs"
BANK = HERE / "text" / "bank.toml"


@dataclass
class Spec:
    name: str
    data: dict[str, Any]
    vars: dict[str, str] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return str(self.data["file"])

    def fill(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            key = m.group(1)
            return self.vars.get(key, m.group(0))

        return re.sub(r"\{([a-z_]+)\}", sub, text)


def load_bank(path: Path = BANK) -> dict[str, str]:
    with path.open("rb") as fh:
        return {k: str(v) for k, v in tomllib.load(fh).items()}


def load_spec(path: Path) -> Spec:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    if "file" not in data:
        raise ValueError(f"{path}: no file name")
    values = {str(k): str(v) for k, v in (data.get("vars") or {}).items()}
    return Spec(path.stem, data, values)


def specs(names: list[str] | None = None) -> list[Spec]:
    paths = sorted(DOCS.glob("*.toml"))
    if names:
        paths = [p for p in paths if p.stem in names]
    return [load_spec(p) for p in paths]


# ------------------------------------------------------------------------------ body markup


@dataclass
class Block:
    kind: str  # h1 h2 para num bullet table box pagebreak
    text: str = ""
    label: str = ""
    rows: list[list[str]] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)


_NUM = re.compile(r"^(\d+(?:\.\d+){0,2}\.?)\s+(.*)$")


def parse_body(spec: Spec, bank: dict[str, str]) -> list[Block]:
    """The body markup of ``spec`` (with ``@include`` expanded) as blocks."""
    lines: list[str] = []
    for raw in spec.fill(str(spec.data.get("body", ""))).splitlines():
        stripped = raw.strip()
        if stripped.startswith("@include "):
            name = stripped.split(None, 1)[1].strip()
            if name not in bank:
                raise ValueError(f"{spec.name}: no bank text {name!r}")
            lines.extend(spec.fill(bank[name]).splitlines())
            lines.append("")
        else:
            lines.append(raw)
    stack: list[list[Block]] = [[]]
    boxes: list[Block] = []
    para: list[str] = []
    para_kind = ("para", "")
    rows: list[list[str]] = []

    def flush() -> None:
        nonlocal para, rows
        if para:
            stack[-1].append(Block(para_kind[0], " ".join(para), para_kind[1]))
            para = []
        if rows:
            stack[-1].append(Block("table", rows=rows))
            rows = []

    for raw in lines:
        line = raw.strip()
        if line.startswith("|"):
            if para:
                flush()
            rows.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if rows:
            flush()
        if not line:
            flush()
            continue
        if line.startswith("@"):
            flush()
            directive, _, arg = line[1:].partition(" ")
            if directive == "pagebreak":
                stack[-1].append(Block("pagebreak"))
            elif directive == "box":
                box = Block("box", label=arg.strip())
                boxes.append(box)
                stack.append(box.children)
            elif directive == "endbox":
                stack.pop()
                stack[-1].append(boxes.pop())
            else:
                raise ValueError(f"{spec.name}: unknown directive {line!r}")
            continue
        m = re.match(r"^(#{1,2})\s+(.*)$", line)
        if m:
            flush()
            stack[-1].append(Block("h1" if len(m.group(1)) == 1 else "h2", m.group(2)))
            continue
        m = _NUM.match(line)
        if m and not para:
            flush()
            para, para_kind = [m.group(2)], ("num", m.group(1))
            continue
        if line.startswith("- "):
            flush()
            para, para_kind = [line[2:]], ("bullet", "")
            continue
        if not para:
            para_kind = ("para", "")
        para.append(line)
    flush()
    if len(stack) != 1:
        raise ValueError(f"{spec.name}: unclosed @box")
    return stack[0]


def headings(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind == "h1":
            out.append(b.text)
        out.extend(headings(b.children))
    return out
