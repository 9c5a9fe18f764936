"""A database URL taken apart: scheme://user:password@host:port/path?name=value&..., each part percent-decoded.

Every driver reads its URL through `parse`, which checks what all of them
check (a port that is a number, no option given twice, no option the driver
does not know) and turns each problem into a user error whose hint shows the
form the driver expects. The password and every secret option are handed to
`redact.hide` at once, before anything can print them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from ...errors import SegdslError, error
from ...frozen import frozen
from ..redact import hide, hide_secret, redact

# options whose value is a credential: masked wherever a message quotes it
SECRET_OPTIONS = frozenset({"password", "token", "access_token", "private_key_file_pwd", "passcode",
                            "client_secret", "secret_access_key", "session_token"})


@frozen
class URL:
    """One database URL's parts, and the form its driver expects (for hints)."""

    text: str
    engine: str
    form: str
    scheme: str
    user: str | None
    password: str | None
    host: str | None
    port: int | None
    path: str  # after the host's '/', decoded: 'db', 'db/schema', or a file path for file databases
    options: dict[str, str] = field(default_factory=dict)

    @property
    def segments(self) -> tuple[str, ...]:
        """The path's parts between slashes ('db/schema' -> ('db', 'schema'))."""
        return tuple(part for part in self.path.split("/") if part)

    def fail(self, problem: str) -> SegdslError:
        """A user error about this URL, with the expected form as hint."""
        return error(f"{problem} in the {self.engine} URL '{redact(self.text)}'", None, f"write {self.form}")

    def needs_host(self) -> str:
        if not self.host:
            raise self.fail("no host")
        return self.host

    def path_parts(self, least: int, most: int, what: str) -> tuple[str, ...]:
        """The path's parts, between `least` and `most` of them (`what` names them, for the error)."""
        parts = self.segments
        if not least <= len(parts) <= most:
            raise self.fail(f"expected {what} after the host, found '{self.path or 'nothing'}'")
        return parts

    def flag(self, name: str) -> bool | None:
        """A true/false option (true/false, yes/no, 1/0, on/off); None when absent."""
        value = self.options.get(name)
        if value is None:
            return None
        lowered = value.strip().lower()
        if lowered in ("true", "yes", "1", "on"):
            return True
        if lowered in ("false", "no", "0", "off"):
            return False
        raise self.fail(f"option {name}={value} is not true or false")

    def number(self, name: str) -> int | None:
        value = self.options.get(name)
        if value is None:
            return None
        if not value.strip().isdigit():
            raise self.fail(f"option {name}={value} is not a whole number")
        return int(value)


def parse(text: str, engine: str, form: str, options: Iterable[str] = ()) -> URL:
    """The parts of `text`; an error when it is not such a URL or names an option outside `options`."""
    hide(text)
    known = set(options)
    split = urlsplit(text)
    pairs = parse_qsl(split.query, keep_blank_values=True)
    for name, value in pairs:
        if name in SECRET_OPTIONS:
            hide_secret(value)
    user, password = split.username, split.password
    url = URL(text, engine, form, split.scheme.lower(), unquote(user) if user else None,
              unquote(password) if password is not None else None, split.hostname, None, unquote(split.path[1:]))
    try:
        port = split.port
    except ValueError:
        raise url.fail("the port is not a number from 0 to 65535") from None
    if split.fragment:
        raise url.fail(f"'#{split.fragment}' has no meaning")
    seen: dict[str, str] = {}
    for name, value in pairs:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise error(f"unknown option '{name}' in the {engine} URL '{redact(text)}'", None,
                        f"options it takes: {listed}; write {form}")
        if name in seen:
            raise url.fail(f"option '{name}' given twice")
        seen[name] = value
    if url.password:
        hide_secret(url.password)
    return URL(url.text, engine, form, url.scheme, url.user, url.password, url.host, port, url.path, seen)


def file_path(text: str, engine: str, form: str) -> Path:
    """The file a sqlite:// or duckdb:// URL names: three slashes before a relative path, four before an
    absolute one (SQLAlchemy's form)."""
    url = parse(text, engine, form)
    if url.host or url.user or url.port is not None:
        raise url.fail(f"'{url.host or url.user}' where the path should start: a file URL has no host")
    if not url.path:
        raise url.fail("no file")
    return Path(url.path).expanduser()


def secret_from_environment(name: str) -> str | None:
    """A credential a driver reads from the environment when the URL has none (DATABRICKS_TOKEN, ...), hidden."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    hide_secret(value)
    return value
