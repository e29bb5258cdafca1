"""The README keeps up with the code: every registered command is documented with an example,
and the two commands a new user is given exist."""
from __future__ import annotations

import re

from typing import Any

import typer.main

from conftest import REPO
from toolkit.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")


def registered_commands() -> list[tuple[str, Any]]:
    """Every command of the CLI, groups walked ("report weekly"), as a user types it."""
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        if hasattr(command, "commands"):   # a group ("report"): its subcommands
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    walk("", root)
    return found


def test_the_walk_finds_the_commands():
    names = {name for name, _ in registered_commands()}
    assert {"validate", "consolidate", "init", "demo"} <= names


def test_every_command_is_in_the_readme():
    missing = [name for name, _ in registered_commands() if f"toolkit {name}" not in README]
    assert not missing, f"not documented in README.md: {missing}"


def test_every_command_has_help_with_an_example():
    for name, command in registered_commands():
        assert command.help and "Example: toolkit " in command.help, name


def test_the_two_commands_exist():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "make demo" in README and "make test" in README
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
