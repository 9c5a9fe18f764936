"""Passwords kept out of everything segdsl prints or raises.

A database URL may carry a password (postgresql://user:secret@host/db) or a
token (sc://host:15002/;token=secret). Every message that can reach a user, a
log or a job scheduler's mail passes through `redact`: it masks the password
of any URL in the text, any `password=...` or `token=...` setting, and every
password and token segdsl was handed in this process (`hide`, secrets of four
characters or more), since a driver may quote a password without its URL
(libpq does, for a malformed percent-escape).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"
MIN_HIDDEN = 4  # a shorter password is masked in URLs only: masking every "ab" would garble messages

# scheme://user:PASSWORD@ ; the password runs to the last '@' before the host part
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)(?P<password>[^\s/]*)@", re.IGNORECASE)
_SETTING_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<password>'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
# token=..., access_token=...: up to the next ';' (sc:// parameters), '&' (query strings), ',' or ':'
_SETTING_TOKEN = re.compile(r"(?P<head>\b\w*token\s*=\s*)(?P<password>[^\s;&,:]+)", re.IGNORECASE)

_hidden: set[str] = set()


def hide(url: str) -> str:
    """Remember the password or token of a URL (raw and percent-decoded) so `redact` masks it anywhere; the URL
    back."""
    for match in [*_URL_PASSWORD.finditer(url), *_SETTING_TOKEN.finditer(url)]:
        password = match.group("password")
        for form in (password, unquote(password)):
            if len(form) >= MIN_HIDDEN:
                _hidden.add(form)
    return url


def redact(text: str) -> str:
    """The text with every password it may hold replaced by ***: the ones handed over first, whole (the
    patterns below may stop inside one)."""
    for secret in sorted(_hidden, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}@", text)
    for setting in (_SETTING_PASSWORD, _SETTING_TOKEN):
        text = setting.sub(lambda m: f"{m.group('head')}{MASK}", text)
    return text
