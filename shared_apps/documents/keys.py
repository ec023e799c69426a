"""Where the signing keys and the trust roots come from (settings.DOCUMENT_SIGNING_*), never from the database.

Two arrangements, chosen by DOCUMENT_SIGNING_MODE:

- "per_lao": each LAO signs with its own PKCS#12, `<DOCUMENT_SIGNING_KEYS_DIR>/lao-<DLA code>.p12`;
- "dla":     one DLA key, `<DOCUMENT_SIGNING_KEYS_DIR>/dla.p12`, signs on every LAO's behalf (the visible block
             and the embedded data still name the LAO);
- "off":     documents are PDF/A-3b with their data but unsigned (the verification then says "not ours").

A PKCS#12's passphrase is read from `<file>.pass` beside it, sealed with FIELD_ENCRYPTION_KEYS
(shared_apps/sealing.py), or else from DOCUMENT_SIGNING_PASSPHRASE. The trust roots are the PEM files listed in
DOCUMENT_TRUST_ROOTS plus `<DOCUMENT_SIGNING_KEYS_DIR>/root.pem` when present (the development CA's).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["SigningKey", "keys_dir", "passphrase_for", "signing_key", "trust_roots"]

_lock = threading.Lock()
_signers: dict[tuple, object] = {}
_roots: dict[tuple, list] = {}


@dataclass(frozen=True)
class SigningKey:
    signer: object  # pyhanko.sign.signers.SimpleSigner
    on_behalf: bool  # the DLA key signing for the LAO
    subject: str  # the certificate's common name, as shown in the visible block


def keys_dir() -> Path:
    return Path(settings.DOCUMENT_SIGNING_KEYS_DIR)


def mode() -> str:
    value = getattr(settings, "DOCUMENT_SIGNING_MODE", "per_lao")
    if value not in ("per_lao", "dla", "off"):
        raise ImproperlyConfigured("DOCUMENT_SIGNING_MODE is per_lao, dla or off.")
    return value


def key_path(lao) -> Path:
    return keys_dir() / ("dla.p12" if mode() == "dla" else f"lao-{lao.dla_code}.p12")


def passphrase_for(path: Path) -> bytes | None:
    from shared_apps.sealing import unseal

    sealed = path.with_name(path.name + ".pass")
    if sealed.is_file():
        return unseal(sealed.read_text().strip()).encode()
    plain = getattr(settings, "DOCUMENT_SIGNING_PASSPHRASE", "")
    return plain.encode() if plain else None


def signing_key(lao) -> SigningKey | None:
    """The key that signs this LAO's documents, or None when signing is off or no key was installed for it
    (the document is then issued unsigned and says so: a missing key never stops a receipt)."""
    if mode() == "off":
        return None
    path = key_path(lao)
    if not path.is_file():
        return None
    stat = path.stat()
    cache_key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        found = _signers.get(cache_key)
        if found is None:
            from pyhanko.sign import signers

            signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase_for(path))
            if signer is None:
                raise ImproperlyConfigured(f"{path} cannot be opened with its passphrase.")
            subject = signer.signing_cert.subject.native.get("common_name", "")
            found = SigningKey(signer=signer, on_behalf=mode() == "dla", subject=subject)
            _signers.clear() if len(_signers) > 512 else None
            _signers[cache_key] = found
        return found


def trust_roots() -> list:
    """The platform's trust roots (asn1crypto certificates) that a signed document must chain to."""
    from asn1crypto import pem, x509

    paths = [Path(p) for p in getattr(settings, "DOCUMENT_TRUST_ROOTS", [])]
    dev_root = keys_dir() / "root.pem"
    if dev_root.is_file():
        paths.append(dev_root)
    cache_key = tuple((str(p), p.stat().st_mtime_ns) for p in paths if p.is_file())
    with _lock:
        if cache_key not in _roots:
            certs = []
            for path, _mtime in cache_key:
                data = Path(path).read_bytes()
                blobs = [der for _t, _h, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
                certs += [x509.Certificate.load(der) for der in blobs]
            _roots.clear()
            _roots[cache_key] = certs
        return _roots[cache_key]
