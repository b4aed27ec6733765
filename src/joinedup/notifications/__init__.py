"""Notifications: what happened that a person should know (a plan shared with them, an action assigned, a share
about to expire, the partnership map to confirm), kept in Joinedup and emailed as each person chooses."""
