"""Imports: one data model shared by many segment files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segdsl.cli.main import main
from segdsl.compile import compiler
from segdsl.errors import SegdslError, render
from segdsl.lang.source import MAX_SOURCE_BYTES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

MODEL = """customers from shop.customers key customer_id
events orders from shop.orders by customer_id at ordered_at
param lapse = 90
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def failure(path: Path, params=None) -> SegdslError:
    with pytest.raises(SegdslError) as caught:
        compiler.load_file(path, params)
    return caught.value


def test_an_imported_file_contributes_every_kind_of_declaration(tmp_path):
    write(tmp_path, {
        "model.seg": MODEL + 'segment buyers: has orders\nsegmentation tier:\n    big when count(orders) > 5\n'
                             '    else small\n',
        "s.seg": 'import "model.seg"\nsegment lapsed: buyers and no orders in last lapse days and tier = "big"\n',
    })
    program = compiler.load_file(tmp_path / "s.seg")
    assert program.entity.key == "customer_id"
    assert list(program.events) == ["orders"] and list(program.params) == ["lapse"]
    assert list(program.segments) == ["buyers", "lapsed"] and list(program.segmentations) == ["tier"]
    assert program.segments["buyers"].span.file == str(tmp_path / "model.seg")
    assert program.segments["lapsed"].span.file == str(tmp_path / "s.seg")
    assert set(program.sources) == {str(tmp_path / "model.seg"), str(tmp_path / "s.seg")}


def test_the_example_compiles_to_the_same_sql_as_the_files_pasted_together():
    model = (EXAMPLES / "shop_model.seg").read_text()
    retention = (EXAMPLES / "retention.seg").read_text().replace('import "shop_model.seg"', "")
    imported = compiler.load_file(EXAMPLES / "retention.seg")
    pasted = compiler.load_text(model + "\n" + retention, "pasted.seg")
    for dialect in ("duckdb", "postgres", "tsql"):
        assert compiler.to_sql(imported, dialect) == compiler.to_sql(pasted, dialect)


def test_imports_are_transitive_and_resolve_relative_to_the_importing_file(tmp_path, monkeypatch):
    write(tmp_path, {
        "shared/base.seg": MODEL,
        "shared/model.seg": 'import "base.seg"\nsegment buyers: has orders\n',
        "teams/growth/s.seg": 'import "../../shared/model.seg"\nsegment repeat: buyers and count(orders) >= 2\n',
    })
    monkeypatch.chdir(tmp_path / "teams")   # the cwd plays no part
    program = compiler.load_file(tmp_path / "teams/growth/s.seg")
    assert list(program.segments) == ["buyers", "repeat"]
    assert program.entity.span.file.endswith("base.seg")


def test_a_file_imported_twice_is_loaded_once(tmp_path):
    write(tmp_path, {
        "model.seg": MODEL,
        "a.seg": 'import "model.seg"\nsegment a: has orders\n',
        "b.seg": 'import "./model.seg"\nsegment b: no orders\n',
        "s.seg": 'import "a.seg"\nimport "b.seg"\nimport "model.seg"\nsegment both: a or b\n',
    })
    assert list(compiler.load_file(tmp_path / "s.seg").segments) == ["a", "b", "both"]


def test_text_resolves_imports_relative_to_the_current_directory(tmp_path, monkeypatch):
    write(tmp_path, {"model.seg": MODEL})
    monkeypatch.chdir(tmp_path)
    program = compiler.load_text('import "model.seg"\nsegment x: has orders\n')
    assert program.entity.table == ("shop", "customers")


def test_parameters_set_on_the_command_line_reach_imported_parameters(tmp_path):
    write(tmp_path, {"model.seg": MODEL, "s.seg": 'import "model.seg"\nsegment x: no orders in last lapse days\n'})
    program = compiler.load_file(tmp_path / "s.seg", {"lapse": "30"})
    assert program.params["lapse"].value == 30
    assert program.segments["x"].condition.events.window.amount.value == 30
    err = failure(tmp_path / "s.seg", {"lapse": "soon"})
    assert err.diagnostics[0].span.file == str(tmp_path / "model.seg")


def test_an_import_cycle_is_an_error_at_the_import_that_closes_it(tmp_path):
    write(tmp_path, {"a.seg": 'import "b.seg"\n' + MODEL, "b.seg": '# b\nimport "c.seg"\n',
                     "c.seg": 'import "a.seg"\n'})
    err = failure(tmp_path / "a.seg")
    [diagnostic] = err.diagnostics
    a, b, c = (str(tmp_path / n) for n in ("a.seg", "b.seg", "c.seg"))
    assert diagnostic.message == f"import cycle: {a} -> {b} -> {c} -> {a}"
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == (c, 1, 1)
    assert render(err).splitlines() == [
        f"{c}:1:1: error: import cycle: {a} -> {b} -> {c} -> {a}",
        '    1 | import "a.seg"',
        "      | ^^^^^^^^^^^^^^",
        f"{a}:1:1: note: {a} imports {b} here",
        '    1 | import "b.seg"',
        "      | ^^^^^^^^^^^^^^",
        f"{b}:2:1: note: {b} imports {c} here",
        '    2 | import "c.seg"',
        "      | ^^^^^^^^^^^^^^",
        "hint: move what both files need into a third file that both import"]


def test_a_file_importing_itself_is_a_cycle(tmp_path):
    write(tmp_path, {"a.seg": MODEL + 'import "a.seg"\n'})
    assert failure(tmp_path / "a.seg").diagnostics[0].message.startswith("import cycle:")


def test_a_name_declared_in_two_files_points_at_both(tmp_path):
    write(tmp_path, {"model.seg": MODEL + "segment buyers: has orders\n",
                     "s.seg": 'import "model.seg"\n\nsegment buyers: count(orders) > 1\n'})
    err = failure(tmp_path / "s.seg")
    [diagnostic] = err.diagnostics
    model, s = str(tmp_path / "model.seg"), str(tmp_path / "s.seg")
    assert diagnostic.message == "'buyers' is declared twice"
    assert (diagnostic.span.file, diagnostic.span.line) == (s, 3)
    assert diagnostic.hint == f"first declared at {model}:4"
    assert render(err) == (
        f"{s}:3:9: error: 'buyers' is declared twice\n"
        "    3 | segment buyers: count(orders) > 1\n"
        "      |         ^^^^^^\n"
        f"{model}:4:9: note: 'buyers' is first declared here\n"
        "    4 | segment buyers: has orders\n"
        "      |         ^^^^^^\n"
        f"hint: first declared at {model}:4")


def test_two_entity_tables_in_two_files_point_at_both(tmp_path):
    write(tmp_path, {"model.seg": MODEL, "s.seg": 'import "model.seg"\naccounts from crm.accounts key id\n'})
    err = failure(tmp_path / "s.seg")
    assert err.diagnostics[0].message == "a program declares one entity table"
    assert err.diagnostics[0].notes[0][1].file == str(tmp_path / "model.seg")


@pytest.mark.parametrize("files, message, line", [
    ({"s.seg": MODEL + 'import "nowhere.seg"\n'}, "cannot read imported file", 4),
    ({"s.seg": MODEL + 'import "sub.seg"\n', "sub.seg/x.seg": MODEL}, "sub.seg: it is a folder", 4),
    ({"s.seg": MODEL + 'import "sub"\n', "sub/x.seg": MODEL}, "sub: an import names a .seg file", 4),
    ({"s.seg": MODEL + '\nimport ""\n'}, "an import needs a file name", 5),
])
def test_an_import_that_cannot_be_read_is_an_error_at_the_import_line(tmp_path, files, message, line):
    write(tmp_path, files)
    err = failure(tmp_path / "s.seg")
    [diagnostic] = err.diagnostics
    assert message in diagnostic.message
    assert (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == (str(tmp_path / "s.seg"), line, 1)


def test_errors_inside_an_imported_file_name_that_file(tmp_path):
    write(tmp_path, {"model.seg": MODEL + "segment a: has ordrs\nsegment b: (\n",
                     "s.seg": 'import "model.seg"\nsegment x: has orders\n'})
    err = failure(tmp_path / "s.seg")
    model = str(tmp_path / "model.seg")
    # the syntax error, then what the declarations that parse show
    assert [(d.span.file, d.span.line) for d in err.diagnostics] == [(model, 5), (model, 4)]
    assert render(err).startswith(f"{model}:5:")
    write(tmp_path, {"model.seg": MODEL + "segment a: has ordrs\n"})
    err = failure(tmp_path / "s.seg")
    assert render(err).splitlines()[:3] == [
        f"{model}:4:16: error: unknown event set 'ordrs'",
        "    4 | segment a: has ordrs",
        "      |                ^^^^^"]


def test_an_imported_file_that_is_not_utf8_is_positioned(tmp_path):
    write(tmp_path, {"s.seg": 'import "model.seg"\nsegment x: has orders\n'})
    (tmp_path / "model.seg").write_bytes((MODEL + '# caf\xe9\n').encode("latin-1"))
    err = failure(tmp_path / "s.seg")
    span = err.diagnostics[0].span
    assert (span.file, span.line, span.column) == (str(tmp_path / "model.seg"), 4, 6)
    assert "not valid UTF-8 (byte 0xe9)" in err.diagnostics[0].message


def test_the_cli_runs_an_importing_file_and_renders_errors_in_the_imported_one(tmp_path):
    write(tmp_path, {"model.seg": MODEL + "segment a: has ordrs\n", "s.seg": 'import "model.seg"\n'})
    result = CliRunner().invoke(main, ["check", str(tmp_path / "s.seg")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'model.seg'}:4:16: error: unknown event set 'ordrs'" in result.output
    assert "hint: did you mean 'orders'?" in result.output
    result = CliRunner().invoke(main, ["run", str(EXAMPLES / "retention.seg"), "--segment", "lapsed_buyers",
                                       "--param", "lapse=60", "--format", "csv"], catch_exceptions=False)
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == "customer_id"


def _reachable(graph: dict[int, list[int]], start: int) -> set[int]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return seen


def _has_cycle(graph: dict[int, list[int]], start: int) -> bool:
    state: dict[int, str] = {}

    def visit(node: int) -> bool:
        state[node] = "open"
        for nxt in graph[node]:
            if state.get(nxt) == "open" or (nxt not in state and visit(nxt)):
                return True
        state[node] = "done"
        return False

    return visit(start)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(2, 5).flatmap(lambda n: st.tuples(st.just(n), st.lists(
    st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=8))))
def test_any_import_graph_loads_every_reachable_file_once_or_names_a_cycle(tmp_path_factory, graph_spec):
    n, edges = graph_spec
    root = tmp_path_factory.mktemp("g")
    graph = {i: sorted({b for a, b in edges if a == i}) for i in range(n)}
    write(root, {"model.seg": MODEL})
    for i in range(n):
        imports = "".join(f'import "f{j}.seg"\n' for j in graph[i])
        write(root, {f"f{i}.seg": f'import "model.seg"\n{imports}segment s{i}: has orders\n'})
    if _has_cycle(graph, 0):
        err = failure(root / "f0.seg")
        assert {d.message.split(":")[0] for d in err.diagnostics} == {"import cycle"}
        return
    program = compiler.load_file(root / "f0.seg")
    assert set(program.segments) == {f"s{i}" for i in _reachable(graph, 0)}
    assert program.entity.span.file == str(root / "model.seg")


SECRET = "root:x:0:0:s3cret-line"


@pytest.mark.parametrize("target", ["secrets.txt", ".pgpass", "passwd"])
def test_an_import_of_a_file_that_is_no_seg_file_is_refused_without_reading_it(tmp_path, target):
    write(tmp_path, {target: SECRET + "\n", "s.seg": MODEL + f'import "{target}"\n'})
    err = failure(tmp_path / "s.seg")
    [diagnostic] = err.diagnostics
    assert diagnostic.message.startswith("cannot import ")
    assert diagnostic.message.endswith(f"{target}: an import names a .seg file")
    assert SECRET not in render(err) and str(tmp_path / target) not in err.sources


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _huge(path: Path) -> None:
    with path.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_SOURCE_BYTES + 1)


@pytest.mark.parametrize("make, reason", [
    (_fifo, "it is not a regular file"),  # would block forever
    (_device, "it is not a regular file"),  # would never end
    (_huge, "more than 4 MiB"),
])
def test_only_regular_files_of_bounded_size_are_read(tmp_path, make, reason):
    make(tmp_path / "odd.seg")
    write(tmp_path, {"s.seg": MODEL + 'import "odd.seg"\n'})
    [diagnostic] = failure(tmp_path / "s.seg").diagnostics
    assert diagnostic.message.startswith("cannot read imported file ") and "odd.seg: " in diagnostic.message
    assert reason in diagnostic.message
    assert diagnostic.span.line == 4
    direct = CliRunner().invoke(main, ["check", str(tmp_path / "odd.seg")])
    assert direct.exit_code == 1 and f"cannot read {tmp_path / 'odd.seg'}: " in direct.stderr
    assert reason in direct.stderr
