"""The OpenAPI schema describes the API as it answers (drf-spectacular).

- The security scheme: OAuth2 client credentials at /o/token/ with the API's scopes, and
  per operation the scopes its view requires (Swagger UI's Authorize and "Try it out").
- Every operation lists the 4xx it can return, in the error shape: 400 (invalid input,
  including a NUL byte anywhere in the query), 401 and 403 where a token is needed, 404
  where a path names something or pages run out, 413 and 415 where there is a body, 429
  always, plus what a view declares in `error_responses`.
- Query parameters that are strings must not be empty; pages start at 1.
"""
from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorOut(serializers.Serializer):
    error = serializers.CharField(help_text="stable machine-readable code")
    detail = serializers.CharField(help_text="what is wrong, in plain words")


class InvalidOut(ErrorOut):
    fields = serializers.DictField(
        required=False, help_text="per field (or `non_field_errors`): its messages")


class PartnerOAuth2Scheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.PartnerAuthentication"
    name = "partner_oauth2"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "Client credentials of a partner application (registered by "
                           "the retailer's staff); a token works only on the host that "
                           "issued it and carries only scopes granted to the application.",
            "flows": {"clientCredentials": {
                "tokenUrl": "/o/token/", "scopes": settings.OAUTH2_PROVIDER["SCOPES"]}},
        }

    def get_security_requirement(self, auto_schema):
        required = getattr(auto_schema.view, "required_alternate_scopes", {})
        groups = required.get(auto_schema.method, [])
        return [{self.name: group} for group in groups] or {self.name: []}


class GridlineAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status, (description, serializer) in self._error_responses().items():
            responses.setdefault(str(status), {
                "description": description,
                "content": {"application/json": {
                    "schema": self.resolve_serializer(serializer, "response").ref}},
            })
        return responses

    def _error_responses(self) -> dict:
        errors = {400: ("Invalid input (`invalid` with `fields`, `parse_error`, "
                        "`bad_request`, or the domain's code).", InvalidOut)}
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if not public:
            errors[401] = ("No token, or one that is unknown here, expired or not a "
                           "partner's (`not_authenticated`, `invalid_token`).", ErrorOut)
            errors[403] = ("The token lacks a scope this needs (`insufficient_scope`).",
                           ErrorOut)
        if "{" in self.path or self._is_list_view():
            errors[404] = ("Nothing with that name here, or a page past the last "
                           "(`not_found`).", ErrorOut)
        if self.method in ("POST", "PUT", "PATCH"):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            errors[413] = (f"The body is over {limit:,} bytes (`request_too_large`).",
                           ErrorOut)
            errors[415] = ("The body is not JSON (`unsupported_media_type`).", ErrorOut)
        errors[429] = ("Over the client's rate limit (`throttled`); see Retry-After.",
                       ErrorOut)
        for status, description in getattr(self.view, "error_responses", {}).get(
                self.method, {}).items():
            errors[status] = (description, ErrorOut)
        return errors


def tighten_query_parameters(result, generator, request, public):
    """POSTPROCESSING_HOOK: a query string parameter may not be empty (the API refuses
    `created_after=`); `page` and `page_size` are at least 1."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(
                    operation, dict) else []:
                if parameter.get("in") != "query":
                    continue
                schema = parameter.setdefault("schema", {})
                if schema.get("type") == "string":
                    schema.setdefault("minLength", 1)
                if parameter["name"] in ("page", "page_size"):
                    schema.update(type="integer", minimum=1)
    return result
