"""The club against real servers, and the processes it starts on them."""
