"""bigquery:// URLs, opened with google-cloud-bigquery's DB-API (the `bigquery` extra).

    bigquery://PROJECT/DATASET
    bigquery://PROJECT/DATASET?credentials_path=/path/service-account.json
    bigquery://PROJECT?location=EU                          (no default dataset: qualify every table)

Credentials are Google's application default credentials (`gcloud auth
application-default login`, GOOGLE_APPLICATION_CREDENTIALS, or the machine's
service account), or the service account key file `credentials_path` names.
Unqualified tables are read from, and history tables created in, DATASET.
The catalog is the project's `region-LOCATION`.INFORMATION_SCHEMA.COLUMNS,
every dataset of the dataset's location (a query reads one location only).
BigQuery's DB-API has no transactions: each statement commits by itself, so a
materialize stopped between deleting a day's rows and inserting them leaves
that day empty until it runs again.
"""

from __future__ import annotations

import os
from typing import Any

from sqlglot import exp

from ..targets import AutocommitTarget, rejected
from ..urls import BIGQUERY, require
from .parts import URL, parse

FORM = "bigquery://PROJECT/DATASET?credentials_path=KEY.json"
OPTIONS = ("location", "credentials_path")


class BigQueryTarget(AutocommitTarget):
    """A BigQuery DB-API connection; its default dataset and location are the URL's."""

    def __init__(self, connection: Any, errors: tuple[type[Exception], ...], dataset: str | None, location: str):
        self.dataset, self.location = dataset, location
        super().__init__(connection, "bigquery", errors)

    def current_schema(self) -> str | None:
        return self.dataset

    def catalog_query(self) -> exp.Select:
        region = exp.to_identifier(f"region-{self.location.lower()}", quoted=True)
        columns = [exp.column(c) for c in ("table_schema", "table_name", "column_name", "data_type")]
        return exp.select(*columns).from_(exp.Table(this=exp.to_identifier("COLUMNS"),
                                                    db=exp.to_identifier("INFORMATION_SCHEMA"), catalog=region))


def url_of(text: str) -> URL:
    return parse(text, BIGQUERY.engine, FORM, OPTIONS)


def arguments(url: URL) -> dict[str, Any]:
    """The project, dataset, location and key file a URL names."""
    project = url.needs_host()
    if url.user or url.port is not None:
        raise url.fail("a user or port (BigQuery's credentials come from Google's own sources)")
    parts = url.path_parts(0, 1, "one dataset")
    dataset = parts[0] if parts else None
    if dataset is None and "location" not in url.options:
        raise url.fail("neither a dataset nor a location")
    path = url.options.get("credentials_path")
    return {"project": project, "dataset": dataset, "location": url.options.get("location"),
            "credentials_path": os.path.expanduser(path) if path else None}


def connect(text: str, writable: bool) -> BigQueryTarget:
    args = arguments(url_of(text))
    bigquery = require("google.cloud.bigquery", BIGQUERY)
    dbapi = require("google.cloud.bigquery.dbapi", BIGQUERY)
    api_errors = require("google.api_core.exceptions", BIGQUERY).GoogleAPIError
    auth_errors = require("google.auth.exceptions", BIGQUERY).GoogleAuthError
    errors = (dbapi.Error, api_errors, auth_errors, OSError)
    project, dataset = args["project"], args["dataset"]
    try:
        credentials = None
        if args["credentials_path"]:
            service_account = require("google.oauth2.service_account", BIGQUERY)
            credentials = service_account.Credentials.from_service_account_file(args["credentials_path"])
        config = bigquery.QueryJobConfig(default_dataset=f"{project}.{dataset}") if dataset else None
        client = bigquery.Client(project=project, credentials=credentials, location=args["location"],
                                 default_query_job_config=config)
        location = args["location"] or client.get_dataset(f"{project}.{dataset}").location
    except errors as exc:
        raise rejected(exc, "cannot connect to BigQuery") from None
    return BigQueryTarget(dbapi.connect(client=client), errors, dataset, location)
