"""Domain errors shared by the back-office apps."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the operation; the message is safe to show to a user."""


class InvalidTransition(DomainError):
    """A record cannot go from its current state to the requested one."""

    def __init__(self, record: object, current: str, target: str) -> None:
        self.record = record
        self.current = current
        self.target = target
        super().__init__(f"{record}: cannot go from '{current}' to '{target}'")
