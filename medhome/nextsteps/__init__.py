"""Next steps after a positive screen."""
