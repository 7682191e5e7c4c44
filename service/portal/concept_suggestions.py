"""`POST /suggestions`: what the profile and mission forms' "suggest competences" button asks.

The page's script sends the summary or description it is editing (a form post with the page's CSRF
token, under the signed-in session) and draws the answer: the same items, labels and words as the
API's `POST /api/v1/taxonomy/suggestions`, which needs an API key the web app does not hold. A text
that is empty or too long is answered 422 with the reason in words, for the script to show.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, Response, post

from service.auth.actor import ANONYMOUS, roles
from service.i18n import _, format_number
from service.portal.descriptions import SIGNED_IN
from service.portal.users import SignedInUser
from service.reference.concept_suggestions import suggest_concepts
from service.reference.schemas import TaxonomySuggestionOut, TaxonomySuggestionsOut

MAX_TEXT = 20_000
"""The API's bound on the text (`SuggestionText`)."""


def _json(body: Any, status_code: int = 200) -> Response[bytes]:
    return Response(msgspec.json.encode(body), media_type=MediaType.JSON, status_code=status_code)


class ConceptSuggestionsController(Controller):
    path = "/suggestions"
    include_in_schema = False

    @post(
        "/",
        opt=roles(ANONYMOUS),
        description=f"{SIGNED_IN} The competences and CTO missions a text names (JSON, for the forms).",
        include_in_schema=False,
    )
    async def suggest(self, request: Request[Any, Any, Any], user: SignedInUser) -> Response[bytes]:
        value = (await request.form()).get("text")
        text = value.strip() if isinstance(value, str) else ""
        if not text:
            return _json({"error": _("Write some text first: the suggestions come from it.")}, 422)
        if len(text) > MAX_TEXT:
            message = _(
                "The text is too long for suggestions: at most %(max)s characters.",
                max=format_number(MAX_TEXT),
            )
            return _json({"error": message}, 422)
        items = [
            TaxonomySuggestionOut(
                s.item.id, s.item.kind, s.label, s.item.label_fr, s.item.label_en, list(s.words)
            )
            for s in suggest_concepts(text)
        ]
        return _json(TaxonomySuggestionsOut(items))
