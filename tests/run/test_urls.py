"""Database URLs: each scheme's parts as its driver's connect() takes them, malformed URLs, missing extras, secrets.

Parsing needs no vendor package: each driver module turns a URL into the
keyword arguments of its vendor's connect() before importing the vendor.
A missing extra is simulated in a subprocess (the vendor's module set to
None in sys.modules). The redaction tests hand every kind of credential to
the drivers and look for it in what segdsl would print; on the MariaDB test
server, wrong and right passwords go through the real command line.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from segdsl.errors import SegdslError, render
from segdsl.run import runner, urls
from segdsl.run.dbcheck import kind_of
from segdsl.run.drivers import (
    bigquery,
    clickhouse,
    databricks,
    mysql,
    redshift,
    snowflake,
    sqlserver,
    trino,
)
from segdsl.run.drivers.parts import file_path
from segdsl.run.redact import redact

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("url, expected", [
    ("mysql://bob:pw%40x@db.example:3307/shop?ssl_ca=/etc/ca.pem&connect_timeout=5",
     {"host": "db.example", "port": 3307, "user": "bob", "password": "pw@x", "database": "shop",
      "charset": "utf8mb4", "ssl_ca": "/etc/ca.pem", "connect_timeout": 5}),
    ("mariadb://bob@db/shop", {"host": "db", "user": "bob", "database": "shop", "charset": "utf8mb4"}),
    ("mysql+pymysql://bob@db", {"host": "db", "user": "bob", "charset": "utf8mb4"}),
    ("mysql://?read_default_file=/etc/my.cnf&ssl_disabled=true",
     {"read_default_file": "/etc/my.cnf", "ssl_disabled": True, "charset": "utf8mb4"}),
])
def test_mysql_urls(url, expected):
    assert mysql.arguments(mysql.url_of(url)) == expected


@pytest.mark.parametrize("url, path", [
    ("sqlite:///data/shop.db", Path("data/shop.db")),
    ("sqlite:////srv/data/shop.db", Path("/srv/data/shop.db")),
    ("duckdb:///shop.duckdb", Path("shop.duckdb")),
    ("duckdb:////srv/shop%20copy.duckdb", Path("/srv/shop copy.duckdb")),
])
def test_file_urls(url, path):
    assert file_path(url, "test", "FORM") == path


@pytest.mark.parametrize("url, expected", [
    ("clickhouse://bob:pw@ch.example/shop",
     {"host": "ch.example", "port": 8123, "secure": False, "username": "bob", "password": "pw", "database": "shop"}),
    ("clickhouses://ch.example?connect_timeout=3",
     {"host": "ch.example", "port": 8443, "secure": True, "username": "default", "password": "",
      "connect_timeout": 3}),
])
def test_clickhouse_urls(url, expected):
    assert clickhouse.arguments(clickhouse.url_of(url)) == expected


@pytest.mark.parametrize("url, expected", [
    ("snowflake://bob:pw@myorg-acct/shop_db/sales?warehouse=wh&role=analyst",
     {"account": "myorg-acct", "user": "bob", "password": "pw", "database": "shop_db", "schema": "sales",
      "warehouse": "wh", "role": "analyst"}),
    ("snowflake://bob@acct/db?private_key_file=/keys/rsa.p8&authenticator=SNOWFLAKE_JWT",
     {"account": "acct", "user": "bob", "database": "db", "private_key_file": "/keys/rsa.p8",
      "authenticator": "SNOWFLAKE_JWT"}),
    ("snowflake://?connection_name=dev", {"connection_name": "dev"}),
])
def test_snowflake_urls(url, expected):
    assert snowflake.arguments(snowflake.url_of(url)) == expected


@pytest.mark.parametrize("url, expected", [
    ("bigquery://my-project/shop", {"project": "my-project", "dataset": "shop", "location": None,
                                    "credentials_path": None}),
    ("bigquery://my-project?location=EU&credentials_path=/keys/sa.json",
     {"project": "my-project", "dataset": None, "location": "EU", "credentials_path": "/keys/sa.json"}),
])
def test_bigquery_urls(url, expected):
    assert bigquery.arguments(bigquery.url_of(url)) == expected


def test_databricks_urls(monkeypatch):
    url = "databricks://token:dapi-url-token@adb-1.azuredatabricks.net?http_path=/sql/1.0/warehouses/abc&catalog=main"
    assert databricks.arguments(databricks.url_of(url)) == {
        "server_hostname": "adb-1.azuredatabricks.net", "http_path": "/sql/1.0/warehouses/abc",
        "access_token": "dapi-url-token", "catalog": "main"}
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-from-the-environment")
    found = databricks.arguments(databricks.url_of("databricks://adb-1.net?http_path=/p&schema=shop"))
    assert found == {"server_hostname": "adb-1.net", "http_path": "/p", "access_token": "dapi-from-the-environment",
                     "schema": "shop"}


@pytest.mark.parametrize("url, expected", [
    ("redshift://bob:pw@cluster.example:5439/dev",
     {"host": "cluster.example", "port": 5439, "database": "dev", "user": "bob", "password": "pw"}),
    ("redshift://bob@cluster.example/dev?iam=true&profile=analytics&cluster_identifier=c1&region=eu-west-1",
     {"host": "cluster.example", "port": 5439, "database": "dev", "user": "bob", "iam": True,
      "profile": "analytics", "cluster_identifier": "c1", "region": "eu-west-1"}),
])
def test_redshift_urls(url, expected):
    assert redshift.arguments(redshift.url_of(url)) == expected


@pytest.mark.parametrize("scheme", ["mssql", "sqlserver", "mssql+pymssql"])
def test_sqlserver_urls(scheme):
    url = f"{scheme}://sa:pw@sql.example:1444/shop?login_timeout=5"
    assert sqlserver.arguments(sqlserver.url_of(url)) == {
        "server": "sql.example", "port": "1444", "database": "shop", "appname": "segdsl", "user": "sa",
        "password": "pw", "login_timeout": 5}


@pytest.mark.parametrize("url, expected", [
    ("trino://bob@trino.example:8080/hive/shop",
     {"host": "trino.example", "port": 8080, "user": "bob", "catalog": "hive", "schema": "shop",
      "http_scheme": "http", "source": "segdsl"}),
    ("trino://bob:pw@trino.example/hive?verify=false",
     {"host": "trino.example", "port": 443, "user": "bob", "catalog": "hive", "schema": None,
      "http_scheme": "https", "source": "segdsl", "verify": False}),
])
def test_trino_urls(url, expected):
    assert trino.arguments(trino.url_of(url)) == expected


@pytest.mark.parametrize("url, problem, form", [
    ("mysql:///shop", "no host", mysql.FORM),
    ("mysql://bob@db/shop/more", "expected one database name after the host, found 'shop/more'", mysql.FORM),
    ("mysql://bob@db:99999/shop", "the port is not a number from 0 to 65535", mysql.FORM),
    ("mysql://bob@db/shop?charset=a&charset=b", "option 'charset' given twice", mysql.FORM),
    ("mysql://bob@db/shop?connect_timeout=soon", "option connect_timeout=soon is not a whole number", mysql.FORM),
    ("mysql://bob@db/shop#top", "'#top' has no meaning", mysql.FORM),
    ("sqlite://", "no file", "sqlite:///relative/path.db"),
    ("sqlite://host/shop.db", "'host' where the path should start", "sqlite:///relative/path.db"),
    ("duckdb://", "no file", "duckdb:///relative/path.duckdb"),
    ("clickhouse:///shop", "no host", clickhouse.FORM),
    ("snowflake://bob@/db", "no account", snowflake.FORM),
    ("snowflake://bob@acct/db/schema/more", "expected DATABASE or DATABASE/SCHEMA", snowflake.FORM),
    ("bigquery://my-project", "neither a dataset nor a location", bigquery.FORM),
    ("bigquery://bob@my-project/shop", "a user or port", bigquery.FORM),
    ("databricks://token:t0ken@adb.net", "no http_path option", databricks.FORM),
    ("databricks://alice:t0ken@adb.net?http_path=/p", "user 'alice'", databricks.FORM),
    ("redshift://bob@cluster.example", "expected one database name", redshift.FORM),
    ("mssql://sa@sql.example", "expected one database name", sqlserver.FORM),
    ("trino://bob@trino.example", "expected CATALOG or CATALOG/SCHEMA", trino.FORM),
    ("trino://trino.example/hive", "no user", trino.FORM),
    ("trino://bob:pw@trino.example/hive?http_scheme=http", "a password or access token sent over plain http",
     trino.FORM),
])
def test_a_malformed_url_is_an_error_showing_the_form(url, problem, form):
    with pytest.raises(SegdslError) as caught:
        runner.open_target(url)
    (diagnostic,) = caught.value.diagnostics
    assert problem in diagnostic.message
    assert diagnostic.hint is not None and form in diagnostic.hint


def test_an_unknown_option_lists_the_options():
    with pytest.raises(SegdslError) as caught:
        runner.open_target("trino://bob@h/hive?catalog=x")
    assert render(caught.value) == (
        "error: unknown option 'catalog' in the Trino URL 'trino://bob@h/hive?catalog=x'\n"
        f"hint: options it takes: access_token, http_scheme, request_timeout, source, verify; write {trino.FORM}")


def test_databricks_needs_a_token(monkeypatch):
    monkeypatch.delenv("DATABRICKS_TOKEN", raising=False)
    with pytest.raises(SegdslError, match=r"no token \(nor a DATABRICKS_TOKEN environment variable\)"):
        runner.open_target("databricks://adb.net?http_path=/p")


def test_missing_files_and_schemes(tmp_path):
    with pytest.raises(SegdslError, match=r"the SQLite file 'nope\.db' does not exist"):
        runner.open_target("sqlite:///nope.db")
    with pytest.raises(SegdslError, match=re.escape(f"database target '{tmp_path}/nope.duckdb' does not exist")):
        runner.open_target(f"duckdb:///{tmp_path}/nope.duckdb")
    with pytest.raises(SegdslError) as caught:
        runner.open_target("oracle://scott:tiger@db/orcl")
    assert "unknown database URL scheme 'oracle://'" in render(caught.value)
    assert "mysql://" in render(caught.value) and "tiger" not in render(caught.value)


def test_the_cli_reports_a_malformed_url_on_one_line(tmp_path):
    seg = tmp_path / "s.seg"
    seg.write_text("customers from c key id\nsegment all_: id > 0\n")
    done = subprocess.run([sys.executable, "-m", "segdsl", "run", str(seg), "--db", "mysql://bob:S3cret-pw@db/a/b"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert done.stderr == ("error: expected one database name after the host, found 'a/b' in the MySQL URL "
                           "'mysql://bob:***@db/a/b'\nhint: write mysql://USER:PASSWORD@HOST:3306/DATABASE\n")


# ---- a missing extra

MISSING = """
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None  # import fails as if the package were not installed
from segdsl.errors import SegdslError, render
from segdsl.run import runner
for url in sys.argv[2:]:
    try:
        runner.open_target(url)
        print("opened", url)
    except SegdslError as exc:
        print(render(exc).replace("\\n", " | "))
"""
EXTRAS = {  # URL -> (the package named, the extra)
    "mysql://bob@db/shop": ("pymysql", "mysql"),
    "clickhouse://ch.example/shop": ("clickhouse_connect", "clickhouse"),
    "snowflake://bob@acct/db": ("snowflake.connector", "snowflake"),
    "bigquery://proj/shop": ("google.cloud.bigquery", "bigquery"),
    "databricks://token:t0ken@adb.net?http_path=/p": ("databricks.sql", "databricks"),
    "redshift://bob@cluster.example/dev": ("redshift_connector", "redshift"),
    "mssql://sa@sql.example/shop": ("pymssql", "sqlserver"),
    "trino://bob@trino.example/hive": ("trino.dbapi", "trino"),
}


def test_a_missing_extra_names_the_pip_install():
    blocked = ",".join(["psycopg", *(package for package, _ in EXTRAS.values())])
    done = subprocess.run([sys.executable, "-c", MISSING, blocked, "postgresql://db/shop", *EXTRAS],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    engines = {driver.extra: driver.engine for driver in urls.DRIVERS.values()}
    expected = ["error: PostgreSQL targets need psycopg | hint: pip install 'segdsl[postgres]'"]
    expected += [f"error: {engines[extra]} URLs need the Python package '{package}' | hint: pip install "
                 f"'segdsl[{extra}]'" for package, extra in EXTRAS.values()]
    assert done.stdout.splitlines() == expected


def test_every_extra_is_in_pyproject_and_every_driver_module_connects():
    tomllib = pytest.importorskip("tomllib")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for scheme, driver in urls.DRIVERS.items():
        module = importlib.import_module(f"segdsl.run.drivers.{driver.module}")
        assert callable(module.connect), scheme
        if driver.extra:
            assert driver.extra in extras, scheme
            assert driver.extra in extras["all"][0], scheme


# ---- secrets

@pytest.mark.parametrize("text, expected", [
    ("failed: token=dapi0123456789&x=1", "failed: token=***&x=1"),
    ("GET /?access_token=eyJhbGciOi.payload.sig HTTP/1.1", "GET /?access_token=*** HTTP/1.1"),
    ("client_secret=s3cr3t-value private_key_file_pwd=passphrase1",
     "client_secret=*** private_key_file_pwd=***"),
    ("connect({'user': 'bob', 'password': 'hunter22'})", "connect({'user': 'bob', 'password': '***'})"),
    ('{"token": "dapi-abc"}', '{"token": "***"}'),
    ("Authorization: Bearer eyJ0eXAi.abc.def rejected", "Authorization: Bearer *** rejected"),
    ("key -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY----- end", "key *** end"),
    ("write mysql://USER:PASSWORD@HOST:3306/DATABASE", "write mysql://USER:PASSWORD@HOST:3306/DATABASE"),
    ("(using password: YES)", "(using password: YES)"),
])
def test_redact_masks_credentials_in_every_form_drivers_print(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("read, url, secrets", [
    (mysql, "mysql://bob:Pw-mysql-1%2Fx@db/shop", ["Pw-mysql-1/x", "Pw-mysql-1%2Fx"]),
    (clickhouse, "clickhouses://bob:Pw-click-2@ch.example/shop?access_token=Jwt-click-2", ["Pw-click-2",
                                                                                          "Jwt-click-2"]),
    (snowflake, "snowflake://bob:Pw-snow-3@acct/db?private_key_file_pwd=Phrase-snow-3&token=Oauth-snow-3",
     ["Pw-snow-3", "Phrase-snow-3", "Oauth-snow-3"]),
    (databricks, "databricks://token:dapi-bricks-4@adb.net?http_path=/p", ["dapi-bricks-4"]),
    (redshift, "redshift://bob:Pw-red-5@cluster.example/dev", ["Pw-red-5"]),
    (sqlserver, "mssql://sa:Pw-sql-6@sql.example/shop", ["Pw-sql-6"]),
    (trino, "trino://bob:Pw-trino-7@trino.example/hive", ["Pw-trino-7"]),
    (trino, "trino://bob@trino.example/hive?access_token=Jwt-trino-8", ["Jwt-trino-8"]),
])
def test_every_credential_a_driver_is_handed_is_masked_wherever_a_driver_quotes_it(read, url, secrets):
    read.arguments(read.url_of(url))
    for secret in secrets:
        assert redact(f"the server said {secret!r} is wrong") == "the server said '***' is wrong"


def test_a_token_from_the_environment_is_masked(monkeypatch):
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-environment-9")
    databricks.arguments(databricks.url_of("databricks://adb.net?http_path=/p"))
    assert redact("bad token dapi-environment-9") == "bad token ***"


def test_clickhouse_column_types_without_their_wrappers():
    assert clickhouse.plain_type("Nullable(LowCardinality(String))") == "String"
    assert [kind_of(clickhouse.plain_type(t)) for t in ("Nullable(Int64)", "Date32", "Nullable(DateTime64(6))",
                                                        "Decimal(18, 4)")] == ["number", "date", "timestamp",
                                                                               "number"]


def segdsl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "segdsl", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_no_password_in_any_failure_on_mariadb(mysql_engine, tmp_path):
    """A MariaDB user that needs its password: the right one works from the environment; a wrong one, a
    closed port and a missing database fail with one line that holds neither."""
    right, wrong = "Ri9ht-Maria-pw", "Wr0ng-Maria-pw"
    with mysql_engine.connection.cursor() as cursor:
        cursor.execute("CREATE DATABASE IF NOT EXISTS segdsl_pw")
        cursor.execute("CREATE TABLE IF NOT EXISTS segdsl_pw.customers (customer_id BIGINT, age BIGINT)")
        cursor.execute(f"CREATE OR REPLACE USER 'segdsl_pw'@'%' IDENTIFIED BY '{right}'")
        cursor.execute("GRANT ALL ON segdsl_pw.* TO 'segdsl_pw'@'%'")
    seg = tmp_path / "s.seg"
    seg.write_text("customers from customers key customer_id\nsegment older: age > 40\n")
    try:
        base = f"127.0.0.1:{mysql_engine.port}"
        done = segdsl("run", str(seg), "--db", "env:MARIA", env={"MARIA": f"mysql://segdsl_pw:{right}@{base}/segdsl_pw"})
        assert done.returncode == 0 and re.fullmatch(r"0 customers, as of \d{4}-\d{2}-\d{2}",
                                                     done.stdout.splitlines()[0]), done.stderr
        for url, expected in ((f"mysql://segdsl_pw:{wrong}@{base}/segdsl_pw", "Access denied for user 'segdsl_pw'"),
                              (f"mysql://segdsl_pw:{right}@127.0.0.1:1/segdsl_pw", "Can't connect"),
                              (f"mysql://segdsl_pw:{right}@{base}/nope", "Access denied for user 'segdsl_pw'")):
            done = segdsl("run", str(seg), "--db", url)
            assert done.returncode == 1 and done.stderr.startswith("error: cannot connect to MySQL: "), done.stderr
            assert expected in done.stderr and len(done.stderr.splitlines()) == 1
            assert right not in done.stdout + done.stderr and wrong not in done.stdout + done.stderr
    finally:
        with mysql_engine.connection.cursor() as cursor:
            cursor.execute("DROP USER IF EXISTS 'segdsl_pw'@'%'")
            cursor.execute("DROP DATABASE IF EXISTS segdsl_pw")


def test_no_password_in_a_trino_failure():
    done = segdsl("run", str(ROOT / "examples" / "retail.seg"), "--db",
                  "trino://bob:Pw-trino-closed@127.0.0.1:1/memory/shop?request_timeout=5")
    assert done.returncode == 1 and done.stderr.startswith("error: cannot connect to Trino: "), done.stderr
    assert "Pw-trino-closed" not in done.stdout + done.stderr and "Traceback" not in done.stderr
