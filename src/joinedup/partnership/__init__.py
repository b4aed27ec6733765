"""The local system, per borough: partner organisations and their named contacts, the boards and forums the
programme sits on, the referral pathways and the agreements in force, each with when it was last confirmed."""
