"""Passwords and other credentials kept out of everything segdsl prints or raises.

A database URL may carry a password (postgresql://user:secret@host/db) or a
token in an option (?access_token=..., sc://host:15002/;token=...). Every
message that can reach a user, a log or a job scheduler's mail passes through
`redact`: it masks every credential segdsl was handed in this process first,
whole (`hide` for a URL's password or token, `hide_secret` for a token or key
passphrase a driver reads elsewhere; four characters or more), since a driver
may quote a credential without its URL (libpq does, for a malformed
percent-escape); then the password of any URL in the text, any `password=...`,
`token=...`, `secret=...` setting (also as `'password': '...'`, as a driver may
quote its arguments), a bearer token and a PEM private key.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

MASK = "***"
MIN_HIDDEN = 4  # a shorter password is masked in URLs only: masking every "ab" would garble messages

# scheme://user:PASSWORD@ ; the password runs to the last '@' before the host part
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)(?P<password>[^\s/]*)@", re.IGNORECASE)
# the names drivers give credentials: password, pwd, token, access_token, client_secret, private_key_file_pwd, ...
_SECRET_NAME = r"[a-z_]*(?:password|passwd|pwd|token|secret|passcode)[a-z_]*"
# a setting's value runs to the next space, '&' (query strings) or ';' (sc:// and ODBC parameters); a ':' or ','
# that ends it belongs to the message around it
_SETTING_PASSWORD = re.compile(rf"(?P<head>\b{_SECRET_NAME}\s*=\s*)(?P<password>'(?:[^'\\]|\\.)*'|[^\s&;]*[^\s&;:,])",
                               re.IGNORECASE)
_QUOTED_SETTING = re.compile(rf"(?P<head>(?P<q>['\"]){_SECRET_NAME}(?P=q)\s*:\s*)"
                             r"(?P<password>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", re.IGNORECASE)
_BEARER = re.compile(r"(?P<head>\bBearer\s+)(?P<password>[A-Za-z0-9._~+/=-]+)", re.IGNORECASE)
_PEM_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL)

# what a URL's form in a hint holds where the password goes (mysql://USER:PASSWORD@HOST/...): not a password
_PLACEHOLDERS = ("PASSWORD", "TOKEN")

_hidden: set[str] = set()


def hide(url: str) -> str:
    """Remember the password or token of a URL (raw and percent-decoded) so `redact` masks it anywhere; the URL
    back."""
    for match in [*_URL_PASSWORD.finditer(url), *_SETTING_PASSWORD.finditer(url)]:
        password = match.group("password").strip("'")
        for form in (password, unquote(password)):
            hide_secret(form)
    return url


def hide_secret(secret: str) -> None:
    """Remember a credential (as given and percent-encoded) so `redact` masks it anywhere."""
    for form in (secret, quote(secret, safe="")):
        if len(form) >= MIN_HIDDEN:
            _hidden.add(form)


def redact(text: str) -> str:
    """The text with every credential it may hold replaced by ***: the ones handed over first, whole (the
    patterns below may stop inside one)."""
    for secret in sorted(_hidden, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_PASSWORD.sub(lambda m: m.group(0) if m.group("password") in _PLACEHOLDERS
                             else f"{m.group('head')}{MASK}@", text)
    text = _SETTING_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}", text)
    text = _QUOTED_SETTING.sub(lambda m: f"{m.group('head')}{m.group('q')}{MASK}{m.group('q')}", text)
    text = _BEARER.sub(lambda m: f"{m.group('head')}{MASK}", text)
    return _PEM_KEY.sub(MASK, text)
