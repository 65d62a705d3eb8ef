"""What a host runs: backups, restores checked before they write, and the service's health."""
