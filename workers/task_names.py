"""Task names, shared by the API (which sends by name) and the worker (which registers them)."""

TASK_SCORE_MISSION = "ctomatch.score_mission"
TASK_SCORE_MISSION_BATCH = "ctomatch.score_mission_batch"
TASK_SCORE_PROFILE = "ctomatch.score_profile"
TASK_RESCORE_ALL = "ctomatch.rescore_all"
TASK_SCORE_CHUNK = "ctomatch.score_chunk"
TASK_RESCORE_STALE = "ctomatch.rescore_stale"
TASK_DELIVER_NOTIFICATIONS = "ctomatch.deliver_notifications"
