"""The reading club: books, reviewers and reviews."""
