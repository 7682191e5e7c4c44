"""People behind the profiles: possible duplicates, merges, and the freelancer and company pages."""
