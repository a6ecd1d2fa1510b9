"""The domain: the models of the reading club and the messages about them."""
