"""Every `/matches` route and what it shows: the best matches of a mission or a freelancer, one match,
the operator's review queue, decisions, their rules and their audit trail."""
