"""The command line `python -m geo`: the parser, each domain adding its subcommands."""
