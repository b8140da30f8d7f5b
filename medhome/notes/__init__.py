"""Team notes on a child."""
