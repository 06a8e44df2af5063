"""``cryptography``'s path-validation errors in plain words, certificates named by their DN.

Its messages end in a Python repr (``(encountered processing <Certificate(subject=<Name(CN=a)>,
...)>)``) and use RFC shorthand ("required EKU not found"); what the user reads is neither.
"""

from __future__ import annotations

import re

_CONCERNING = re.compile(
    r"\s*\(encountered processing <Certificate\(subject=<Name\((?P<dn>.*?)\)>.*?\)>\)"
)
_REPR = re.compile(r"<(?:Certificate|Name)\((?:subject=<Name\()?(?P<dn>[^()<>]*)[^>]*>+")

_PLAIN = (
    ("required EKU not found", "its extended key usage does not allow {purpose}"),
    ("cert is not valid at validation time", "expired or not yet valid at the time checked"),
    (
        "certificate is not yet valid or the system clock is incorrect",
        "not valid yet, or the clock of this machine is wrong",
    ),
    ("CA cert does not include key usage extension", "a CA certificate without key usage"),
    ("basicConstraints.cA must be asserted in a CA certificate", "an issuer that is not a CA"),
    ("path length constraint violated", "a CA's path length limit is exceeded"),
    ("EE certificate key too weak", "the certificate's key is too weak"),
    ("CA certificate key too weak", "a CA's key is too weak"),
    ("candidates exhausted: ", "no path to a trusted root: "),
)


def plain_words(message: str, purpose: str) -> str:
    """``message`` of a ``VerificationError`` as a user reads it; ``purpose`` is e.g. "TLS
    server" (what an extended key usage failed to allow)."""
    text = message.removeprefix("validation failed: ")
    concerned = _CONCERNING.search(text)
    text = _CONCERNING.sub("", text)
    for phrase, plain in _PLAIN:
        text = text.replace(phrase, plain.format(purpose=purpose))
    text = _REPR.sub(lambda m: f"'{m.group('dn')}'", text)
    if concerned is not None:
        text += f" (certificate '{concerned.group('dn')}')"
    return text
