"""Companies that post missions."""
