"""The directory: its listings, their editors and roles, notices, residents' corrections, reminders and
its messages."""
