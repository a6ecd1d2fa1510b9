"""The reviews service: reviewers review the books the reading club registers."""
