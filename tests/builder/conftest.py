"""Builder fixtures (the named actors are in tests/conftest.py)."""
