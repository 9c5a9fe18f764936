"""tests/engines/trino_install.py without the network: a download that is not Maven Central's file is refused and
leaves nothing behind, a verified one is kept and not fetched again, a server is installed only whole; Java is
found by version."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from engines import trino_install


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A local folder standing in for Maven Central, holding one artifact."""
    served = tmp_path / "maven" / "trino-memory" / trino_install.VERSION
    served.mkdir(parents=True)
    monkeypatch.setattr(trino_install, "REPOSITORY", (tmp_path / "maven").as_uri())
    return served


def test_a_download_whose_sha1_differs_is_refused_and_leaves_nothing(repository: Path, tmp_path: Path):
    (repository / trino_install.MEMORY).write_bytes(b"not the connector")
    cache = tmp_path / "cache"
    cache.mkdir()
    with pytest.raises(RuntimeError, match="SHA-1"):
        trino_install._download(trino_install.MEMORY, str(cache), log=lambda _: None)
    assert os.listdir(cache) == []


def test_a_verified_download_is_kept_and_not_fetched_again(repository: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch):
    content = b"the connector"
    (repository / trino_install.MEMORY).write_bytes(content)
    monkeypatch.setitem(trino_install.SHA1, trino_install.MEMORY, hashlib.sha1(content).hexdigest())
    cache, fetched = tmp_path / "cache", []
    cache.mkdir()
    for _ in range(2):
        path = trino_install._download(trino_install.MEMORY, str(cache), log=fetched.append)
        assert Path(path).read_bytes() == content
    assert len(fetched) == 1
    assert os.listdir(cache) == [trino_install.MEMORY]


def test_a_server_without_the_marker_naming_every_archive_is_not_installed(tmp_path: Path):
    home = tmp_path / f"trino-server-core-{trino_install.VERSION}"
    (home / "plugin" / "memory").mkdir(parents=True)
    assert trino_install.installed(str(tmp_path)) is None
    (home / trino_install.MARKER).write_text(f"{trino_install.SERVER} {trino_install.SHA1[trino_install.SERVER]}\n")
    assert trino_install.installed(str(tmp_path)) is None  # unpacked before a connector was added
    (home / trino_install.MARKER).write_text(trino_install._marker_text())
    assert trino_install.installed(str(tmp_path)) == str(home)


def test_java_versions_come_from_the_jdk_release_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    java = tmp_path / "jdk" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("")
    (tmp_path / "jdk" / "release").write_text('IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="25.0.3"\n')
    assert trino_install.java_version(str(java)) == 25
    (tmp_path / "jdk" / "release").write_text('JAVA_VERSION="17.0.15"\n')
    assert trino_install.java_version(str(java)) == 17
    monkeypatch.setenv("SEGDSL_TRINO_JAVA", "/opt/some/java")
    assert trino_install.find_java() == "/opt/some/java"
