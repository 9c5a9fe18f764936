"""`@frozen` behaves as `@dataclass(frozen=True)`: each class below is made both ways and every behaviour compared."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import FrozenInstanceError, dataclass, field
from functools import cached_property
from typing import Any

import pytest

from segdsl.frozen import frozen

BOTH = {"dataclass": dataclass(frozen=True), "frozen": frozen}


def made(decorate: Any) -> dict[str, Any]:
    """The same small hierarchy of classes, made with `decorate`."""

    @decorate
    class Base:
        """A node with a span that neither compares nor shows."""

        span: int = field(default=0, compare=False, repr=False, kw_only=True)

    @decorate
    class Pair(Base):
        """Two values, the second with a default."""

        left: Any
        right: Any = "r"

    @decorate
    class Listed(Base):
        items: tuple[Any, ...] = ()
        notes: tuple[str, ...] = field(default_factory=tuple)
        derived: int = field(init=False, default=7)
        counted: tuple[int, ...] = field(init=False, default_factory=lambda: (1,))
        unhashed: int = field(default=0, hash=False)

        @cached_property
        def size(self) -> int:
            return len(self.items)

    @decorate
    class Checked:
        """Sets a field of its own after __init__, as a frozen class may through object.__setattr__."""

        text: str
        length: int = field(init=False, default=0)

        def __post_init__(self) -> None:
            object.__setattr__(self, "length", len(self.text))

    @decorate
    class Own:
        value: int

        def __repr__(self) -> str:
            return "own"

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 1

    @decorate
    class Empty:
        """No fields at all."""

    @decorate
    class Unhashable:
        """Says so in its body."""

        value: int
        __hash__ = None  # type: ignore[assignment]

    @decorate
    class OwnEquality:
        """Its own __eq__ and no __hash__: dataclasses still adds the fields' hash."""

        value: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, OwnEquality)

    Pair.__module__ = Listed.__module__ = __name__
    return {"Base": Base, "Pair": Pair, "Listed": Listed, "Checked": Checked, "Own": Own, "Empty": Empty,
            "Unhashable": Unhashable, "OwnEquality": OwnEquality}


CLASSES = {name: made(decorate) for name, decorate in BOTH.items()}


def each_way(name: str, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    return tuple(CLASSES[way][name](*args, **kwargs) for way in BOTH)


def outcome(action: Any) -> Any:
    """What an action gives, or the type and message of what it raises."""
    try:
        return action()
    except Exception as error:
        return type(error), str(error).split("__init__() ")[-1]


@pytest.mark.parametrize(("name", "args", "kwargs"), [
    ("Pair", (1,), {}), ("Pair", (1, 2), {"span": 5}), ("Pair", (), {"left": 1, "right": None}),
    ("Pair", (1, 2, 3), {}), ("Pair", (), {}), ("Pair", (1,), {"wrong": 2}), ("Pair", (1,), {"left": 2}),
    ("Listed", ((1, 2),), {}), ("Listed", (), {"notes": ("a",), "unhashed": 4}), ("Listed", (), {"derived": 1}),
    ("Checked", ("four",), {}), ("Own", (3,), {}), ("Empty", (), {}), ("Base", (), {"span": 2}),
])
def test_construction_equality_hash_and_repr_agree(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    standard, ours = (outcome(lambda way=way: CLASSES[way][name](*args, **kwargs)) for way in BOTH)
    if isinstance(standard, tuple) and standard and standard[0] is TypeError:
        assert ours == standard
        return
    assert repr(ours) == repr(standard)
    assert vars(ours) == vars(standard)
    assert hash(ours) == hash(standard)
    assert dataclasses.astuple(ours) == dataclasses.astuple(standard)
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(standard)]
    assert type(ours).__match_args__ == type(standard).__match_args__
    assert type(ours).__doc__ == type(standard).__doc__ or (type(standard).__doc__ or "").startswith(name)


def test_a_hash_is_added_as_dataclasses_adds_one() -> None:
    for classes in CLASSES.values():
        assert classes["Unhashable"].__hash__ is None
        assert hash(classes["OwnEquality"](1)) == hash((1,))
        assert classes["OwnEquality"](1) == classes["OwnEquality"](2)


def test_equality_is_per_class_and_ignores_fields_that_do_not_compare() -> None:
    for classes in CLASSES.values():
        pair = classes["Pair"]
        assert pair(1, 2, span=1) == pair(1, 2, span=9)
        assert hash(pair(1, 2, span=1)) == hash(pair(1, 2, span=9))
        assert pair(1, 2) != pair(1, 3)
        assert pair(1, 2) != (1, 2)
        assert pair(1, 2).__eq__(classes["Listed"]()) is NotImplemented
        listed = classes["Listed"]
        assert hash(listed(unhashed=1)) == hash(listed(unhashed=2))
        assert listed(unhashed=1) != listed(unhashed=2)


def test_fields_cannot_be_assigned_or_deleted() -> None:
    for classes in CLASSES.values():
        pair = classes["Pair"](1)
        with pytest.raises(FrozenInstanceError):
            pair.left = 2
        with pytest.raises(FrozenInstanceError):
            pair.other = 2
        with pytest.raises(FrozenInstanceError):
            del pair.left
        assert pair.left == 1


def test_dataclass_functions_copies_and_pickles_work() -> None:
    for classes in CLASSES.values():
        pair = classes["Pair"](1, [2], span=3)
        changed = dataclasses.replace(pair, right=4)
        assert (changed.left, changed.right, changed.span) == (1, 4, 3)
        assert dataclasses.is_dataclass(pair)
        assert dataclasses.asdict(pair) == {"span": 3, "left": 1, "right": [2]}
        assert copy.deepcopy(pair) == pair
        listed = classes["Listed"]((1, 2, 3))
        assert listed.size == 3  # cached_property writes the instance's dict, not through __setattr__
        assert listed.notes == ()
        assert (listed.derived, listed.counted) == (7, (1,))


@frozen
class Point:
    """At module level, so that pickle finds it."""

    x: int
    y: int = 0


def test_pickles() -> None:
    point = Point(1, y=2)
    assert pickle.loads(pickle.dumps(point)) == point


def test_own_methods_are_kept() -> None:
    own = CLASSES["frozen"]["Own"](3)
    assert (repr(own), own == 4, hash(own)) == ("own", True, 1)


def test_a_recursive_repr_does_not_loop() -> None:
    for classes in CLASSES.values():
        items: list[Any] = []
        pair = classes["Pair"](items)
        items.append(pair)
        assert repr(pair) == f"{classes['Pair'].__qualname__}(left=[...], right='r')"


def test_match_statements_see_the_fields() -> None:
    for classes in CLASSES.values():
        pair = classes["Pair"]
        match pair(1, 2):
            case pair(left, right):
                assert (left, right) == (1, 2)
            case _:
                pytest.fail("no match")
