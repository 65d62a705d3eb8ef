"""E-mail: the outbox and its rules, and the frame every domain's messages are written on."""
