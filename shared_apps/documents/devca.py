"""A development certificate authority: a root and a signing certificate per LAO (or one for DLA), so that
`make run` signs out of the box and the tests sign offline. Never for production: the root's name says so.

Files in DOCUMENT_SIGNING_KEYS_DIR:
  root.pem                 the root certificate (a trust root of this installation)
  root.key.pem (+ .pass)   its private key, encrypted; the passphrase sealed with FIELD_ENCRYPTION_KEYS
  lao-<DLA code>.p12 (+ .pass)   a LAO's signing key and certificate chain, encrypted likewise
  dla.p12 (+ .pass)        DLA's key signing on the LAOs' behalf (DOCUMENT_SIGNING_MODE = "dla")
"""
from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_NAME = "Local Service development root CA (not for production)"
VALID_YEARS = 10


def _write_secret_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _new_passphrase(path: Path) -> bytes:
    from shared_apps.sealing import seal

    passphrase = secrets.token_urlsafe(24)
    _write_secret_file(path.with_name(path.name + ".pass"), seal(passphrase).encode())
    return passphrase.encode()


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organization: str, serial: str | None = None) -> x509.Name:
    import warnings

    with warnings.catch_warnings():  # X.520 bounds a name at 64 characters; cryptography counts UTF-8 bytes
        warnings.simplefilter("ignore")
        attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64], _validate=False),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64], _validate=False)]
    if serial:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(attributes)


def root_load_or_create(directory: Path) -> tuple[x509.Certificate, rsa.RSAPrivateKey, bool]:
    """The development root (made on first use)."""
    from shared_apps.documents.keys import passphrase_for

    cert_path, key_path = directory / "root.pem", directory / "root.key.pem"
    if cert_path.is_file() and key_path.is_file():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=passphrase_for(key_path))
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key, False
    key = _key()
    name = _name(ROOT_NAME, "Local Service (development)")
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365 * VALID_YEARS + 30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    passphrase = _new_passphrase(key_path)
    _write_secret_file(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.BestAvailableEncryption(passphrase)))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key, True


def signing_certificate_issue(directory: Path, *, file_name: str, common_name: str, organization: str,
                              serial: str | None, root: x509.Certificate, root_key,
                              valid_days: int = 365 * 5) -> Path:
    """A signing key and certificate issued by the root, saved as an encrypted PKCS#12 with its chain."""
    key = _key()
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name, organization, serial))
            .issuer_name(root.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=valid_days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION,
                                                  ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    path = directory / file_name
    passphrase = _new_passphrase(path)
    _write_secret_file(path, pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, [root], serialization.BestAvailableEncryption(passphrase)))
    return path


def dev_ca_ensure(directory: Path, *, laos=(), dla: bool = False, renew: bool = False) -> list[Path]:
    """The root, and a certificate for each LAO given (and DLA's) that has none yet; the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    root, root_key, created = root_load_or_create(directory)
    written = [directory / "root.pem"] if created else []
    wanted = [(f"lao-{lao.dla_code}.p12", lao.full_name_th, lao.full_name_th, lao.dla_code) for lao in laos]
    if dla:
        wanted.append(("dla.p12", "กรมส่งเสริมการปกครองท้องถิ่น",
                       "กรมส่งเสริมการปกครองท้องถิ่น", None))
    for file_name, common_name, organization, serial in wanted:
        if (directory / file_name).is_file() and not renew and not created:
            continue
        written.append(signing_certificate_issue(directory, file_name=file_name, common_name=common_name,
                                                 organization=organization, serial=serial, root=root,
                                                 root_key=root_key))
    return written
