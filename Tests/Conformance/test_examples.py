"""README.md's "Reproducible examples" section equals a fresh run of scripts/examples
(bit-exact at the recipes' thread counts)."""

from __future__ import annotations

import os
import re
import subprocess

from conftest import REPO_ROOT, garden_bin

SECTION = re.compile(r"<!-- BEGIN REPRODUCIBLE EXAMPLES.*?<!-- END REPRODUCIBLE EXAMPLES -->", re.S)


def test_readme_examples_match_a_fresh_run():
    readme = (REPO_ROOT / "README.md").read_text()
    match = SECTION.search(readme)
    assert match, "README.md has no generated 'Reproducible examples' section (run scripts/examples --write)"
    env = dict(os.environ, GARDEN_BIN=garden_bin())
    proc = subprocess.run([str(REPO_ROOT / "scripts" / "examples")], capture_output=True, text=True,
                          env=env, timeout=1800)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == match.group(0).strip(), (
        "README.md's examples differ from a fresh run; if the change is intended, run "
        f"scripts/examples --write\n--- fresh ---\n{proc.stdout}"
    )
