"""The operator web console: server-rendered pages over the same services as the JSON API.

Mounted under `/console` by `WebConsolePlugin` (service/web/plugin.py). Operators sign in with their
API key once; the console then keeps only their account id in a server-side session.
"""

from service.web.plugin import WebConsolePlugin

__all__ = ["WebConsolePlugin"]
