"""Safeguarding concerns, the safeguarding lead's decision, and tracked escalation to the borough's front doors."""
