"""The ``hubfund`` command: migrate the store, load the demo, read and record hub KPIs.

Every command that touches data first migrates the database (``DATABASE_URL``, default
``sqlite:///data/hubfund.db``). Refused input (an unknown hub or KPI, a bad date or number, a
deadline before the plan start, a role that may not write) prints ``error: <message>`` on
stderr, exits with status 2 and writes nothing. The CLI acts as ``$USER`` with role ``--as``
(default ``admin``); the audit log records it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from fund.access import ROLES, Actor, PermissionDenied
from fund.cli_backup import register as register_backup_commands
from fund.cli_scale import national_demo
from fund.cli_scale import register as register_scale_commands
from fund.cli_sql import register as register_sql_commands
from fund.cli_users import register as register_user_commands
from fund.demo import DEMO_SEED, has_hub_data, load_demo
from fund.hub_kpis import format_number
from fund.hub_targets import (
    TargetProgress,
    add_observation,
    create_target,
    hub_targets,
    update_target,
)
from fund.results import Undefined
from models import migrate
from models.db import database_url, get_engine, session_scope
from models.fx import MissingFxRate
from models.kpi import KpiObservationCreate, Target, TargetCreate, TargetUpdate
from models.money import MoneyError
from models.queries import hub_by_name, kpi_by_code
from models.validation import InputError, check, to_decimal

REFUSALS = (InputError, PermissionDenied, MissingFxRate, MoneyError)
TABLE_COLUMNS = ("hub", "KPI", "target", "actual", "attainment", "deadline", "status")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hubfund", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("migrate", help="bring the database to the newest schema")
    demo = sub.add_parser("demo", help="load the demo data set (replacing hub data)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if hub data exists")
    demo.add_argument("--seed", type=int, default=DEMO_SEED, help="generator seed")
    demo.add_argument("--scale", choices=("demo", "national"), default="demo",
                      help="national: the national-scale store (fund.demo_national)")  # fmt: skip
    kpis = sub.add_parser("kpis", help="a hub's targets against actuals")
    kpis.add_argument("--hub", required=True, help="hub name (English or Chinese)")
    kpis.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
    kpis.add_argument("--json", action="store_true", help="print a JSON list")
    observe = sub.add_parser("observe", help="record an observed KPI figure")
    target = sub.add_parser(
        "target",
        help="create a target, or update the hub's target for the same KPI and deadline",
        description="Create a hub target, or update the one with the same hub, KPI and "
        "deadline (--max, --text and --baseline left out keep their current values).",
    )
    for command in (observe, target):
        command.add_argument("--hub", required=True, help="hub name (English or Chinese)")
        command.add_argument("--kpi", required=True, help="KPI code, e.g. gfci_rank")
    observe.add_argument("--date", required=True, help="YYYY-MM-DD, not in the future")
    observe.add_argument("--value", required=True)
    observe.add_argument("--note")
    target.add_argument("--min", required=True, help="the target (a range's lower end)")
    target.add_argument("--max", help="a range's upper end")
    target.add_argument("--plan-start", required=True, help="YYYY-MM-DD")
    target.add_argument("--deadline", required=True, help="YYYY-MM-DD")
    target.add_argument("--text", help="the target in the plan's words")
    target.add_argument("--baseline")
    for command in (observe, target):
        command.add_argument("--source", required=True, help="the document the figure is from")
        command.add_argument("--as", dest="role", choices=ROLES, default="admin")
    register_user_commands(sub, COMMANDS)
    register_backup_commands(sub, COMMANDS)
    register_sql_commands(sub, COMMANDS)
    register_scale_commands(sub, COMMANDS, _engine, lambda args: _actor(args).audit_name)
    return parser


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


def _engine() -> Engine:
    """The process's engine for ``DATABASE_URL``, migrated to the newest schema."""
    engine = get_engine(database_url())
    migrate.upgrade(engine)
    return engine


def _actor(args: argparse.Namespace) -> Actor:
    return Actor(name=os.environ.get("USER", "cli"), role=getattr(args, "role", "admin"))


def _migrate(args: argparse.Namespace) -> int:
    engine = _engine()
    revision = migrate.current_revision(engine)
    print(f"{engine.url.render_as_string(hide_password=True)} is at revision {revision}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    engine = _engine()
    if args.scale == "national":
        return national_demo(args, engine, _actor(args).audit_name)
    with session_scope(engine, actor=_actor(args).audit_name) as session:
        if args.if_empty and has_hub_data(session=session):
            print("hub data already present: demo not loaded (--if-empty)")
            return 0
        summary = load_demo(session=session, seed=args.seed, replace=True, progress=_demo_step)
    print(f"demo loaded (seed {args.seed}): {summary}")
    return 0


def _demo_step(what: str, done: int, total: int) -> None:
    """A progress line on stderr as each step of loading the demo starts."""
    if done < total:
        print(f"demo: step {done + 1} of {total}: {what}...", file=sys.stderr, flush=True)


def plain(value: Any) -> Any:
    """``value`` for JSON: Decimals as strings, dates as ISO text, Undefined with its reason."""
    if isinstance(value, Undefined):
        return {"undefined": value.reason}
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def _figure(value: Decimal | None, row: TargetProgress) -> str:
    if value is None:
        return "-"
    return f"{row.unit} {format_number(value)}" if row.kind == "money" else format_number(value)


def _target(row: TargetProgress) -> str:
    if row.target_high is None or row.target_high == row.target_low:
        return _figure(row.target_low, row)
    return f"{_figure(row.target_low, row)}-{format_number(row.target_high)}"


def _table(rows: Sequence[TargetProgress]) -> str:
    cells = [
        (
            r.hub,
            r.kpi_code,
            _target(r),
            _figure(r.actual, r),
            "n/a" if isinstance(r.attainment, Undefined) else f"{r.attainment * 100:.1f}%",
            r.deadline.isoformat(),
            r.status,
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in [TABLE_COLUMNS, *cells]) for i in range(len(TABLE_COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
             for line in [TABLE_COLUMNS, *cells]]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += ["", *(f"{r.kpi_code}: {r.status_reason} [{r.source}]" for r in rows)]
    return "\n".join(lines)


def _kpis(args: argparse.Namespace) -> int:
    as_of = _date(args.as_of, "--as-of") if args.as_of else date.today()
    with session_scope(_engine(), actor=_actor(args).audit_name) as session:
        hub = hub_by_name(session=session, name=args.hub)
        rows = hub_targets(session=session, as_of=as_of, hub_id=hub.id)
    if args.json:
        print(json.dumps([plain(r) for r in rows], ensure_ascii=False, indent=2))
    elif not rows:
        print(f"{hub.name} has no targets")
    else:
        print(f"{hub.name} targets as of {as_of.isoformat()}\n\n{_table(rows)}")
    return 0


def _observe(args: argparse.Namespace) -> int:
    actor = _actor(args)
    observed_on = _date(args.date, "--date")
    value = to_decimal(args.value, field="value")
    with session_scope(_engine(), actor=actor.audit_name) as session:
        hub = hub_by_name(session=session, name=args.hub)
        kpi = kpi_by_code(session=session, code=args.kpi)
        data = {"hub_id": hub.id, "kpi_code": kpi.code, "observed_on": observed_on,
                "value": value, "note": args.note, "source": args.source}  # fmt: skip
        observation_in = check(KpiObservationCreate, data)
        saved = add_observation(session=session, actor=actor, observation_in=observation_in)
    print(
        f"recorded {hub.name} {kpi.code} = {format_number(value)} on {observed_on} (id {saved.id})"
    )
    return 0


def _target_command(args: argparse.Namespace) -> int:
    actor = _actor(args)
    fields: dict[str, Any] = {
        "target_low": to_decimal(args.min, field="target_low (--min)"),
        "plan_start": _date(args.plan_start, "--plan-start"),
        "deadline": _date(args.deadline, "--deadline"),
        "source": args.source,
    }
    if args.max is not None:
        fields["target_high"] = to_decimal(args.max, field="target_high (--max)")
    if args.baseline is not None:
        fields["baseline"] = to_decimal(args.baseline, field="baseline")
    if args.text is not None:
        fields["target_text"] = args.text
    with session_scope(_engine(), actor=actor.audit_name) as session:
        hub = hub_by_name(session=session, name=args.hub)
        kpi = kpi_by_code(session=session, code=args.kpi)
        existing = session.exec(
            select(Target).where(
                Target.hub_id == hub.id,
                Target.kpi_code == kpi.code,
                Target.deadline == fields["deadline"],
            )
        ).first()
        if existing is None:
            target_in = check(TargetCreate, fields | {"hub_id": hub.id, "kpi_code": kpi.code})
            saved = create_target(session=session, actor=actor, target_in=target_in)
            verb = "created"
        else:
            update = check(TargetUpdate, fields)
            saved = update_target(
                session=session, actor=actor, target_id=existing.id or 0, target_in=update
            )
            verb = "updated"
    print(f"{verb} target {saved.id}: {hub.name} {kpi.code} by {saved.deadline.isoformat()}")
    return 0


COMMANDS = {
    "migrate": _migrate,
    "demo": _demo,
    "kpis": _kpis,
    "observe": _observe,
    "target": _target_command,
}


def main(argv: list[str] | None = None) -> int:
    """Run ``hubfund`` with ``argv`` (default: the process's arguments); the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse has already printed
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return COMMANDS[args.command](args)
    except REFUSALS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(f"error: database {database_url()!r}: {exc.orig or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
