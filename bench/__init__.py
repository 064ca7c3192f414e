"""Performance checks against the budgets in DESIGN.md. Run with `make bench`."""
