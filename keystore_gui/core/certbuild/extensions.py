"""Extensions a new certificate can carry (key usage, extended key usage, basic constraints,
SANs) and the templates that fill them in."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography import x509
from cryptography.x509.oid import (
    ExtendedKeyUsageOID,
    ObjectIdentifier,
)

from ..keygen import (
    KeyAlgorithm,
)
from .names import (
    OID_PATTERN,
    CertificateInputError,
    format_general_name,
    name_as_san,
    parse_general_name,
    parse_oid,
)

KEY_USAGES = (
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
)
_KU_ARGS = {
    "digitalSignature": "digital_signature",
    "nonRepudiation": "content_commitment",
    "keyEncipherment": "key_encipherment",
    "dataEncipherment": "data_encipherment",
    "keyAgreement": "key_agreement",
    "keyCertSign": "key_cert_sign",
    "cRLSign": "crl_sign",
    "encipherOnly": "encipher_only",
    "decipherOnly": "decipher_only",
}

EXTENDED_KEY_USAGES: dict[str, ObjectIdentifier] = {
    "serverAuth": ExtendedKeyUsageOID.SERVER_AUTH,
    "clientAuth": ExtendedKeyUsageOID.CLIENT_AUTH,
    "codeSigning": ExtendedKeyUsageOID.CODE_SIGNING,
    "emailProtection": ExtendedKeyUsageOID.EMAIL_PROTECTION,
    "timeStamping": ExtendedKeyUsageOID.TIME_STAMPING,
    "OCSPSigning": ExtendedKeyUsageOID.OCSP_SIGNING,
}
_EKU_NAMES = {oid: name for name, oid in EXTENDED_KEY_USAGES.items()}


def eku_oid(name: str) -> ObjectIdentifier:
    text = name.strip()
    for known, oid in EXTENDED_KEY_USAGES.items():
        if known.lower() == text.lower():
            return oid
    if OID_PATTERN.match(text):
        return parse_oid(text)
    known_names = ", ".join(EXTENDED_KEY_USAGES)
    raise CertificateInputError(
        f"unknown extended key usage '{text}' (use {known_names} or an OID)"
    )


def eku_name(oid: ObjectIdentifier) -> str:
    return _EKU_NAMES.get(oid, oid.dotted_string)


@dataclass(frozen=True)
class BasicConstraintsChoice:
    ca: bool
    path_length: int | None = None


@dataclass
class ExtensionChoices:
    """The extensions a new certificate or CSR gets, each with its critical flag.

    ``None`` (or an empty SAN list) leaves an extension out.
    """

    subject_alt_names: list[str] = field(default_factory=list)
    san_critical: bool = False
    key_usage: frozenset[str] | None = None
    key_usage_critical: bool = True
    extended_key_usage: tuple[str, ...] | None = None
    extended_key_usage_critical: bool = False
    basic_constraints: BasicConstraintsChoice | None = None
    basic_constraints_critical: bool = True
    subject_key_identifier: bool = True
    authority_key_identifier: bool = True

    def problems_by_part(self) -> dict[str, list[str]]:
        """Reasons these choices cannot go into a certificate, keyed by the part they concern:
        ``san``, ``key_usage``, ``extended_key_usage`` and ``basic_constraints``."""
        san: list[str] = []
        for text in self.subject_alt_names:
            try:
                parse_general_name(text)
            except CertificateInputError as exc:
                san.append(str(exc))
        if self.san_critical and not self.subject_alt_names:
            san.append("the subject alternative names are marked critical but empty")
        ku: list[str] = []
        if self.key_usage is not None:
            unknown = sorted(self.key_usage - set(KEY_USAGES))
            if unknown:
                ku.append(f"unknown key usage {', '.join(unknown)}")
            elif not self.key_usage:
                ku.append("key usage is on but no usage is ticked")
            elif {"encipherOnly", "decipherOnly"} & self.key_usage and (
                "keyAgreement" not in self.key_usage
            ):
                ku.append("encipherOnly and decipherOnly need keyAgreement")
            if self.is_ca and self.key_usage and "keyCertSign" not in self.key_usage:
                ku.append("a CA certificate needs the keyCertSign key usage")
        eku: list[str] = []
        if self.extended_key_usage is not None:
            if not self.extended_key_usage:
                eku.append("extended key usage is on but empty")
            for name in self.extended_key_usage:
                try:
                    eku_oid(name)
                except CertificateInputError as exc:
                    eku.append(str(exc))
        bc_problems: list[str] = []
        bc = self.basic_constraints
        if bc is not None and bc.path_length is not None:
            if not bc.ca:
                bc_problems.append("a path length needs the CA flag")
            elif bc.path_length < 0:
                bc_problems.append("the path length cannot be negative")
        return {
            "san": san,
            "key_usage": ku,
            "extended_key_usage": eku,
            "basic_constraints": bc_problems,
        }

    def problems(self) -> list[str]:
        """Every reason these choices cannot go into a certificate; empty when they can."""
        return [p for part in self.problems_by_part().values() for p in part]

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise CertificateInputError(problems[0])

    @property
    def is_ca(self) -> bool:
        return self.basic_constraints is not None and self.basic_constraints.ca

    def request_extensions(self) -> list[x509.Extension[x509.ExtensionType]]:
        """The extensions that go into a CSR (or certificate) apart from SKI and AKI."""
        self.check()
        result: list[x509.Extension[x509.ExtensionType]] = []

        def add(value: x509.ExtensionType, critical: bool) -> None:
            result.append(x509.Extension(value.oid, critical, value))

        if self.basic_constraints is not None:
            bc = self.basic_constraints
            add(
                x509.BasicConstraints(bc.ca, bc.path_length if bc.ca else None),
                self.basic_constraints_critical,
            )
        if self.key_usage is not None:
            flags = {arg: name in self.key_usage for name, arg in _KU_ARGS.items()}
            add(x509.KeyUsage(**flags), self.key_usage_critical)
        if self.extended_key_usage is not None:
            add(
                x509.ExtendedKeyUsage([eku_oid(n) for n in self.extended_key_usage]),
                self.extended_key_usage_critical,
            )
        if self.subject_alt_names:
            names = [parse_general_name(s) for s in self.subject_alt_names]
            add(x509.SubjectAlternativeName(names), self.san_critical)
        return result

    @classmethod
    def from_extensions(cls, extensions: x509.Extensions) -> ExtensionChoices:
        """What a certificate or CSR carries, as choices (unknown extensions are left out)."""
        choices = cls(subject_key_identifier=False, authority_key_identifier=False)
        for ext in extensions:
            value = ext.value
            if isinstance(value, x509.SubjectAlternativeName):
                choices.subject_alt_names = [format_general_name(n) for n in value]
                choices.san_critical = ext.critical
            elif isinstance(value, x509.KeyUsage):
                choices.key_usage = frozenset(_key_usage_names(value))
                choices.key_usage_critical = ext.critical
            elif isinstance(value, x509.ExtendedKeyUsage):
                choices.extended_key_usage = tuple(eku_name(o) for o in value)
                choices.extended_key_usage_critical = ext.critical
            elif isinstance(value, x509.BasicConstraints):
                choices.basic_constraints = BasicConstraintsChoice(value.ca, value.path_length)
                choices.basic_constraints_critical = ext.critical
            elif isinstance(value, x509.SubjectKeyIdentifier):
                choices.subject_key_identifier = True
            elif isinstance(value, x509.AuthorityKeyIdentifier):
                choices.authority_key_identifier = True
        return choices


def _key_usage_names(value: x509.KeyUsage) -> list[str]:
    names = []
    for name, arg in _KU_ARGS.items():
        if arg in ("encipher_only", "decipher_only") and not value.key_agreement:
            continue
        if getattr(value, arg):
            names.append(name)
    return names


TEMPLATES = ("tls-server", "tls-client", "ca", "code-signing")
TEMPLATE_LABELS = {
    "tls-server": "TLS server",
    "tls-client": "TLS client",
    "ca": "CA",
    "code-signing": "Code signing",
}


def template(
    name: str, key_algorithm: KeyAlgorithm = KeyAlgorithm.EC, common_name: str | None = None
) -> ExtensionChoices:
    """The extensions of a ready template; ``common_name`` is offered as the first SAN."""
    if name not in TEMPLATES:
        raise CertificateInputError(f"unknown template '{name}' (choose {', '.join(TEMPLATES)})")
    leaf_usage = {"digitalSignature"}
    if key_algorithm is KeyAlgorithm.RSA:
        leaf_usage.add("keyEncipherment")
    sans = []
    if name in ("tls-server", "tls-client") and common_name:
        offered = name_as_san(common_name)
        if offered is not None and (name == "tls-server" or offered.startswith("dns:")):
            sans.append(offered)
    if name == "tls-server":
        return ExtensionChoices(
            subject_alt_names=sans,
            key_usage=frozenset(leaf_usage),
            extended_key_usage=("serverAuth",),
        )
    if name == "tls-client":
        return ExtensionChoices(
            subject_alt_names=sans,
            key_usage=frozenset({"digitalSignature"}),
            extended_key_usage=("clientAuth",),
        )
    if name == "code-signing":
        return ExtensionChoices(
            key_usage=frozenset({"digitalSignature"}),
            extended_key_usage=("codeSigning",),
        )
    return ExtensionChoices(
        key_usage=frozenset({"digitalSignature", "keyCertSign", "cRLSign"}),
        basic_constraints=BasicConstraintsChoice(ca=True),
    )
