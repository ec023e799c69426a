"""The OpenAPI schema as the code answers (drf-spectacular), refusals included.

Every operation documents the refusals DRF and our views can give it — 400 for a body or query that does
not validate, 401 without credentials, 403 without the role, 404 for an id that is not there (or not
yours), 429 past a throttle — unless the view documents that status itself. The schemathesis tests
(tests/test_schemathesis.py) hold the schema to it.
"""
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from rest_framework.permissions import AllowAny

MESSAGE = {"description": "what went wrong, in the visitor's language (Thai first)"}
ERROR = build_object_type(properties={"detail": {**build_basic_type(OpenApiTypes.STR), **MESSAGE}},
                          required=["detail"])
# A refusal of what was sent: DRF's {"field": ["message", …]}, or our services' {"detail": [...], "code": …,
# "fields": {…}}: an object either way, keyed by field (or "detail"), with messages as text or lists of text.
VALIDATION_ERROR = {"type": "object", "additionalProperties": True,
                    "description": "messages by field (`detail` for the request as a whole)"}
DESCRIPTIONS = {
    400: "Refused: what was sent does not validate",
    401: "Not signed in, or the credentials (session, API key, token) are not valid here",
    403: "Signed in, but not allowed to do this",
    404: "Not found (an id that does not exist and one that is not yours answer the same)",
    415: "The body is not in a media type this operation reads",
    429: "Too many requests: retry after the `Retry-After` seconds",
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._refusals():
            if str(code) in responses:
                continue
            schema = VALIDATION_ERROR if code == 400 else ERROR
            responses[str(code)] = {"content": {"application/json": {"schema": schema}},
                                    "description": DESCRIPTIONS[code]}
            if code == 429:
                responses[str(code)]["headers"] = {"Retry-After": {
                    "schema": {"type": "integer"}, "description": "seconds to wait"}}
        return responses

    def _refusals(self) -> list[int]:
        view = self.view
        codes = []
        has_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        if has_body or self._get_filter_parameters() or self._get_query_serializer_parameters():
            codes.append(400)
        authenticators = view.get_authenticators()
        if authenticators:
            codes.append(401)  # a refused API key or token answers 401 on any view that reads credentials
        if any(not isinstance(permission, AllowAny) for permission in view.get_permissions()):
            codes.append(403)
            if authenticators:
                codes.append(401)
        if "{" in self.path or (self.method == "GET" and self._is_list_view() and getattr(view, "paginator", None)):
            codes.append(404)  # an id not there, or a page past the last
        if view.get_throttles():
            codes.append(429)
        if has_body and view.get_parsers():
            codes.append(415)  # a body in a media type the view does not read
        return sorted(set(codes))

    def _get_query_serializer_parameters(self) -> list:
        # Views that validate their query with a serializer say so with OpenApiParameters: a GET with any
        # documented query parameter may be refused with 400.
        return [p for p in (self.get_override_parameters() or []) if getattr(p, "location", "query") == "query"]
