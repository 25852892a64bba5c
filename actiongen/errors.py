"""Errors the CLI turns into one-line messages with exit code 2."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or files; the message names the file and position."""
