"""The reviews service against real servers, and the processes it starts."""
