"""Monitoring: what the public says, item by item, tied to constituencies."""
