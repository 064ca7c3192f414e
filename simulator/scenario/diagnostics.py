"""Diagnostics: every problem a trainer can make, reported with a stable code and a place."""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    severity: str  # ERROR or WARNING
    code: str  # stable, e.g. "S101"; catalogued in simulator/scenario/codes.py
    message: str
    hint: str = ""
    end_column: int = 0  # 1-based, exclusive; 0 = one caret

    @property
    def heading(self) -> str:
        """`path:line:col: severity[CODE]: message`, the one line every report of it starts with."""
        return f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: {self.message}"

    def as_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }
