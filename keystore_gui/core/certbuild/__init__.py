"""Building certificates, one module per job:

- :mod:`.names`: distinguished names and subject alternative names;
- :mod:`.extensions`: extensions and templates;
- :mod:`.validity`: validity periods;
- :mod:`.issuing`: the issuer, issuance, renewal, new key entries;
- :mod:`.requests`: CSRs;
- :mod:`.replies`: certificate files, CA replies, chain files.

Everything here is what both the Generate Key Pair dialog and ``keystore-cli genkey`` use; the
checks that refuse bad input (``C=Lanka``, ``dns:exa mple.com``, a non-CA issuer) return or raise
one-line reasons a user can act on. The names are re-exported here, so ``certbuild.X`` works.
"""

from ..chain import is_self_signed
from ..model import Certificate
from .extensions import (
    EXTENDED_KEY_USAGES,
    KEY_USAGES,
    TEMPLATE_LABELS,
    TEMPLATES,
    BasicConstraintsChoice,
    ExtensionChoices,
    eku_name,
    eku_oid,
    template,
)
from .issuing import (
    Issuer,
    NewCertificate,
    alias_problem,
    build_certificate,
    check_ca_can_issue,
    generate_key_entry,
    is_ca_certificate,
    issue,
    issuer_key,
    new_key_entry,
    random_serial,
    renew,
    resolve_signature,
)
from .names import (
    NAME_ATTRIBUTES,
    OID_PATTERN,
    SAN_KINDS,
    CertificateInputError,
    NameAttributeType,
    attribute_key,
    attribute_oid,
    check_attribute,
    format_dn,
    format_general_name,
    is_dns_name,
    name_as_san,
    name_from_pairs,
    name_pairs,
    parse_dn,
    parse_general_name,
    parse_oid,
)
from .replies import (
    encode_chain,
    import_ca_reply,
    order_chain,
    public_key_der,
    read_certificates,
)
from .requests import (
    build_csr,
    csr_choices,
    csr_for_entry,
    load_csr,
    sign_csr,
)
from .validity import (
    DEFAULT_PERIOD,
    PERIOD_UNITS,
    Validity,
    add_period,
)

__all__ = [
    "DEFAULT_PERIOD",
    "EXTENDED_KEY_USAGES",
    "KEY_USAGES",
    "NAME_ATTRIBUTES",
    "OID_PATTERN",
    "PERIOD_UNITS",
    "SAN_KINDS",
    "TEMPLATES",
    "TEMPLATE_LABELS",
    "BasicConstraintsChoice",
    "Certificate",
    "CertificateInputError",
    "ExtensionChoices",
    "Issuer",
    "NameAttributeType",
    "NewCertificate",
    "Validity",
    "add_period",
    "alias_problem",
    "attribute_key",
    "attribute_oid",
    "build_certificate",
    "build_csr",
    "check_attribute",
    "check_ca_can_issue",
    "csr_choices",
    "csr_for_entry",
    "eku_name",
    "eku_oid",
    "encode_chain",
    "format_dn",
    "format_general_name",
    "generate_key_entry",
    "import_ca_reply",
    "is_ca_certificate",
    "is_dns_name",
    "is_self_signed",
    "issue",
    "issuer_key",
    "load_csr",
    "name_as_san",
    "name_from_pairs",
    "name_pairs",
    "new_key_entry",
    "order_chain",
    "parse_dn",
    "parse_general_name",
    "parse_oid",
    "public_key_der",
    "random_serial",
    "read_certificates",
    "renew",
    "resolve_signature",
    "sign_csr",
    "template",
]
