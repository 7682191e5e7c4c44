"""Operations: request ids and access lines, `/health`, Prometheus `/metrics` (README "Operations").

The app wires it with `service.observability.plugin.ObservabilityPlugin`; this package imports
nothing itself, so the workers can use `multiprocess` without loading the web stack.
"""
