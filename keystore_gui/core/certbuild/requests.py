"""Certificate signing requests: made for a key entry, read, and signed by a CA entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
)
from cryptography.x509.oid import (
    ExtensionOID,
)

from ..keygen import (
    SignatureAlgorithm,
)
from ..model import Certificate, Entry
from .extensions import ExtensionChoices
from .issuing import Issuer, build_certificate, issuer_key, resolve_signature
from .names import CertificateInputError
from .validity import Validity


def build_csr(
    key: CertificateIssuerPrivateKeyTypes,
    subject: x509.Name,
    extensions: Sequence[x509.Extension[x509.ExtensionType]] = (),
    signature: SignatureAlgorithm | None = None,
) -> x509.CertificateSigningRequest:
    sig = resolve_signature(key, signature)
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    for ext in extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    try:
        return builder.sign(key, sig.hash(), rsa_padding=sig.rsa_padding())
    except ValueError as exc:
        raise CertificateInputError(f"cannot build the request: {exc}") from None


_CSR_EXTENSIONS = {
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
    ExtensionOID.KEY_USAGE,
    ExtensionOID.EXTENDED_KEY_USAGE,
    ExtensionOID.BASIC_CONSTRAINTS,
}


def csr_for_entry(entry: Entry, signature: SignatureAlgorithm | None = None) -> bytes:
    """A PEM PKCS#10 request for a private-key entry: its subject, SANs and usages."""
    key = issuer_key(entry.private_key)
    cert = entry.certificate
    if cert is None or cert.x509 is None:
        raise CertificateInputError(f"entry '{entry.alias}' has no certificate to take a name from")
    extensions = [e for e in cert.x509.extensions if e.oid in _CSR_EXTENSIONS]
    csr = build_csr(key, cert.x509.subject, extensions, signature)
    return csr.public_bytes(serialization.Encoding.PEM)


def load_csr(data: bytes) -> x509.CertificateSigningRequest:
    """A PKCS#10 request from PEM or DER, its self-signature checked."""
    try:
        if b"-----BEGIN" in data:
            csr = x509.load_pem_x509_csr(data)
        else:
            csr = x509.load_der_x509_csr(data)
    except ValueError:
        raise CertificateInputError("not a PKCS#10 certificate request (PEM or DER)") from None
    try:
        valid = csr.is_signature_valid
    except Exception:  # an unsupported key or algorithm
        valid = False
    if not valid:
        raise CertificateInputError("the request's signature does not verify")
    return csr


def csr_choices(csr: x509.CertificateSigningRequest) -> ExtensionChoices:
    """The extensions a request asks for, as editable choices (SKI and AKI added)."""
    choices = ExtensionChoices.from_extensions(csr.extensions)
    return replace(choices, subject_key_identifier=True, authority_key_identifier=True)


def sign_csr(
    csr: x509.CertificateSigningRequest,
    issuer: Issuer,
    validity: Validity,
    choices: ExtensionChoices | None = None,
    signature: SignatureAlgorithm | None = None,
) -> list[Certificate]:
    """Sign a request with a CA; the chain returned is the new certificate + the CA's chain."""
    wanted = choices if choices is not None else csr_choices(csr)
    issuer.check_can_issue(wanted)
    cert = build_certificate(
        subject=csr.subject,
        public_key=csr.public_key(),
        validity=validity.within(issuer.certificate),
        extensions=wanted.request_extensions(),
        subject_key_identifier=wanted.subject_key_identifier,
        authority_key_identifier=wanted.authority_key_identifier,
        issuer=issuer,
        signature=signature,
    )
    return [cert, *issuer.chain]
