"""The development provider's RSA signing key: made once and kept at the root (git-ignored). Not inside
.pgdata/: a file there before the embedded database exists would stop initdb."""
from pathlib import Path

from django.conf import settings

_KEY_FILE = Path(settings.BASE_DIR) / ".dev-idp-signing-key.pem"
_key_in_memory: str | None = None


def _generate() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def signing_key() -> str:
    global _key_in_memory
    if _key_in_memory is None:
        try:
            _key_in_memory = _KEY_FILE.read_text()
        except OSError:
            _key_in_memory = _generate()
            try:
                _KEY_FILE.parent.mkdir(exist_ok=True)
                _KEY_FILE.write_text(_key_in_memory)
                _KEY_FILE.chmod(0o600)
            except OSError:
                pass  # a read-only checkout: the key lives as long as the process
    return _key_in_memory


def install_signing_key() -> None:
    conf = getattr(settings, "OAUTH2_PROVIDER", None)
    if conf is not None and not conf.get("OIDC_RSA_PRIVATE_KEY"):
        conf["OIDC_RSA_PRIVATE_KEY"] = signing_key()
