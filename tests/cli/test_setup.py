"""README's set-up command works as written on a host like stock Debian or Ubuntu.

There, `python` may not exist (only `python3`) and pip refuses to install into
the system's Python (PEP 668): the command must make and use its own virtual
environment. It is run here for real, in a copy of the repository, with a PATH
that has `python3` but no `python` or `pip`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _set_up_commands() -> list[str]:
    section = (ROOT / "README.md").read_text().split("## Set-up: two commands", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_names_two_set_up_commands_and_ci_runs_the_second():
    first, second = _set_up_commands()
    assert first.endswith("segdsl run examples/retail.seg")
    assert second.endswith("bash .ci/run")
    test_command = re.search(r"then the test command.*?```sh\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith(test_command.group(1).strip())


def test_the_first_command_works_without_python_or_a_writable_system_python(tmp_path):
    first, _ = _set_up_commands()
    copy = tmp_path / "segdsl"
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "python3").symlink_to(sys.executable)  # the host's interpreter, under its Debian name only
    path = str(tools)  # nothing else: the command brings its own python and pip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "PIP_"))}
    env.update(PATH=path, PIP_DISABLE_PIP_VERSION_CHECK="1", HOME=os.environ.get("HOME", str(tmp_path)))
    assert shutil.which("python", path=path) is None and shutil.which("pip", path=path) is None
    done = subprocess.run([shutil.which("bash"), "-c", first], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "demo data, as of" in done.stderr
    assert re.search(r"^lapsed +[0-9,]+ +[0-9.]+% ", done.stdout, re.M), done.stdout
