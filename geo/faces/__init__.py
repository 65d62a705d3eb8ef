"""The core's front doors for scripts and partners: the command line and the JSON API."""
