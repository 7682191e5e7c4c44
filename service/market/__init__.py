"""Market check: where a daily rate sits against the grid for an experience band."""
