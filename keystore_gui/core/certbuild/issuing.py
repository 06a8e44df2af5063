"""Signing certificates: the issuer, its checks, self-signed and CA-signed issuance, renewal and
the key entry that holds the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificateIssuerPublicKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import (
    ExtensionOID,
    SignatureAlgorithmOID,
)

from ..chain import is_self_signed
from ..errors import KeystoreError
from ..keygen import (
    KeySpec,
    SignatureAlgorithm,
    check_signature_algorithm,
    default_signature_algorithm,
    signature_algorithm,
    spec_of_key,
)
from ..model import Certificate, Entry, EntryKind
from .extensions import ExtensionChoices
from .names import CertificateInputError
from .validity import Validity


def random_serial() -> int:
    """A positive serial of 159 random bits (fits the 20 octets RFC 5280 allows)."""
    serial = 0
    while serial == 0:
        serial = x509.random_serial_number()
    return serial


def is_ca_certificate(cert: Certificate) -> bool:
    parsed = cert.x509
    if parsed is None:
        return False
    try:
        bc = parsed.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    if not bc.ca:
        return False
    try:
        ku = parsed.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return bool(ku.key_cert_sign)


def issuer_key(key: object) -> CertificateIssuerPrivateKeyTypes:
    if isinstance(
        key,
        rsa.RSAPrivateKey
        | ec.EllipticCurvePrivateKey
        | ed25519.Ed25519PrivateKey
        | ed448.Ed448PrivateKey
        | dsa.DSAPrivateKey,
    ):
        return key
    raise CertificateInputError(f"a {type(key).__name__} cannot sign certificates")


@dataclass(frozen=True)
class Issuer:
    """A CA private key with its chain (the CA's certificate first)."""

    key: CertificateIssuerPrivateKeyTypes
    chain: tuple[Certificate, ...]
    alias: str = ""

    @property
    def certificate(self) -> Certificate:
        return self.chain[0]

    @classmethod
    def from_entry(cls, entry: Entry) -> Issuer:
        """The entry as an issuer; refuses entries that are not an unlocked CA private key."""
        if entry.kind is not EntryKind.PRIVATE_KEY or not entry.chain:
            raise CertificateInputError(f"entry '{entry.alias}' is not a private key entry")
        if not is_ca_certificate(entry.chain[0]):
            raise CertificateInputError(
                f"entry '{entry.alias}' cannot issue certificates: its certificate is not a CA "
                "(no basic constraints CA flag, or no keyCertSign usage)"
            )
        return cls(issuer_key(entry.private_key), tuple(entry.chain), entry.alias)

    def check_can_issue(self, choices: ExtensionChoices) -> None:
        check_ca_can_issue(self.certificate, choices, self.alias)


def check_ca_can_issue(ca: Certificate, choices: ExtensionChoices, alias: str = "") -> None:
    """Refuse a CA certificate under ``ca`` that its path length constraint forbids."""
    parsed = ca.x509
    if parsed is None:
        raise CertificateInputError(f"the certificate of '{alias or ca.subject}' cannot be read")
    try:
        bc = parsed.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        raise CertificateInputError(f"'{alias or ca.subject}' is not a CA") from None
    path_length = bc.path_length
    if path_length is None or not choices.is_ca:
        return
    name = alias or ca.subject
    if path_length == 0:
        raise CertificateInputError(
            f"'{name}' has path length 0: it can sign end-entity certificates only, not a CA"
        )
    assert choices.basic_constraints is not None
    wanted = choices.basic_constraints.path_length
    if wanted is None or wanted >= path_length:
        raise CertificateInputError(
            f"'{name}' has path length {path_length}: a CA it signs needs a path length of "
            f"at most {path_length - 1}"
        )


def _key_identifier(public_key: CertificatePublicKeyTypes) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(public_key)


def _authority_key_identifier(
    issuer: Certificate | None, own_ski: bytes
) -> x509.AuthorityKeyIdentifier:
    if issuer is None or issuer.x509 is None:
        return x509.AuthorityKeyIdentifier(own_ski, None, None)
    try:
        ski = issuer.x509.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)
    except x509.ExtensionNotFound:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(
            _certificate_issuer_public_key(issuer)
        )


def _certificate_issuer_public_key(cert: Certificate) -> CertificateIssuerPublicKeyTypes:
    key = cert.public_key()
    if isinstance(
        key,
        rsa.RSAPublicKey
        | ec.EllipticCurvePublicKey
        | ed25519.Ed25519PublicKey
        | ed448.Ed448PublicKey
        | dsa.DSAPublicKey,
    ):
        return key
    raise CertificateInputError("the issuer's key cannot sign certificates")


def resolve_signature(
    signer: CertificateIssuerPrivateKeyTypes, sig: SignatureAlgorithm | None
) -> SignatureAlgorithm:
    spec = spec_of_key(signer)
    if sig is None:
        return default_signature_algorithm(spec)
    check_signature_algorithm(sig, spec)
    return sig


def build_certificate(
    *,
    subject: x509.Name,
    public_key: CertificatePublicKeyTypes,
    validity: Validity,
    extensions: Sequence[x509.Extension[x509.ExtensionType]],
    subject_key_identifier: bool = True,
    authority_key_identifier: bool = True,
    issuer: Issuer | None = None,
    self_key: CertificateIssuerPrivateKeyTypes | None = None,
    signature: SignatureAlgorithm | None = None,
) -> Certificate:
    """Sign a certificate for ``public_key``: by ``issuer``, or self-signed with ``self_key``."""
    if issuer is None and self_key is None:
        raise CertificateInputError("a self-signed certificate needs its own private key")
    signer = issuer.key if issuer is not None else self_key
    assert signer is not None
    sig = resolve_signature(signer, signature)
    issuer_name = issuer.certificate.subject_name if issuer is not None else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(random_serial())
        .not_valid_before(validity.not_before)
        .not_valid_after(validity.not_after)
    )
    skip = {ExtensionOID.SUBJECT_KEY_IDENTIFIER, ExtensionOID.AUTHORITY_KEY_IDENTIFIER}
    for ext in extensions:
        if ext.oid not in skip:
            builder = builder.add_extension(ext.value, ext.critical)
    ski = _key_identifier(public_key)
    if subject_key_identifier:
        builder = builder.add_extension(ski, critical=False)
    if authority_key_identifier:
        aki = _authority_key_identifier(
            issuer.certificate if issuer is not None else None, ski.digest
        )
        builder = builder.add_extension(aki, critical=False)
    try:
        cert = builder.sign(signer, sig.hash(), rsa_padding=sig.rsa_padding())
    except ValueError as exc:
        raise CertificateInputError(f"cannot build the certificate: {exc}") from None
    return Certificate.from_x509(cert)


@dataclass(frozen=True)
class NewCertificate:
    """What a new certificate needs apart from its key: the dialog's and the CLI's result."""

    subject: x509.Name
    validity: Validity
    extensions: ExtensionChoices
    signature: SignatureAlgorithm | None = None


def issue(
    request: NewCertificate,
    key: CertificateIssuerPrivateKeyTypes,
    issuer: Issuer | None = None,
) -> list[Certificate]:
    """The chain for ``key``: a self-signed certificate, or one signed by ``issuer`` + its chain."""
    validity = request.validity
    if issuer is not None:
        issuer.check_can_issue(request.extensions)
        validity = validity.within(issuer.certificate)
    cert = build_certificate(
        subject=request.subject,
        public_key=key.public_key(),
        validity=validity,
        extensions=request.extensions.request_extensions(),
        subject_key_identifier=request.extensions.subject_key_identifier,
        authority_key_identifier=request.extensions.authority_key_identifier,
        issuer=issuer,
        self_key=key,
        signature=request.signature,
    )
    return [cert, *(issuer.chain if issuer is not None else ())]


def alias_problem(alias: str) -> str | None:
    """Why ``alias`` cannot name a new entry in any keystore format, or ``None``."""
    if not alias.strip():
        return "an alias is needed"
    if alias != alias.strip():
        return "the alias starts or ends with a space"
    if any(ord(ch) > 0xFFFF for ch in alias):
        return "keystores cannot hold characters such as emoji in an alias"
    if any(ord(ch) < 0x20 for ch in alias):
        return "the alias has a control character"
    return None


def new_key_entry(
    alias: str,
    key: CertificateIssuerPrivateKeyTypes,
    chain: list[Certificate],
    key_password: str | None = None,
) -> Entry:
    return Entry(
        alias=alias,
        kind=EntryKind.PRIVATE_KEY,
        chain=chain,
        key=key,
        key_password=key_password,
        timestamp=dt.datetime.now(dt.UTC),
    )


def generate_key_entry(
    alias: str,
    spec: KeySpec,
    request: NewCertificate,
    issuer: Issuer | None = None,
    key_password: str | None = None,
) -> Entry:
    """A new key pair of ``spec`` with its certificate, self-signed or issued by ``issuer``, as a
    key entry: slow for RSA-4096 and DSA, so the window calls it off the GUI thread."""
    key = spec.generate()
    return new_key_entry(alias, key, issue(request, key, issuer), key_password)


def renew(entry: Entry, validity: Validity, issuer: Issuer | None = None) -> list[Certificate]:
    """A new chain for the entry's key: same subject and extensions, new validity and serial.

    A self-signed certificate is signed again by its own key; any other needs its ``issuer``.
    """
    key = issuer_key(entry.private_key)
    old = entry.certificate
    if old is None or old.x509 is None:
        raise CertificateInputError(f"entry '{entry.alias}' has no certificate to renew")
    self_signed = is_self_signed(old)
    if issuer is None and not self_signed:
        raise CertificateInputError(
            f"entry '{entry.alias}' was issued by {old.issuer}: choose that CA to renew it"
        )
    if issuer is not None and issuer.certificate.subject_name != old.issuer_name:
        raise CertificateInputError(
            f"entry '{entry.alias}' was issued by {old.issuer}, not by {issuer.certificate.subject}"
        )
    parsed = old.x509
    sig: SignatureAlgorithm | None = None
    try:
        same = signature_algorithm(_java_signature_name(parsed))
        check_signature_algorithm(same, spec_of_key(issuer.key if issuer else key))
        sig = same
    except KeystoreError:
        pass
    has = {e.oid for e in parsed.extensions}
    cert = build_certificate(
        subject=parsed.subject,
        public_key=key.public_key(),
        validity=validity.within(issuer.certificate) if issuer is not None else validity,
        extensions=list(parsed.extensions),
        subject_key_identifier=ExtensionOID.SUBJECT_KEY_IDENTIFIER in has,
        authority_key_identifier=ExtensionOID.AUTHORITY_KEY_IDENTIFIER in has,
        issuer=issuer,
        self_key=key,
        signature=sig,
    )
    return [cert, *(issuer.chain if issuer is not None else ())]


_SIGNATURE_NAMES = {
    SignatureAlgorithmOID.RSA_WITH_SHA256: "SHA256withRSA",
    SignatureAlgorithmOID.RSA_WITH_SHA384: "SHA384withRSA",
    SignatureAlgorithmOID.RSA_WITH_SHA512: "SHA512withRSA",
    SignatureAlgorithmOID.ECDSA_WITH_SHA256: "SHA256withECDSA",
    SignatureAlgorithmOID.ECDSA_WITH_SHA384: "SHA384withECDSA",
    SignatureAlgorithmOID.ECDSA_WITH_SHA512: "SHA512withECDSA",
    SignatureAlgorithmOID.ED25519: "Ed25519",
    SignatureAlgorithmOID.ED448: "Ed448",
    SignatureAlgorithmOID.DSA_WITH_SHA256: "SHA256withDSA",
}


def _java_signature_name(cert: x509.Certificate) -> str:
    """The signature algorithm of ``cert`` as :func:`signature_algorithm` names it."""
    oid = cert.signature_algorithm_oid
    if oid == SignatureAlgorithmOID.RSASSA_PSS and cert.signature_hash_algorithm is not None:
        return f"{cert.signature_hash_algorithm.name.upper()}withRSA/PSS"
    return _SIGNATURE_NAMES.get(oid, oid.dotted_string)
