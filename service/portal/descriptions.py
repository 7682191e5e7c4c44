"""Who may use each web-app page: the first words of every handler's description (the role matrix
test reads them, as it does on the API)."""

from typing import Final

ANYONE: Final = "Roles: anyone (a public page of the web app)."
SIGNED_IN: Final = "Roles: any signed-in account of the web app (session cookie), for its own data only."
FREELANCER: Final = (
    "Roles: freelancer, signed in to the web app (session cookie), for their own profile only."
)
COMPANY: Final = "Roles: company, signed in to the web app (session cookie), for its own missions only."
