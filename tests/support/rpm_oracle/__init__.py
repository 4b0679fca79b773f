"""Debian's real rpm 4.18 as an oracle for our own spec expander (tests only; see runner.py)."""
