"""Which names segdsl quotes, and how they are written inside the quotes.

Names that need quoting (non-ASCII, or reserved in the dialect) are quoted; the rest stay bare, so the
database's case folding applies as in hand-written SQL. RESERVED holds each dialect's reserved words, from
the vendor's documented list (each set says where from; sqlglot knows the reserved words of only a few
dialects, and quotes only those); tests/dialects/test_reserved_words.py runs every word each executed
engine's own keyword catalog lists, bare, and checks that the words it refuses or misreads are in its set.
Quoting more than needed is harmless: a quoted name means what the bare one would (see quoted_form).

Where a quoted name keeps its case and a bare one is folded (Snowflake folds to upper case, PostgreSQL and
Redshift to lower case), a name quoted only because it is reserved is written in the case the bare name
means (`order` -> "ORDER" on Snowflake, `Order` -> "order" on PostgreSQL).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

if TYPE_CHECKING:
    from .base import Dialect

PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# reserved nearly everywhere (the SQL standard's, as most engines reserve them)
CORE_RESERVED = frozenset((
    "all", "and", "any", "as", "asc", "between", "both", "by", "case", "cast", "check", "collate", "column",
    "constraint", "create", "cross", "current_date", "current_time", "current_timestamp", "default", "delete",
    "desc", "distinct", "drop", "else", "end", "except", "exists", "false", "fetch", "for", "foreign", "from",
    "full", "grant", "group", "having", "in", "inner", "insert", "intersect", "interval", "into", "is", "join",
    "leading", "left", "like", "limit", "natural", "not", "null", "offset", "on", "or", "order", "outer",
    "primary", "references", "right", "select", "table", "then", "to", "trailing", "true", "union", "unique",
    "update", "using", "when", "where", "window", "with",
))

# docs.snowflake.com/en/sql-reference/reserved-keywords, beyond the common ones
SNOWFLAKE_RESERVED = CORE_RESERVED | frozenset((
    "account", "alter", "connect", "connection", "current", "current_user", "database", "following",
    "gscluster", "ilike", "increment", "issue", "lateral", "localtime", "localtimestamp", "minus", "of",
    "organization", "qualify", "regexp", "revoke", "rlike", "row", "rows", "sample", "schema", "set", "some",
    "start", "tablesample", "trigger", "try_cast", "values", "view", "whenever",
))

# learn.microsoft.com/sql/t-sql/language-elements/reserved-keywords-transact-sql: SQL Server's reserved keywords
# (and Azure Synapse's LABEL), the ODBC reserved keywords and the future keywords, which the page asks to avoid
# as identifiers too (WITHIN GROUP reserves WITHIN; END-EXEC is no plain name)
TSQL_RESERVED = CORE_RESERVED | _words("""
    absolute action ada add admin after aggregate alias all allocate alter and any are array as asc
    asensitive assertion asymmetric at atomic authorization avg backup before begin between binary bit
    bit_length blob boolean both breadth break browse bulk by call called cardinality cascade cascaded case
    cast catalog char char_length character character_length check checkpoint class clob close clustered
    coalesce collate collation collect column commit completion compute condition connect connection
    constraint constraints constructor contains containstable continue convert corr corresponding count
    covar_pop covar_samp create cross cube cume_dist current current_catalog current_date
    current_default_transform_group current_path current_role current_schema current_time current_timestamp
    current_transform_group_for_type current_user cursor cycle data database date day dbcc deallocate dec
    decimal declare default deferrable deferred delete deny depth deref desc describe descriptor destroy
    destructor deterministic diagnostics dictionary disconnect disk distinct distributed domain double drop
    dump dynamic each element else end equals errlvl escape every except exception exec execute exists exit
    external extract false fetch file fillfactor filter first float for foreign fortran found free freetext
    freetexttable from full fulltexttable function fusion general get global go goto grant group grouping
    having hold holdlock host hour identity identity_insert identitycol if ignore immediate in include index
    indicator initialize initially inner inout input insensitive insert int integer intersect intersection
    interval into is isolation iterate join key kill label language large last lateral leading left less
    level like like_regex limit lineno ln load local localtime localtimestamp locator lower map match max
    member merge method min minute mod modifies modify module month multiset names national natural nchar
    nclob new next no nocheck nonclustered none normalize not null nullif numeric object occurrences_regex
    octet_length of off offsets old on only open opendatasource openquery openrowset openxml operation
    option or order ordinality out outer output over overlaps overlay pad parameter parameters partial
    partition pascal path percent percent_rank percentile_cont percentile_disc pivot plan position
    position_regex postfix precision prefix preorder prepare preserve primary print prior privileges proc
    procedure public raiserror range read reads readtext real reconfigure recursive ref references
    referencing regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy
    relative release replication restore restrict result return returns revert revoke right role rollback
    rollup routine row rowcount rowguidcol rows rule save savepoint schema scope scroll search second
    section securityaudit select semantickeyphrasetable semanticsimilaritydetailstable
    semanticsimilaritytable sensitive sequence session session_user set sets setuser shutdown similar size
    smallint some space specific specifictype sql sqlca sqlcode sqlerror sqlexception sqlstate sqlwarning
    start state statement static statistics stddev_pop stddev_samp structure submultiset substring
    substring_regex sum symmetric system system_user table tablesample temporary terminate textsize than
    then time timestamp timezone_hour timezone_minute to top trailing tran transaction translate
    translate_regex translation treat trigger trim true truncate try_convert tsequal uescape under union
    unique unknown unnest unpivot update updatetext upper usage use user using value values var_pop var_samp
    varchar variable varying view waitfor when whenever where while width_bucket window with within without
    work write writetext xmlagg xmlattributes xmlbinary xmlcast xmlcomment xmlconcat xmldocument xmlelement
    xmlexists xmlforest xmliterate xmlnamespaces xmlparse xmlpi xmlquery xmlserialize xmltable xmltext
    xmlvalidate year zone
""")

# postgresql.org/docs/current/sql-keywords-appendix.html: the words marked "reserved" and "reserved (can be
# function or type)", pg_get_keywords() catcode R and T (PostgreSQL 15; SYSTEM_USER is reserved since 16). A
# bare USER, CURRENT_USER, CURRENT_SCHEMA, ... is a function call, not the column.
POSTGRES_RESERVED = CORE_RESERVED | _words("""
    all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate
    collation column concurrently constraint create cross current_catalog current_date current_role
    current_schema current_time current_timestamp current_user default deferrable desc distinct do else end
    except false fetch for foreign freeze from full grant group having ilike in initially inner intersect
    into is isnull join lateral leading left like limit localtime localtimestamp natural not notnull null
    offset on only or order outer overlaps placing primary references returning right select session_user
    similar some symmetric system_user table tablesample then to trailing true union unique user using
    variadic verbose when where window with
""")

# docs.aws.amazon.com/redshift/latest/dg/r_pg_keywords.html (with the words sqlglot's Redshift generator adds
# from later versions of the page: MOSTLY16, PIVOT, TYPE, UNNEST, UNPIVOT)
REDSHIFT_RESERVED = CORE_RESERVED | _words("""
    aes128 aes256 all allowoverwrite analyse analyze and any array as asc authorization az64 backup between
    binary blanksasnull both bytedict bzip2 case cast check collate column constraint create credentials
    cross current_date current_time current_timestamp current_user current_user_id default deferrable
    deflate defrag delta delta32k desc disable distinct do else emptyasnull enable encode encrypt encryption
    end except explicit false for foreign freeze from full globaldict256 globaldict64k grant group gzip
    having identity ignore ilike in initially inner intersect interval into is isnull join language leading
    left like limit localtime localtimestamp lun luns lzo lzop minus mostly13 mostly16 mostly32 mostly8
    natural new not notnull null nulls off offline offset oid old on only open or order outer overlaps
    parallel partition percent permissions pivot placing primary raw readratio recover references rejectlog
    resort respect restore right select session_user similar snapshot some sysdate system table tag tdes
    text255 text32k then timestamp to top trailing true truncatecolumns type union unique unnest unpivot
    user using verbose wallet when where with without
""")

# cloud.google.com/bigquery/docs/reference/standard-sql/lexical#reserved_keywords (with EXTRACT, NATURAL and
# QUALIFY, which sqlglot's BigQuery generator reserves too)
BIGQUERY_RESERVED = CORE_RESERVED | _words("""
    all and any array as asc assert_rows_modified at between by case cast collate contains create cross cube
    current default define desc distinct else end enum escape except exclude exists extract false fetch
    following for from full group grouping groups hash having if ignore in include inner intersect interval
    into is join lateral left like limit lookup merge natural new no not null nulls of on or order outer
    over partition pivot preceding proto qualify range recursive respect right rollup rows select set some
    struct tablesample then to treat true unbounded union unnest unpivot using when where window with within
""")

# Spark's sql_keywords() where reserved in ANSI mode with spark.sql.ansi.enforceReservedKeywords (Spark 4), and
# ANTI, SEMI and MINUS, which Spark never takes as a table alias (spark.apache.org/docs/latest/
# sql-ref-ansi-compliance.html#sql-keywords); Databricks SQL runs in ANSI mode (docs.databricks.com/en/
# sql/language-manual/sql-ref-reserved-words.html)
SPARK_RESERVED = CORE_RESERVED | _words("""
    all and anti any as authorization both call case cast check collate collation collations column
    constraint create cross current_date current_path current_schema current_time current_timestamp
    current_user distinct else end escape except execute false fetch filter for foreign from full grant
    group having in inner intersect into is join lateral leading left localtime minus natural not null
    offset on only or order outer overlaps primary recursive references right select semi session_user some
    sql table then time to trailing union unique unknown user using when where with within
""")

# trino.io/docs/current/language/reserved.html
TRINO_RESERVED = CORE_RESERVED | _words("""
    alter and as auto between by case cast constraint create cross cube current_catalog current_date
    current_path current_role current_schema current_time current_timestamp current_user deallocate delete
    describe distinct drop else end escape except execute exists extract false for from full group grouping
    having in inner insert intersect into is join json_array json_exists json_object json_query json_table
    json_value left like listagg localtime localtimestamp natural normalize not null on or order outer
    prepare primary recursive right rollup select skip table then trim true uescape union unnest using
    values when where with
""")

# dev.mysql.com/doc/refman/8.4/en/keywords.html (the words marked R; sqlglot's MySQL generator holds the same
# list) and MariaDB's own (mariadb.com/kb/en/reserved-words: the words of information_schema.KEYWORDS MariaDB
# 10.11 refuses as a bare name)
MYSQL_RESERVED = CORE_RESERVED | _words("""
    accessible add all alter analyze and as asc asensitive before between bigint binary blob both by call
    cascade case change char character check collate column condition constraint continue convert create
    cross cube cume_dist current_date current_role current_time current_timestamp current_user cursor
    database databases day_hour day_microsecond day_minute day_second dec decimal declare default delayed
    delete delete_domain_id dense_rank desc describe deterministic distinct distinctrow div do_domain_ids
    double drop dual each else elseif empty enclosed escaped except exists exit explain false fetch
    first_value float float4 float8 for force foreign from fulltext function generated get grant group
    grouping groups having high_priority hour_microsecond hour_minute hour_second if ignore
    ignore_domain_ids in index infile inner inout insensitive insert int int1 int2 int3 int4 int8 integer
    intersect interval into io_after_gtids io_before_gtids is iterate join json_table key keys kill lag
    last_value lateral lead leading leave left like limit linear lines load localtime localtimestamp lock
    long longblob longtext loop low_priority master_bind master_demote_to_replica master_demote_to_slave
    master_ssl_verify_server_cert match maxvalue mediumblob mediumint mediumtext middleint
    minute_microsecond minute_second mod modifies natural no_write_to_binlog not nth_value ntile null
    numeric of offset on optimize optimizer_costs option optionally or order out outer outfile over
    page_checksum parse_vcol_expr partition percent_rank portion precision primary procedure purge range
    rank read read_write reads real recursive ref_system_id references regexp release rename repeat replace
    require resignal restrict return returning revoke right rlike rollup row row_number rows schema schemas
    second_microsecond select sensitive separator set show signal smallint spatial specific sql
    sql_big_result sql_buffer_result sql_cache sql_calc_found_rows sql_no_cache sql_small_result
    sqlexception sqlstate sqlwarning ssl starting stats_auto_recalc stats_persistent stats_sample_pages
    stored straight_join system table terminated then tinyblob tinyint tinytext to trailing trigger true
    undo union unique unlock unsigned update usage use using utc_date utc_time utc_timestamp values
    varbinary varchar varcharacter varying virtual when where while window with write xor year_month
    zerofill
""")

# sqlite.org/lang_keywords.html: every keyword (SQLite takes many of them as names when it can tell, and asks
# that a keyword used as a name be quoted)
SQLITE_RESERVED = CORE_RESERVED | _words("""
    abort action add after all alter always analyze and as asc attach autoincrement before begin between by
    cascade case cast check collate column commit conflict constraint create cross current current_date
    current_time current_timestamp database default deferrable deferred delete desc detach distinct do drop
    each else end escape except exclude exclusive exists explain fail filter first following for foreign
    from full generated glob group groups having if ignore immediate in index indexed initially inner insert
    instead intersect into is isnull join key last left like limit match materialized natural no not nothing
    notnull null nulls of offset on or order others outer over partition plan pragma preceding primary query
    raise range recursive references regexp reindex release rename replace restrict returning right rollback
    row rows savepoint select set table temp temporary then ties to transaction trigger unbounded union
    unique update using vacuum values view virtual when where window with without
""")

# duckdb_keywords() of category reserved and type_function (DuckDB 2.0; duckdb.org/docs/stable/sql/
# dialect/keywords_and_identifiers), RECURSIVE (not a CTE's name) and the words earlier versions reserved
DUCKDB_RESERVED = CORE_RESERVED | _words("""
    all analyse analyze and anti any array as asc asof asymmetric at authorization binary both by case cast
    check collate collation column columns concurrently constraint create cross current_catalog current_role
    current_user default deferrable desc describe distinct do else end except false fetch for foreign freeze
    from full generated glob group having ilike in initially inner intersect into is isnull join lambda
    lateral leading left like limit localtime localtimestamp map natural not notnull null offset on only or
    order outer overlaps pivot pivot_longer pivot_wider placing positional primary qualify recursive
    references returning right select semi session_user show similar some struct summarize symmetric table
    tablesample then to trailing true try_cast tuple union unique unpack unpivot user using variadic verbose
    when where window with
""")

# clickhouse.com/docs/en/sql-reference/syntax#keywords: keywords are reserved only where the grammar reads
# them; a bare TOP is read as SELECT TOP, and RECURSIVE is not a CTE's name
CLICKHOUSE_RESERVED = CORE_RESERVED | _words("""
    recursive top
""")

RESERVED: dict[str, frozenset[str]] = {
    "duckdb": DUCKDB_RESERVED, "postgres": POSTGRES_RESERVED, "snowflake": SNOWFLAKE_RESERVED,
    "bigquery": BIGQUERY_RESERVED, "redshift": REDSHIFT_RESERVED, "databricks": SPARK_RESERVED,
    "spark": SPARK_RESERVED, "trino": TRINO_RESERVED, "mysql": MYSQL_RESERVED, "sqlite": SQLITE_RESERVED,
    "clickhouse": CLICKHOUSE_RESERVED, "tsql": TSQL_RESERVED,
}


def reserved_words(dialect_name: str) -> frozenset[str]:
    """The bare names that mean a keyword in a dialect (CORE_RESERVED for one not listed)."""
    return RESERVED.get(dialect_name, CORE_RESERVED)


def needs_quotes(name: str, dialect: Dialect) -> bool:
    """A name segdsl quotes: not plain ASCII, or reserved in the dialect."""
    return not PLAIN_NAME.fullmatch(name) or name.lower() in dialect.reserved_words


def quoted_form(name: str, dialect: Dialect) -> str:
    """A name as written inside quotes: the spelling its bare form means."""
    if not PLAIN_NAME.fullmatch(name):
        return name
    if dialect.bare_names_fold_to_upper:
        return name.upper()
    return name.lower() if dialect.bare_names_fold_to_lower else name


def quote_names(tree: exp.Expr, dialect: Dialect) -> None:
    """Quote, in place, every bare identifier of `tree` that needs quotes."""
    for identifier in tree.find_all(exp.Identifier):
        if not identifier.quoted and needs_quotes(identifier.name, dialect):
            identifier.set("this", quoted_form(identifier.name, dialect))
            identifier.set("quoted", True)
