"""The club alone, in memory: no server, no process."""
