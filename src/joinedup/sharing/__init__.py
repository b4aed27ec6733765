"""Shared cases: data-sharing agreements, matching a partner's list against ours, and the children
both organisations work with."""
