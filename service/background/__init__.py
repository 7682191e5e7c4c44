"""The port to background work: the queue services report changes to (scoring, notifications), the task
names it sends, and how a job is queued. Every domain may use it; it imports none of them."""
