"""GUP problem reports: the panel, the rules, the register, photos, Open311 keys, messages and the
committee's report."""
