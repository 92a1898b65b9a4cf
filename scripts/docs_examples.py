"""Run every `$ escsim ...` example of the documentation and write its output, so no number
in the docs or the README is typed by hand.

The examples are listed in ``docs/examples/examples.yaml``. Each runs as ``python -m sim``
from this tree, with a fixed environment (no terminal, so no progress bars; 100 columns),
and its output is written to ``docs/examples/NAME.txt`` as ``$ COMMAND`` followed by what
the command printed. The pages include that file (``--8<--``, pymdownx.snippets); the
README holds a copy between ``<!-- example: NAME -->`` and ``<!-- /example -->``, which
this script rewrites. ``tests/test_docs.py`` runs the examples again and compares.

    python scripts/docs_examples.py            # run them all, rewrite the outputs
    python scripts/docs_examples.py NAME...    # only these
    python scripts/docs_examples.py --check    # compare instead of writing (exit 1 on a difference)
"""

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "docs" / "examples"
MANIFEST = EXAMPLES / "examples.yaml"
IMAGES = REPO / "docs" / "images"
README = REPO / "README.md"
OUT_OPTIONS = ("--out", "-o")


@dataclass(frozen=True)
class Example:
    name: str
    command: str
    cwd: str = "."
    stderr: bool = False
    exit: int = 0
    cheap: bool = False
    figure: str | None = None

    @property
    def output_file(self) -> Path:
        return EXAMPLES / f"{self.name}.txt"


def load_examples() -> list[Example]:
    from ruamel.yaml import YAML

    entries = YAML(typ="safe").load(MANIFEST.read_text(encoding="utf-8"))
    examples = [Example(**entry) for entry in entries]
    names = [e.name for e in examples]
    if len(set(names)) != len(names):
        raise SystemExit(f"{MANIFEST}: an example name is given twice")
    return examples


def argv_of(example: Example, out_dir: Path) -> list[str]:
    """The command's arguments after ``escsim``: globs expanded (sorted, as a shell does)
    relative to the example's directory, the --out directory moved into ``out_dir``."""
    words = shlex.split(example.command)
    if words[0] != "escsim":
        raise SystemExit(f"{MANIFEST}: {example.name}: a command starts with 'escsim'")
    cwd = REPO / example.cwd
    argv: list[str] = []
    after_out = False
    for word in words[1:]:
        if after_out:
            argv.append(str(out_dir / Path(word).name))
            after_out = False
            continue
        after_out = word in OUT_OPTIONS
        if any(c in word for c in "*?["):
            matches = sorted(glob.glob(word, root_dir=cwd))
            if not matches:
                raise SystemExit(f"{MANIFEST}: {example.name}: {word} matches no file")
            argv += matches
        else:
            argv.append(word)
    return argv


def run(example: Example, out_dir: Path) -> str:
    """The example's text: ``$ command`` and its output (its --out goes into ``out_dir``)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "COLUMNS": "100",
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "sim", *argv_of(example, out_dir)],
        cwd=REPO / example.cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != example.exit:
        raise SystemExit(
            f"{example.name}: exit code {proc.returncode}, expected {example.exit}\n{proc.stderr}"
        )
    printed = proc.stdout + (proc.stderr if example.stderr else "")
    return f"$ {example.command}\n{printed.rstrip()}\n"


def figure_of(example: Example, out_dir: Path) -> Path | None:
    """The figure the example drew into its --out directory, if it names one."""
    if example.figure is None:
        return None
    words = shlex.split(example.command)
    out = next(words[i + 1] for i, w in enumerate(words) if w in OUT_OPTIONS)
    return out_dir / Path(out).name / example.figure


def readme_with(readme: str, name: str, text: str) -> str:
    """The README with the copy of example ``name`` replaced by ``text`` (unchanged when
    the README holds no copy of it)."""
    pattern = re.compile(
        rf"(<!-- example: {re.escape(name)} -->\n```\n).*?(```\n<!-- /example -->)", re.S
    )
    return pattern.sub(lambda m: m.group(1) + text + m.group(2), readme)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    wanted = [a for a in argv if a != "--check"]
    examples = [e for e in load_examples() if not wanted or e.name in wanted]
    readme = README.read_text(encoding="utf-8")
    differ = []
    for example in examples:
        print(f"{example.name}: {example.command}", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="escsim-docs-") as tmp:
            text = run(example, Path(tmp))
            if check:
                if example.output_file.read_text(encoding="utf-8") != text:
                    differ.append(example.name)
                continue
            example.output_file.write_text(text, encoding="utf-8")
            readme = readme_with(readme, example.name, text)
            figure = figure_of(example, Path(tmp))
            if figure is not None:
                IMAGES.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(figure, IMAGES / f"{example.name}.png")
    if check:
        for name in differ:
            print(f"{name}: the output differs from docs/examples/{name}.txt", file=sys.stderr)
        return 1 if differ else 0
    README.write_text(readme, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
