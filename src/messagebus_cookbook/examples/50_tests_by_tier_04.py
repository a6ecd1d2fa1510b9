"""The reviews service alone, in memory: no server, no process."""
