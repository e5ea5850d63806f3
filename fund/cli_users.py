"""``hubfund user ...``: the people who sign in (password and OIDC modes), from the shell.

This is how the first administrator is created on a fresh store::

    hubfund user add --username alice --role admin --name "Alice Wang"

The password is read from a prompt (twice), or from the first line of stdin with
``--password-stdin``; it is never an argument (it would show in the process list and the shell
history). The CLI acts as ``$USER`` with the administrator's role; the audit log records it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, MutableMapping

from sqlmodel import Session

from fund.access import ROLE_LABELS, ROLES, Actor
from fund.auth import find_user
from fund.users import (
    UserCreate,
    UserView,
    assign_funds,
    create_user,
    deactivate,
    list_users,
    set_password,
    set_role,
    unlock,
)
from models import migrate
from models.db import database_url, get_engine, session_scope
from models.validation import InputError

Handler = Callable[[argparse.Namespace], int]


def register(sub: argparse._SubParsersAction, commands: MutableMapping[str, Handler]) -> None:
    """Add the ``user`` command and its actions to the ``hubfund`` parser and command table."""
    user = sub.add_parser("user", help="add, list and change the people who sign in")
    actions = user.add_subparsers(dest="user_action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a user (prompts for the password)")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", default="", help="display name (default: the username)")
    add.add_argument("--no-password", action="store_true", help="no password: OIDC sign-in only")
    actions.add_parser("list", help="list users")
    role = actions.add_parser("set-role", help="change a user's role")
    role.add_argument("--role", required=True, choices=ROLES)
    funds = actions.add_parser("set-funds", help="the funds a fund manager works on")
    password = actions.add_parser("set-password", help="set a new password (clears a lockout)")
    actions.add_parser("unlock", help="lift a lockout").add_argument("--username", required=True)
    off = actions.add_parser("deactivate", help="stop a user from signing in")
    for action in (add, role, funds, password, off):
        action.add_argument("--username", required=True)
    for action in (add, funds):
        action.add_argument("--fund", type=int, action="append", default=[], metavar="ID",
                            help="a fund id (repeat for several; fund managers only)")  # fmt: skip
    for action in (add, password):
        action.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
    commands["user"] = run


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise InputError("password: the two entries differ")
    return first


def _line(user: UserView) -> str:
    state = "active" if user.active else "deactivated"
    if user.locked_until is not None:
        state += f", locked until {user.locked_until:%Y-%m-%d %H:%M} UTC"
    funds = f" funds {','.join(map(str, user.funds))}" if user.funds else ""
    last = f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "never"
    return (
        f"{user.username}  {user.display_name!r}  {ROLE_LABELS[user.role]}  {state}"
        f"{funds}  password: {'set' if user.has_password else 'none'}  last sign-in: {last}"
    )


def _user_id(session: Session, username: str) -> int:
    user = find_user(session=session, username=username)
    if user is None:
        raise InputError(f"--username: {username!r} is not a known user")
    return user.id or 0


def run(args: argparse.Namespace) -> int:
    """Run ``hubfund user <action>``; the exit status."""
    engine = get_engine(database_url())
    migrate.upgrade(engine)
    actor = Actor(name=os.environ.get("USER", "cli"), role="admin")
    if args.user_action == "list":
        with Session(engine) as session:
            users = list_users(session=session)
        print("\n".join(_line(u) for u in users) if users else "no users yet")
        return 0
    secret = None
    if args.user_action == "set-password" or (args.user_action == "add" and not args.no_password):
        secret = _password(args)
    with session_scope(engine, actor=actor.audit_name) as session:
        common = {"session": session, "actor": actor}
        if args.user_action == "add":
            user_in = UserCreate(username=args.username, display_name=args.name, role=args.role,
                                 password=secret, funds=args.fund)  # fmt: skip
            done, verb = create_user(**common, user_in=user_in), "added"
        else:
            user_id = _user_id(session, args.username)
            if args.user_action == "set-role":
                done, verb = set_role(**common, user_id=user_id, role=args.role), "changed"
            elif args.user_action == "set-funds":
                done, verb = assign_funds(**common, user_id=user_id, fund_ids=args.fund), "changed"
            elif args.user_action == "set-password":
                done = set_password(**common, user_id=user_id, password=secret or "")
                verb = "changed"
            elif args.user_action == "unlock":
                done, verb = unlock(**common, user_id=user_id), "unlocked"
            else:
                done, verb = deactivate(**common, user_id=user_id), "deactivated"
    print(f"{verb}: {_line(done)}")
    return 0
