"""One module per kind of database URL (see segdsl.run.urls): `connect(url)` opens it as a Target."""
