"""The messagebus cookbook: chapters replayed as a reader follows them."""
