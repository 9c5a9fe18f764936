"""The README's Neovim 0.7 snippet, run as written in a real headless Neovim (Debian 12's 0.7.2, installed by
.ci/run): the client starts `segdsl lsp`, attaches to a .seg buffer and answers a hover."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
PROBE = """
local attached = vim.wait(30000, function()
  for _, client in pairs(vim.lsp.buf_get_clients(0)) do
    if client.initialized then return true end
  end
  return false
end, 100)
local out = { "attached=" .. tostring(attached) }
local params = { textDocument = vim.lsp.util.make_text_document_params(), position = { line = 4, character = 5 } }
for _, response in pairs(vim.lsp.buf_request_sync(0, "textDocument/hover", params, 30000) or {}) do
  if response.result and response.result.contents then
    table.insert(out, "hover=" .. (response.result.contents.value or vim.inspect(response.result.contents)))
  end
end
vim.fn.writefile(vim.split(table.concat(out, "\\n"), "\\n"), vim.env.PROBE_OUT)
vim.cmd("qa!")
"""
PROGRAM = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
trait ltv "Lifetime spend" = sum(orders.amount)
segment big:
    ltv > 500
"""


def _snippet() -> str:
    blocks = [b for b in re.findall(r"```lua\n(.*?)```", README.read_text(), re.S) if "vim.lsp.start_client" in b]
    assert len(blocks) == 1, "one Neovim 0.7 snippet in README.md"
    return blocks[0]


def test_the_neovim_0_7_snippet_attaches_and_answers_a_hover(tmp_path):
    nvim = shutil.which("nvim")
    if nvim is None:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail("nvim not found: .ci/run installs Debian's neovim")
        pytest.skip("nvim not found: apt-get install neovim")
    (tmp_path / "init.lua").write_text(_snippet())
    (tmp_path / "probe.lua").write_text(PROBE)
    (tmp_path / "t.seg").write_text(PROGRAM)
    out = tmp_path / "out.txt"
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # segdsl, as installed beside Python
    env = {**os.environ, "PROBE_OUT": str(out), "PATH": path}
    subprocess.run([nvim, "--headless", "-u", "init.lua", "-c", "luafile probe.lua", "t.seg"], cwd=tmp_path, env=env,
                   timeout=120, check=True, capture_output=True)
    lines = out.read_text().splitlines()
    assert lines[0] == "attached=true"
    hover = "\n".join(lines[1:])
    assert hover.startswith("hover=**trait** `ltv`") and "Lifetime spend" in hover
