"""``hubfund backup PATH`` and ``hubfund restore PATH [--yes]``: the store to a file and back.

Both act on ``DATABASE_URL``. A backup never migrates nor changes the store; a restore replaces
every row with the backup's (after a confirmation, unless ``--yes``), then migrates it if the
backup is older than this code. Refusals (a damaged file, a backup from a newer Hubfund or of
the other backend, a missing ``pg_dump``) print ``error: ...`` and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, MutableMapping
from pathlib import Path

from sqlalchemy import make_url

from fund.backup import BackupFailed, backup, restore
from models.db import database_url, normalize_url

Handler = Callable[[argparse.Namespace], int]


def register(sub: argparse._SubParsersAction, commands: MutableMapping[str, Handler]) -> None:
    """Add the ``backup`` and ``restore`` commands to the ``hubfund`` parser and table."""
    save = sub.add_parser("backup", help="write a consistent backup of the store to PATH")
    save.add_argument("path", type=Path, metavar="PATH", help="a new file")
    load = sub.add_parser("restore", help="replace the store's contents with the backup PATH")
    load.add_argument("path", type=Path, metavar="PATH")
    load.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    commands["backup"] = run_backup
    commands["restore"] = run_restore


def _shown(url: str) -> str:
    return make_url(normalize_url(url)).render_as_string(hide_password=True)


def run_backup(args: argparse.Namespace) -> int:
    """``hubfund backup PATH``."""
    url = database_url()
    try:
        info = backup(url=url, dest=args.path)
    except BackupFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    revision = info.revision or "none"
    print(f"backed up {_shown(url)} (schema {revision}) to {info.path} ({info.size_bytes:,} bytes)")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """``hubfund restore PATH [--yes]``."""
    url = database_url()
    if not args.yes:
        question = f"Replace every row of {_shown(url)} with the backup {args.path}? [y/N] "
        try:
            answer = input(question)
        except EOFError:  # no terminal to answer from
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing restored")
            return 1
    try:
        info = restore(url=url, source=args.path)
    except BackupFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    migrated = f", then migrated to {info.revision}" if info.migrated else ""
    print(f"restored {_shown(url)} from {info.path} (schema {info.backup_revision}{migrated})")
    return 0
