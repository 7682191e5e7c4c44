"""The web app of freelance CTOs and companies, at `/`: server-rendered pages beside the console."""

from service.portal.plugin import PortalPlugin

__all__ = ["PortalPlugin"]
