"""`@frozen`: `@dataclass(frozen=True)` made in one compile instead of six.

Python before 3.13 compiles each method a frozen dataclass gets (`__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__`, `__delattr__`) on its own: about 0.3 ms a class, 40 ms of every command's
start-up over the package's node classes. Here `dataclasses` still collects the fields (so `fields`,
`replace`, `is_dataclass` and `asdict` work as on any dataclass) and only `__init__` is compiled;
equality, hashing, `repr` and immutability are shared functions over the class's field names, with
the meaning the standard ones have.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError
from operator import attrgetter
from reprlib import recursive_repr
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_options: object) -> Callable[[Any], Any]:
        return lambda decorator: decorator


T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, Field))
def frozen(cls: type[T]) -> type[T]:
    """The class as a frozen dataclass: an `__init__` of its fields, equality and a hash of the fields
    that compare, a `repr` of those shown, and no assignment after `__init__`."""
    documented = bool(cls.__doc__)
    if not documented:
        cls.__doc__ = "-"  # else dataclasses writes one from the signature, at a cost
    dataclasses.dataclass(cls, init=False, repr=False, eq=False)
    if not documented:
        cls.__doc__ = None
    every = dataclasses.fields(cls)  # type: ignore[arg-type]
    own = dict(cls.__dict__)  # what the class body defines
    _put(cls, "__init__", _init(cls, every))
    if "__repr__" not in own:
        _put(cls, "__repr__", _repr(tuple(each.name for each in every if each.repr)))
    if "__eq__" not in own:
        _put(cls, "__eq__", _eq(_values(tuple(each.name for each in every if each.compare))))
    declared = own.get("__hash__", MISSING)
    if declared is MISSING or (declared is None and "__eq__" in own):  # as dataclasses decides: not one of its own
        hashed = tuple(each.name for each in every if each.hash or (each.hash is None and each.compare))
        _put(cls, "__hash__", _hash(_values(hashed)))
    names = frozenset(each.name for each in every)
    _put(cls, "__setattr__", _setattr(cls, names))
    _put(cls, "__delattr__", _delattr(cls, names))
    return cls


def _put(cls: type, name: str, method: Callable[..., Any]) -> None:
    method.__name__ = name
    method.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, method)


def _init(cls: type, every: tuple[Field[Any], ...]) -> Callable[..., None]:
    """`__init__` compiled from source, as dataclasses writes it: defaults, default factories,
    keyword-only fields after a `*`, then `__post_init__`."""
    names: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
    positional: list[str] = []
    keywords: list[str] = []
    body: list[str] = []
    for each in every:
        factory = each.default_factory
        if each.init:
            parameter = each.name
            if factory is not MISSING:
                parameter += "=_FACTORY"
                names[f"_factory_{each.name}"] = factory
                value = f"_factory_{each.name}() if {each.name} is _FACTORY else {each.name}"
            else:
                if each.default is not MISSING:
                    parameter += f"=_default_{each.name}"
                    names[f"_default_{each.name}"] = each.default
                value = each.name
            (keywords if each.kw_only else positional).append(parameter)
        elif factory is not MISSING:
            names[f"_factory_{each.name}"] = factory
            value = f"_factory_{each.name}()"
        else:
            continue  # no init, no factory: the class attribute holds the default
        body.append(f"    _set(self, {each.name!r}, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    parameters = ", ".join(["self", *positional, *(["*", *keywords] if keywords else [])])
    source = f"def __init__({parameters}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(source, names)
    init: Callable[..., None] = names["__init__"]
    return init


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _values(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function from an instance to the tuple of the named fields' values."""
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda instance: (one(instance),)
    if names:
        return attrgetter(*names)
    return lambda instance: ()


def _eq(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    return lambda self: hash(values(self))


def _repr(names: tuple[str, ...]) -> Callable[[Any], str]:
    @recursive_repr()
    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__


def _setattr(cls: type[Any], names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _delattr(cls: type[Any], names: frozenset[str]) -> Callable[[Any, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__
