from oauth2_provider.oauth2_validators import OAuth2Validator


class DevDopaValidator(OAuth2Validator):
    """Claims as DOPA Digital ID names them (DOMAIN.md §9), each released only for its scope."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "pid": "pid", "name": "name", "name_en": "name_en",
        "given_name": "given_name", "family_name": "family_name",
    }

    def get_additional_claims(self, request):
        citizen = request.user.dev_citizen
        return {
            "pid": citizen.pid,
            "name": f"{citizen.title}{citizen.given_name} {citizen.family_name}",
            "name_en": f"{citizen.given_name_en} {citizen.family_name_en}".strip(),
            "given_name": citizen.given_name,
            "family_name": citizen.family_name,
        }
