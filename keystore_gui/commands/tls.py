"""``keystore-cli examine`` and ``keystore-cli trust``: why a Java client refuses a TLS server
("PKIX path building failed"), and the smallest truststore change that fixes it.

Both commands share their connection options, so they live in one module.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core.chain import Severity, source_from_store
from ..core.io import save_keystore, write_output_file
from ..core.model import Certificate, EntryKind, Keystore
from ..core.quickview import summary
from ..core.safefile import check_destination
from ..core.tls import (
    DEFAULT_TIMEOUT,
    ClientIdentity,
    Handshake,
    Proxy,
    connect,
    parse_proxy,
    parse_target,
    proxy_from_environment,
)
from ..core.tlsdiag import Diagnosis, What, diagnose, sent_chain_pem
from ..core.trustsources import truststore_label
from ..core.truststore import Candidate, CopyPlan, apply_plan, plan_copy
from ..core.truststore import sanitise_alias as alias_for
from .common import (
    CliError,
    add_ca_bundle_options,
    add_intermediates_options,
    add_key_password_options,
    add_password_options,
    add_truststore_options,
    ca_bundle_sources,
    intermediates_sources,
    key_password,
    locked,
    open_or_create_target,
    open_store,
    print_json,
    truststore_sources,
)

EXIT_ACCEPTED = 0
EXIT_NOT_TRUSTED = 3


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    examine = sub.add_parser(
        "examine",
        help="connect to a TLS server and say why Java would refuse it",
        description="Connect to HOST[:PORT] (default 443), record the certificates the server "
        "sends, judge them against the truststores as Java does, and name every problem with "
        "advice and the smallest truststore fix. Exit status: 0 when a Java client would "
        "accept the server (trusted chain, matching hostname), 3 when not, 1 on errors.",
    )
    _add_connection_options(examine)
    add_truststore_options(examine, "a truststore whose certificates are trusted (repeatable)")
    add_ca_bundle_options(examine)
    examine.add_argument(
        "--save-chain",
        metavar="FILE.pem",
        help="write the certificates the server sent, as sent, to FILE.pem",
    )
    examine.add_argument(
        "--overwrite", action="store_true", help="let --save-chain replace an existing file"
    )
    examine.add_argument("--json", action="store_true", help="print the result as JSON")
    examine.set_defaults(run=run_examine)

    trust = sub.add_parser(
        "trust",
        help="add what a TLS server needs to a truststore, then judge it again",
        description="Examine HOST[:PORT] like 'examine', add the certificate(s) that make its "
        "chain trusted to the truststore (created when missing), and judge again. Exit "
        "status: 0 when a Java client would now accept the server, 3 when not (for example "
        "when the server must send its intermediate certificate), 1 on errors.",
    )
    _add_connection_options(trust)
    trust.add_argument(
        "--truststore", required=True, metavar="FILE", help="the truststore to add to"
    )
    add_password_options(trust, "truststore-", "truststore")
    trust.add_argument(
        "--what",
        choices=[w.value for w in What],
        default=What.SUGGESTED.value,
        help="suggested: the fix examine suggests (default); root: the root CA (or the topmost "
        "CA when the root is nowhere); server: the server's own certificate; chain: every "
        "certificate of the path not yet trusted, intermediates found in --intermediates included",
    )
    trust.add_argument(
        "--alias", help="alias for the certificate added (default: from its common name)"
    )
    trust.add_argument(
        "--dry-run", action="store_true", help="say what would be added; write nothing"
    )
    trust.add_argument("--json", action="store_true", help="print the result as JSON")
    trust.set_defaults(run=run_trust)


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of seconds (0 < S ≤ 3600)")
    return seconds


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target", metavar="HOST[:PORT]", help="the server: host:port, [::1]:8443 (port 443 if none)"
    )
    parser.add_argument(
        "--servername", metavar="NAME", help="the name to send (SNI) and check (default: HOST)"
    )
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds for connecting and the handshake (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--proxy",
        metavar="HOST:PORT",
        help="an HTTP proxy (CONNECT); default: https_proxy unless no_proxy covers HOST",
    )
    add_intermediates_options(
        parser,
        "certificates that may name a CA the server did not send; never trusted (repeatable)",
    )
    parser.add_argument(
        "--client-keystore", metavar="FILE", help="a keystore with a key pair for mutual TLS"
    )
    parser.add_argument("--client-alias", metavar="A", help="the key pair entry to use")
    add_password_options(parser, "client-", "client keystore")
    add_key_password_options(parser, "client-key-", "the client key's")


# --- connecting ---------------------------------------------------------------------------------


def _client(args: argparse.Namespace) -> ClientIdentity | None:
    if not args.client_keystore:
        if args.client_alias:
            raise CliError("--client-alias needs --client-keystore")
        return None
    store = open_store(args, args.client_keystore, "client-", "the client keystore")
    if not args.client_alias:
        keys = [e for e in store.entries if e.kind is EntryKind.PRIVATE_KEY]
        if len(keys) != 1:
            raise CliError(
                f"{args.client_keystore} holds {len(keys)} key pairs: give --client-alias"
            )
        entry = keys[0]
    else:
        entry = store.get(args.client_alias)
    store.unlock(entry, key_password(args, "client-key-"))
    return ClientIdentity.from_entry(entry)


def _handshake(args: argparse.Namespace) -> Handshake:
    target = parse_target(args.target)
    proxy: Proxy | None = parse_proxy(args.proxy) if args.proxy else proxy_from_environment(target)
    return connect(
        target,
        servername=args.servername,
        timeout=args.timeout,
        proxy=proxy,
        client=_client(args),
    )


# --- reporting ----------------------------------------------------------------------------------


def _problem_json(diagnosis: Diagnosis) -> list[dict[str, Any]]:
    return [
        {
            "code": f.code.value,
            "severity": "error" if f.severity is Severity.ERROR else "warning",
            "message": f.message,
            "advice": f.advice,
            "sha256": f.certificate.sha256 if f.certificate is not None else None,
        }
        for f in diagnosis.findings
    ]


def examine_json(diagnosis: Diagnosis) -> dict[str, Any]:
    shake = diagnosis.handshake
    return {
        "host": shake.target.host,
        "port": shake.target.port,
        "servername": shake.servername,
        "protocol": shake.protocol,
        "cipher": shake.cipher,
        "sent": [summary(c) for c in shake.sent],
        "trusted": diagnosis.trusted,
        "hostname_ok": diagnosis.hostname.ok,
        "problems": _problem_json(diagnosis),
        "fix": {
            "add": [c.sha256 for c in diagnosis.fix.add],
            "reason": diagnosis.fix.reason,
        },
    }


def _sent_lines(diagnosis: Diagnosis) -> list[str]:
    lines = ["Sent by the server, in its order:"]
    for index, cert in enumerate(diagnosis.handshake.sent):
        fields = summary(cert)
        lines.append(f"  {index}  {fields['subject']}")
        lines.append(f"       issuer  {fields['issuer']}")
        lines.append(f"       expires {fields['not_after'][:10]}  SHA-256 {fields['sha256']}")
    return lines


def _path_lines(diagnosis: Diagnosis) -> list[str]:
    lines = ["Path, leaf first:"]
    for depth, link in enumerate(diagnosis.path):
        mark = {Severity.OK: "ok", Severity.WARNING: "warn", Severity.ERROR: "FAIL"}[link.severity]
        where = link.source
        if not link.anchor and not diagnosis.was_sent(link.certificate):
            where += " (not sent by the server)"
            mark = "FAIL"
        lines.append(f"  {depth}  [{mark}] {link.certificate.subject}")
        lines.append(f"        from {where}" + (f"; {link.reason}" if link.reason else ""))
    return lines


def print_examination(diagnosis: Diagnosis) -> None:
    shake = diagnosis.handshake
    head = str(shake.target)
    if shake.servername and shake.servername != shake.target.host:
        head += f" (SNI {shake.servername})"
    if shake.proxy is not None:
        head += f" via proxy {shake.proxy}"
    lines = [f"{head}: {shake.protocol}, {shake.cipher}"]
    if shake.client_certificate_requested:
        sent = "sent" if shake.client_certificate_sent else "none sent"
        names = "; ".join(shake.client_ca_names) or "any CA"
        lines.append(f"The server asked for a client certificate ({sent}), issued by: {names}")
    lines += ["", *_sent_lines(diagnosis), "", *_path_lines(diagnosis), ""]
    check = diagnosis.hostname
    covered = ", ".join(check.covered) or "no name"
    how = " (from the subject CN: the certificate has no DNS name)" if check.by_common_name else ""
    verb = "matches" if check.ok else "does NOT match"
    lines.append(f"Hostname '{check.name}' {verb} the certificate's names: {covered}{how}")
    if diagnosis.accepted:
        lines.append("TRUSTED: a Java client with these truststores accepts this server")
    else:
        lines.append("NOT TRUSTED: a Java client with these truststores refuses this server")
    for f in diagnosis.findings:
        label = "error" if f.severity is Severity.ERROR else "warning"
        lines.append(f"  {label:7}  {f.code}: {f.message}")
        lines.append(f"           → {f.advice}")
    fix = diagnosis.fix
    if fix.add:
        lines.append(f"Fix: {fix.reason} (keystore-cli trust {shake.target} --truststore FILE)")
    elif not diagnosis.accepted:
        lines.append(f"Fix: {fix.reason}")
    sys.stdout.write("\n".join(lines) + "\n")


def run_examine(args: argparse.Namespace) -> int:
    reading = list(args.truststore)
    if args.save_chain:
        check_destination(
            args.save_chain, overwrite=args.overwrite, reading=reading, keystore=False
        )
    trusted = [*truststore_sources(args), *ca_bundle_sources(args)]
    helpers = intermediates_sources(args)
    diagnosis = diagnose(_handshake(args), trusted, helpers)
    if args.save_chain:
        write_output_file(
            args.save_chain,
            sent_chain_pem(diagnosis.handshake.sent),
            overwrite=args.overwrite,
            reading=reading,
        )
    if args.json:
        print_json(examine_json(diagnosis))
    else:
        print_examination(diagnosis)
        if args.save_chain:
            print(
                f"wrote the {len(diagnosis.handshake.sent)} sent certificate(s) to {args.save_chain}"
            )
    return EXIT_ACCEPTED if diagnosis.accepted else EXIT_NOT_TRUSTED


# --- trust --------------------------------------------------------------------------------------


def _origin(diagnosis: Diagnosis, cert: Certificate) -> str:
    if diagnosis.was_sent(cert):
        return f"sent by {diagnosis.handshake.target}"
    for link in diagnosis.path:
        if link.certificate.sha256 == cert.sha256:
            return link.source
    return "the path"


def _plan(
    diagnosis: Diagnosis, certs: list[Certificate], target: Keystore, alias: str | None
) -> CopyPlan:
    if alias is not None and len(certs) != 1:
        raise CliError(f"--alias names one certificate, but {len(certs)} are to be added")
    candidates = [
        Candidate(c, alias or alias_for(c.common_name()), _origin(diagnosis, c)) for c in certs
    ]
    plan = plan_copy(candidates, target)
    plan.check()
    return plan


def _nothing_to_add(diagnosis: Diagnosis, what: What) -> str:
    if diagnosis.trusted:
        return "nothing to add: the truststore already trusts this server's chain"
    if what is What.SUGGESTED:
        hint = " (--what chain does that)" if diagnosis.fix.workaround else ""
        return f"nothing added: {diagnosis.fix.reason}{hint}"
    return f"nothing added: --what {what} finds no certificate that is not already trusted"


def run_trust(args: argparse.Namespace) -> int:
    handshake = _handshake(args)
    helpers = intermediates_sources(args)
    path = args.truststore
    with locked(path) as read:
        target, created = open_or_create_target(args, path, None, "truststore-")
        label = truststore_label(path)
        before = diagnose(handshake, [source_from_store(target, label, trusted=True)], helpers)
        what = What(args.what)
        certs = before.to_add(what)
        plan = _plan(before, certs, target, args.alias) if certs else CopyPlan([])
        if plan.writes:
            apply_plan(plan, target)
            if not args.dry_run:
                save_keystore(target, path, expect=read)
        after = diagnose(handshake, [source_from_store(target, label, trusted=True)], helpers)
    if args.json:
        result = examine_json(after)
        result["truststore"] = {
            "file": path,
            "created": created and bool(plan.writes) and not args.dry_run,
            "dry_run": args.dry_run,
            "certificates": [
                {
                    "action": s.action.value,
                    "alias": s.alias,
                    "subject": s.candidate.cert.subject,
                    "sha256": s.candidate.cert.sha256,
                    "from": s.candidate.origin,
                }
                for s in plan.steps
            ],
        }
        print_json(result)
    else:
        _print_trust(args, plan, before, after, what, created)
    return EXIT_ACCEPTED if after.accepted else EXIT_NOT_TRUSTED


def _print_trust(
    args: argparse.Namespace,
    plan: CopyPlan,
    before: Diagnosis,
    after: Diagnosis,
    what: What,
    created: bool,
) -> None:
    out = sys.stdout
    for step in plan.steps:
        text = step.description if args.dry_run else step.outcome
        out.write(f"{step.candidate.origin}: {step.candidate.cert.subject}: {text}\n")
    if not plan.steps:
        out.write(_nothing_to_add(before, what) + "\n")
    elif plan.writes and args.dry_run:
        out.write(f"dry run: {args.truststore} not written\n")
    elif plan.writes:
        verb = "created" if created else "updated"
        out.write(f"{verb} {args.truststore}: {len(plan.writes)} certificate(s) written\n")
    verdict = "now TRUSTED" if after.accepted else "still NOT TRUSTED"
    if args.dry_run:
        verdict = "would be TRUSTED" if after.accepted else "would still be NOT TRUSTED"
    out.write(f"{after.handshake.target}: {verdict}\n")
    for f in after.findings:
        label = "error" if f.severity is Severity.ERROR else "warning"
        out.write(f"  {label:7}  {f.code}: {f.message}\n           → {f.advice}\n")
