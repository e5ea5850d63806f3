"""The first guard of the analysts' SQL: one statement that reads, decided from its tokens.

``check_sql`` reads the text as SQL's lexer does (strings, quoted identifiers, comments and, on
Postgres, dollar quotes and nested comments) and refuses, with a message saying why:

- nothing but comments, or a second statement after a ``;`` (one trailing ``;`` is fine);
- a first keyword other than SELECT, WITH, VALUES or EXPLAIN (leading parentheses allowed);
- EXPLAIN ANALYZE (Postgres runs the statement it explains) and EXPLAIN of anything but a read;
- a keyword that writes or changes the schema anywhere in the statement: INSERT, UPDATE,
  DELETE, MERGE (a data-modifying WITH on Postgres; UPDATE also catches SELECT ... FOR UPDATE),
  CREATE, DROP, ALTER, TRUNCATE, GRANT, REVOKE, ATTACH, DETACH, PRAGMA, VACUUM, REINDEX, COPY,
  CALL, LOCK, INTO (SELECT ... INTO creates a table on Postgres);
- a call of a function that reads files, changes settings (``set_config`` could undo the
  read-only role), signals other sessions, opens connections or runs SQL given as text.

The database then enforces the rest: a read-only connection and role, an authorizer on SQLite,
read-only transactions and a time limit (``fund.analyst_sql``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

READ_STARTS = frozenset({"SELECT", "WITH", "VALUES"})
WRITE_WORDS = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT"})
SCHEMA_WORDS = frozenset(
    {"CREATE", "DROP", "ALTER", "TRUNCATE", "GRANT", "REVOKE", "VACUUM", "REINDEX", "COMMENT"}
)
OTHER_WORDS = frozenset({"ATTACH", "DETACH", "PRAGMA", "COPY", "CALL", "LOCK", "INTO"})
DENIED_FUNCTIONS = frozenset(
    {
        "set_config", "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file",
        "pg_ls_logdir", "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir",
        "lo_import", "lo_export", "lo_from_bytea", "lo_create", "lo_creat", "lo_unlink",
        "lo_put", "lo_open", "lowrite", "pg_terminate_backend", "pg_cancel_backend",
        "pg_reload_conf", "pg_rotate_logfile", "pg_promote", "pg_switch_wal",
        "pg_create_restore_point", "pg_logical_emit_message", "pg_notify", "dblink",
        "dblink_exec", "dblink_connect", "dblink_send_query", "query_to_xml",
        "query_to_xml_and_xmlschema", "query_to_xmlschema", "cursor_to_xml",
        "cursor_to_xmlschema", "pg_file_write", "pg_file_rename", "pg_file_unlink",
        "load_extension", "readfile", "writefile", "fts3_tokenizer", "edit",
    }
)  # fmt: skip
DENIED_PREFIXES = ("pg_advisory", "pg_try_advisory", "dblink")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


class QueryError(Exception):
    """A query the analysts' SQL did not run, or that failed; the message says why."""


class QueryRefused(QueryError):
    """A query refused because it is not one statement that only reads; nothing ran."""


@dataclass(frozen=True, slots=True)
class Token:
    """A word (upper-cased), a quoted identifier (``quoted``), or one punctuation character,
    at ``start``:``end`` in the text."""

    text: str
    kind: str  # "word", "quoted", "punct"
    start: int
    end: int

    def is_punct(self, char: str) -> bool:
        return self.kind == "punct" and self.text == char


def _skip_quoted(sql: str, start: int, close: str, *, backslash: bool = False) -> int:
    """The index after the quote closing the one at ``start`` (doubled quotes escape)."""
    i = start + 1
    while i < len(sql):
        char = sql[i]
        if backslash and char == "\\":
            i += 2
            continue
        if char == close:
            if close not in "]" and sql.startswith(close * 2, i):
                i += 2
                continue
            return i + 1
        i += 1
    raise QueryRefused("the query has an unterminated string or quoted name")


def _skip_block_comment(sql: str, start: int, *, nested: bool) -> int:
    depth, i = 0, start
    while i < len(sql):
        if sql.startswith("/*", i):
            depth = depth + 1 if nested or depth == 0 else depth
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise QueryRefused("the query has an unterminated /* comment")


def tokens(sql: str, dialect: str) -> list[Token]:
    """The words, quoted identifiers and punctuation of ``sql`` (strings and comments dropped)."""
    pg = dialect == "postgresql"
    found: list[Token] = []
    i = 0
    while i < len(sql):
        char = sql[i]
        if char.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end + 1
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i, nested=pg)
        elif char == "'":
            last = found[-1] if found else None
            escaped = pg and last is not None and last.text == "E" and last.end == i
            i = _skip_quoted(sql, i, "'", backslash=escaped)
        elif char in '"`' or (char == "[" and not pg):
            close = "]" if char == "[" else char
            end = _skip_quoted(sql, i, close)
            found.append(Token(sql[i + 1 : end - 1].replace(close * 2, close), "quoted", i, end))
            i = end
        elif pg and char == "$" and (match := _DOLLAR.match(sql, i)):
            end = sql.find(match.group(0), match.end())
            if end < 0:
                raise QueryRefused("the query has an unterminated $-quoted string")
            i = end + len(match.group(0))
        elif match := _WORD.match(sql, i):
            found.append(Token(match.group(0).upper(), "word", i, match.end()))
            i = match.end()
        else:
            found.append(Token(char, "punct", i, i + 1))
            i += 1
    return found


def _statement(found: list[Token]) -> list[Token]:
    """The tokens of the one statement, without a trailing ``;``; refuses a second one."""
    first = next((i for i, t in enumerate(found) if t.is_punct(";")), len(found))
    if any(not t.is_punct(";") for t in found[first:]):
        raise QueryRefused(
            "one statement at a time: a second statement follows the ';' (remove it)"
        )
    if first == 0:
        raise QueryRefused("the query is empty: write one SELECT (or WITH, VALUES, EXPLAIN)")
    return found[:first]


def _first_word(found: list[Token], start: int = 0) -> tuple[int, str]:
    i = start
    while i < len(found) and found[i].is_punct("("):
        i += 1
    return i, (found[i].text if i < len(found) and found[i].kind == "word" else "")


def _explained(found: list[Token], dialect: str) -> None:
    """Refuse EXPLAIN ANALYZE and EXPLAIN of anything but a read."""
    i = 1
    while i < len(found):
        token = found[i]
        if token.kind == "word" and token.text in ("ANALYZE", "ANALYSE"):
            raise QueryRefused(
                "EXPLAIN ANALYZE is refused: it runs the statement (use EXPLAIN without ANALYZE)"
            )
        if token.is_punct("(") and dialect == "postgresql" and i == 1:
            depth = 0
            while i < len(found):
                depth += {"(": 1, ")": -1}.get(found[i].text, 0) if found[i].kind == "punct" else 0
                if found[i].kind == "word" and found[i].text in ("ANALYZE", "ANALYSE"):
                    raise QueryRefused("EXPLAIN (ANALYZE) is refused: it runs the statement")
                i += 1
                if depth == 0:
                    break
            continue
        if token.kind == "word" and token.text in READ_STARTS:
            return
        if token.kind == "word" and token.text not in ("QUERY", "PLAN", "VERBOSE"):
            break
        i += 1
    raise QueryRefused("EXPLAIN is allowed of a SELECT, WITH or VALUES query only")


def _refuse_word(token: Token) -> None:
    word = token.text
    if word in WRITE_WORDS:
        raise QueryRefused(f"{word} is refused: the SQL page and `hubfund sql` only read")
    if word in SCHEMA_WORDS:
        raise QueryRefused(f"{word} is refused: the schema cannot be changed from here")
    if word in ("ATTACH", "DETACH"):
        raise QueryRefused(f"{word} is refused: queries read this store only")
    if word == "PRAGMA":
        raise QueryRefused(
            "PRAGMA is refused; to read a table's columns use "
            "SELECT * FROM pragma_table_info('table') (SQLite)"
        )
    if word == "INTO":
        raise QueryRefused("SELECT ... INTO is refused: it writes (select the rows instead)")
    raise QueryRefused(f"{word} is refused: the SQL page and `hubfund sql` only read")


def check_sql(sql: str, *, dialect: str) -> str:
    """``sql`` without a trailing ``;`` if it is one statement that reads, else ``QueryRefused``
    with the reason (see the module rules). ``dialect``: "sqlite" or "postgresql"."""
    every = tokens(sql, dialect)
    found = _statement(every)
    index, first = _first_word(found)
    if first in WRITE_WORDS | SCHEMA_WORDS | OTHER_WORDS:
        _refuse_word(found[index])
    if first not in READ_STARTS | {"EXPLAIN"}:
        raise QueryRefused(
            f"{first or found[0].text} is refused: a query starts with SELECT, WITH, VALUES or "
            "EXPLAIN"
        )
    if first == "EXPLAIN":
        _explained(found, dialect)
    for index, token in enumerate(found):
        if token.kind == "word" and token.text in WRITE_WORDS | SCHEMA_WORDS | OTHER_WORDS:
            if first == "WITH" and token.text in WRITE_WORDS:
                raise QueryRefused(
                    f"a WITH that runs {token.text} is refused: data-modifying WITH writes"
                )
            _refuse_word(token)
        name = token.text.lower()
        follows = found[index + 1] if index + 1 < len(found) else None
        if follows is not None and follows.is_punct("("):
            if name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES):
                raise QueryRefused(
                    f"function {name}() is refused: it reaches outside the store or changes "
                    "the session"
                )
    end = every[len(found)].start if len(every) > len(found) else len(sql)
    return sql[:end].strip()
