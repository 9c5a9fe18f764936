"""How deep conditions and values may nest, checked before anything recurses.

A chain (`a and b and c`, `a or b`, `a + b - c`, `a * b`) is one node however
long, in every stage (ast.py, model.py), and the SQL writes it flat. What
nests is nesting: parentheses, `not`, unary minus, `/` (its SQL casts the
left side), function calls, and a segment used inside another (its condition
is written into the other's SQL, so their depths add up). The stages walk
nesting recursively, and so do sqlglot's printer and the databases' parsers,
so nesting is limited to MAX_NESTING levels and checked without recursing:
on Lark's parse tree before the syntax tree is built (`check_parse_tree`),
and through segment references once a program is checked (`inlined_nesting`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

from lark import Token, Tree

from ..errors import Diagnostic, Span, error
from . import ast
from . import model as m

MAX_NESTING = 64

CHAINS = {"or_": "or", "and_": "and", "add": "sum", "sub": "sum", "mul": "product", "div": "product"}
"""Parse tree rules whose first child continues the same chain: `a and b and c` is and_(and_(a, b), c)."""

_NO_LEVEL = {"bare"}  # a value standing as a condition (a parenthesised condition is bare(paren(...)))

HINT = ("each parenthesis, not, unary minus, / and function call adds a level; a chain (a and b and c, "
        "a + b - c) is one level however long")


def check_parse_tree(tree: Tree[Token], file: str) -> None:
    """Raise a positioned error where a parse tree nests more than MAX_NESTING levels below its
    declarations (or below the expression's top, for an expression parsed alone)."""
    top = -1 if tree.data == "start" else 0
    pending: list[tuple[Tree[Token], int]] = [(tree, top)]
    while pending:
        node, level = pending.pop()
        if level > MAX_NESTING:
            meta = node.meta
            span = Span(file, meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)
            raise error(f"nested too deeply: more than {MAX_NESTING} levels", span, HINT)
        chain = CHAINS.get(node.data)
        for i in reversed(range(len(node.children))):  # the first child is looked at first
            child = node.children[i]
            if isinstance(child, Tree):
                same_chain = i == 0 and chain is not None and CHAINS.get(child.data) == chain and child.data != "div"
                pending.append((child, level if same_chain or child.data in _NO_LEVEL else level + 1))


def inlined_nesting(segments: Mapping[str, m.Segment], segmentations: Mapping[str, m.Segmentation],
                    traits: Mapping[str, m.Trait]) -> list[Diagnostic]:
    """Segments, segmentations and traits nesting more than MAX_NESTING levels with the segments (and the
    segmentations' labels and traits) they use written in, as the SQL writes them; only those whose own
    uses stay within the limit are reported (fixing one may fix those built on it). No cycles, please.

    A use of a segment whose condition is a chain of the same connective (`s and x` with s = `a and
    b`) continues that chain, as in the SQL.
    """
    graph: dict[str, list[m.Condition | m.Value]] = {name: [s.condition] for name, s in segments.items()}
    graph.update({name: [c for _, c in s.rules] for name, s in segmentations.items()})
    graph.update({name: [t.value] for name, t in traits.items()})
    depth: dict[str, tuple[int, _Chain, _Reference | None]] = {}
    problems: list[Diagnostic] = []
    for name in dependencies_first(list(graph), lambda name: (ref.name for ref in _uses(graph, name))):
        tops = [_height(condition, depth) for condition in graph[name]]
        if name not in segmentations:
            height, chain, via = tops[0]
        else:  # a label is a CASE over the rules
            height, _, via = max(tops, key=lambda top: top[0])
            height, chain = height + 1, None
        depth[name] = (height, chain, via)
        used = [ref.name for condition in graph[name] for ref in _references(condition)]
        if height > MAX_NESTING and all(depth[u][0] <= MAX_NESTING for u in used):
            kind = "segment" if name in segments else "segmentation" if name in segmentations else "trait"
            target = segments.get(name) or segmentations.get(name) or traits[name]
            span = via.span if via is not None else target.span
            problems.append(Diagnostic(
                f"{kind} '{name}' nests {height} levels deep counting the segments and traits it uses, more than "
                f"{MAX_NESTING}", span, "a segment or trait used in another is written into its SQL, so their levels "
                                        "add up; a chain of one connective (s1 and s2 and ...) adds none"))
    return problems


_Chain = type[m.And] | type[m.Or] | None
_Reference = m.SegmentRef | m.LabelOf | m.TraitRef


def _height(condition: m.Condition | m.Value, depth: Mapping[str, tuple[int, _Chain, _Reference | None]]
            ) -> tuple[int, _Chain, _Reference | None]:
    """A condition's levels below its top, the chain at its top, and the first use of another
    segment on its deepest path (every segment it uses in `depth` already)."""
    done: dict[int, tuple[int, _Chain, _Reference | None]] = {}
    pending: list[tuple[object, bool]] = [(condition, False)]
    while pending:
        node, ready = pending.pop()
        if isinstance(node, (m.SegmentRef, m.LabelOf, m.TraitRef)):
            height, top, _ = depth[node.name]
            done[id(node)] = (height, top, node)
        elif not ready:
            pending.append((node, True))
            pending += [(child, False) for child in ast.children(node)]
        else:
            chain: _Chain = m.And if isinstance(node, m.And) else m.Or if isinstance(node, m.Or) else None
            best: tuple[int, _Chain, _Reference | None] = (0, chain, None)
            for child in ast.children(node):
                height, child_chain, via = done[id(child)]
                height += 0 if chain is not None and child_chain is chain else 1
                if height > best[0]:
                    best = (height, chain, via)
            done[id(node)] = best
    return done[id(condition)]


def dependencies_first(names: Iterable[str], uses: Callable[[str], Iterable[str]]) -> list[str]:
    """Every name, each after the names it uses where it is in no cycle (depth first, without recursing)."""
    order: list[str] = []
    seen: set[str] = set()
    for root in names:
        if root in seen:
            continue
        seen.add(root)
        path: list[tuple[str, Iterator[str]]] = [(root, iter(uses(root)))]
        while path:
            name, used = path[-1]
            each = next(used, None)
            if each is None:
                order.append(name)
                path.pop()
            elif each not in seen:
                seen.add(each)
                path.append((each, iter(uses(each))))
    return order


def _uses(graph: Mapping[str, list[m.Condition | m.Value]], name: str) -> Iterator[_Reference]:
    return (ref for condition in graph.get(name, ()) for ref in _references(condition))


def _references(condition: m.Condition | m.Value) -> Iterator[_Reference]:
    return (node for node in ast.walk(condition) if isinstance(node, (m.SegmentRef, m.LabelOf, m.TraitRef)))
