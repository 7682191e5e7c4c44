"""The operator web console: server-rendered pages over the same services as the JSON API.

Mounted under `/console` by `WebConsolePlugin` (service/web/plugin.py). Operators sign in with their
API key or their e-mail and password, once; the console then keeps only their account id (and which
credential opened the session) in a server-side session. Pages are French by default and English on
request (service/i18n: the `console` catalog holds their texts).
"""

from service.web.plugin import WebConsolePlugin

__all__ = ["WebConsolePlugin"]
