"""The Python examples run and show what they promise."""
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python"


def run(script, *args):
    child = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args], capture_output=True, text=True, timeout=300
    )
    assert child.returncode == 0, child.stdout + child.stderr
    return child.stdout


def test_pipeline_example_finds_the_informative_columns():
    out = run("pipeline.py")
    assert "kept columns [0, 1, 2, 3, 4] (truth: [0, 1, 2, 3, 4])" in out


def test_digits_figures_example(tmp_path):
    pytest.importorskip("matplotlib")
    run("digits_figures.py", str(tmp_path))
    for name in ("fig2_probabilities.png", "fig4_digits.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
