"""Signed checkpoints of the audit log's hash chains, kept outside the database (as CloudTrail's digest files).

The hash chain alone (core/audit_chain.py) proves nothing against whoever can write the table (a database
superuser): they can delete the newest rows, or rewrite a row and recompute every hash after it. A checkpoint
records one chain's head: its sequence number (the head's position in the chain, 1 for the first event, which is
also the chain's event count), event id and hash, the time, and the digest of the chain's previous checkpoint,
so checkpoints chain too. It is signed with HMAC-SHA256 under ``KEEL_AUDIT_SIGNING_KEY`` (not in the database)
and written to the artifact storage as ``audit-checkpoints/<project slug>/<checkpoint number>.json`` (events
without a project: ``@no-project``, which no slug can be). The beat task ``core.audit_checkpoint`` writes one for
each chain that grew, and never signs a chain that no longer continues its last checkpoint.

``verify_audit`` checks every row's links and compares the rows with the chain's valid checkpoints, which
reveals truncation, deleted newest rows and rewritten rows even when the hashes were recomputed.

Written here because no maintained library signs a hash chain's head into object storage; the signing is the
standard library's ``hmac``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from core.audit_chain import HASHED_FIELDS, event_hash
from core.models import AuditEvent
from core.storage import artifact_storage

logger = logging.getLogger(__name__)

PREFIX = "audit-checkpoints"
NO_PROJECT = "@no-project"
VERSION = 1
_NAME = re.compile(r"^(\d{10})\.json$")


def chain_label(chain: str) -> str:
    return f"project '{chain}'" if chain else "events without a project"


def _span(first: int, last: int) -> str:
    return f"sequence {first}" if first == last else f"sequences {first}-{last}"


def chain_folder(chain: str) -> str:
    return f"{PREFIX}/{chain or NO_PROJECT}"


def checkpoint_key(chain: str, number: int) -> str:
    return f"{chain_folder(chain)}/{number:010d}.json"


def _canonical(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(body: Mapping[str, Any], *, key: str | None = None) -> str:
    """HMAC-SHA256 of the checkpoint's fields (all but ``signature``) under the audit signing key."""
    unsigned = {name: value for name, value in body.items() if name != "signature"}
    secret = (key if key is not None else settings.AUDIT_SIGNING_KEY).encode()
    return hmac.new(secret, _canonical(unsigned), hashlib.sha256).hexdigest()


def digest(document: Mapping[str, Any]) -> str:
    """sha256 of a signed checkpoint (signature included): what the next checkpoint names as its predecessor."""
    return hashlib.sha256(_canonical(document)).hexdigest()


def checkpoint_body(
    *,
    chain: str,
    number: int,
    sequence: int,
    event_id: int,
    head_hash: str,
    previous_digest: str,
    acknowledged: str = "",
) -> dict[str, Any]:
    return {
        "version": VERSION,
        "chain": chain,
        "number": number,
        "sequence": sequence,
        "events": sequence,
        "event_id": event_id,
        "head_hash": head_hash,
        "created_at": timezone.now().isoformat(timespec="microseconds"),
        "previous_digest": previous_digest,
        "acknowledged": acknowledged,
    }


@dataclass(frozen=True)
class Checkpoint:
    chain: str
    number: int
    sequence: int
    event_id: int
    head_hash: str
    created_at: str
    acknowledged: str
    previous_digest: str
    digest: str

    @property
    def key(self) -> str:
        return checkpoint_key(self.chain, self.number)


def _stored_numbers(chain: str) -> list[int]:
    storage = artifact_storage()
    try:
        _, files = storage.listdir(chain_folder(chain))
    except FileNotFoundError:
        return []
    return sorted(int(match.group(1)) for name in files if (match := _NAME.match(name)))


def _checkpoint_read(chain: str, number: int) -> Checkpoint | str:
    """Checkpoint ``number`` of the chain, checked for form and signature, or what is wrong with it."""
    key = checkpoint_key(chain, number)
    try:
        with artifact_storage().open(key) as handle:
            document = json.loads(handle.read())
        if not isinstance(document, dict) or document.get("version") != VERSION:
            raise ValueError("not a version 1 checkpoint")
        if not hmac.compare_digest(str(document["signature"]), sign(document)):
            return f"checkpoint {number} ({key}) has a bad signature (not signed with KEEL_AUDIT_SIGNING_KEY)"
        checkpoint = Checkpoint(
            chain=str(document["chain"]),
            number=int(document["number"]),
            sequence=int(document["sequence"]),
            event_id=int(document["event_id"]),
            head_hash=str(document["head_hash"]),
            created_at=str(document["created_at"]),
            acknowledged=str(document.get("acknowledged") or ""),
            previous_digest=str(document["previous_digest"]),
            digest=digest(document),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"checkpoint {number} ({key}) is unreadable: {exc!r}"
    if (checkpoint.chain, checkpoint.number) != (chain, number):
        return f"checkpoint {number} ({key}) names another chain or number"
    return checkpoint


def checkpoints_load(chain: str) -> tuple[list[Checkpoint], list[str]]:
    """The chain's checkpoints that are valid, in order, and what stops the rest from counting.

    Valid means: numbered 1, 2, ... without a gap, readable, signed under the key, naming this chain and its
    number, and naming the previous one's digest. The first that is not ends the valid ones.
    """
    numbers = _stored_numbers(chain)
    valid: list[Checkpoint] = []
    for number in range(1, (numbers[-1] if numbers else 0) + 1):
        if number not in numbers:
            return valid, [f"checkpoint {number} is missing ({checkpoint_key(chain, number)})"]
        checkpoint = _checkpoint_read(chain, number)
        if isinstance(checkpoint, str):
            return valid, [checkpoint]
        if checkpoint.previous_digest != (valid[-1].digest if valid else ""):
            return valid, [f"checkpoint {number} ({checkpoint.key}) does not follow checkpoint {number - 1}"]
        if valid and checkpoint.sequence < valid[-1].sequence and not checkpoint.acknowledged:
            return valid, [f"checkpoint {number} ({checkpoint.key}) goes back to sequence {checkpoint.sequence}"]
        valid.append(checkpoint)
    return valid, []


def _rows(chain: str, **filters: Any) -> Iterable[dict[str, Any]]:
    rows = AuditEvent.objects.filter(project_slug=chain, **filters).order_by("id")
    return rows.values("id", "prev_hash", "hash", *HASHED_FIELDS).iterator(chunk_size=2000)


def _link_error(row: Mapping[str, Any], previous: str) -> str:
    if row["prev_hash"] != previous:
        return "prev_hash does not match the previous event's hash"
    if row["hash"] != event_hash(row, row["prev_hash"]):
        return "hash does not match the event's content"
    return ""


@dataclass
class ChainReport:
    chain: str
    events: int = 0
    checkpoint: Checkpoint | None = None
    findings: list[str] = field(default_factory=list)


def _missing(label: str, sequence: int, last: Checkpoint) -> str:
    if sequence == 0:
        return (
            f"{label}: truncated: no rows left, checkpoint {last.number} signed sequence {last.sequence} "
            f"({_span(1, last.sequence)} missing)"
        )
    return (
        f"{label}: tail deleted: the newest row is sequence {sequence}, checkpoint {last.number} signed "
        f"sequence {last.sequence} ({_span(sequence + 1, last.sequence)} missing)"
    )


def chain_verify(chain: str) -> ChainReport:
    """Walk one chain's rows: every link, and the head at each valid checkpoint since the last acknowledged one."""
    label = chain_label(chain)
    checkpoints, problems = checkpoints_load(chain)
    base = max((i for i, checkpoint in enumerate(checkpoints) if checkpoint.acknowledged), default=0)
    targets = {checkpoint.sequence: checkpoint for checkpoint in reversed(checkpoints[base:])}  # first per sequence
    report = ChainReport(chain=chain, checkpoint=checkpoints[-1] if checkpoints else None)
    report.findings += [f"{label}: {problem}" for problem in problems]
    sequence, previous, matched = 0, "", 0
    broken = rewritten = False
    for row in _rows(chain):
        sequence += 1
        if not broken and (reason := _link_error(row, previous)):
            broken = True
            report.findings.append(
                f"Audit chain broken at event {row['id']} ({label}): {reason} (sequence {sequence})."
            )
        previous = row["hash"]
        checkpoint = targets.get(sequence)
        if checkpoint is None or rewritten:
            continue
        if (row["id"], row["hash"]) == (checkpoint.event_id, checkpoint.head_hash):
            matched = sequence
            continue
        rewritten = True
        report.findings.append(
            f"{label}: rewritten: the row at sequence {sequence} (event {row['id']}) is not the one checkpoint "
            f"{checkpoint.number} signed; rows at {_span(matched + 1, sequence)} were changed"
        )
    report.events = sequence
    if report.checkpoint is not None and sequence < report.checkpoint.sequence:
        report.findings.append(_missing(label, sequence, report.checkpoint))
    return report


def _folders() -> set[str]:
    try:
        folders, _ = artifact_storage().listdir(PREFIX)
    except FileNotFoundError:
        return set()
    return {"" if name == NO_PROJECT else name for name in folders}


def _chains_with_rows() -> set[str]:
    return set(AuditEvent.objects.values_list("project_slug", flat=True).order_by().distinct())


def audit_log_verify(*, chain: str | None = None) -> list[ChainReport]:
    """Every chain's report (or one chain's): the chains in the table and those with checkpoints."""
    chains = [chain] if chain is not None else sorted(_chains_with_rows() | _folders())
    return [chain_verify(name) for name in chains]


@dataclass
class WriteResult:
    written: list[Checkpoint] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _continues(chain: str, last: Checkpoint) -> tuple[str, int, int, str]:
    """Check the rows from the last checkpoint's head on: (problem, sequence, head id, head hash) of the chain."""
    label = chain_label(chain)
    before = AuditEvent.objects.filter(project_slug=chain, id__lt=last.event_id).count()
    sequence, head_id, previous = before, 0, ""
    for row in _rows(chain, id__gte=last.event_id):
        sequence += 1
        if head_id == 0 and (row["id"], row["hash"], sequence) != (last.event_id, last.head_hash, last.sequence):
            problem = f"the row at sequence {last.sequence} is not the one checkpoint {last.number} signed"
            return f"{label}: {problem}", 0, 0, ""
        if head_id and (reason := _link_error(row, previous)):
            return f"{label}: event {row['id']} (sequence {sequence}): {reason}", 0, 0, ""
        head_id, previous = row["id"], row["hash"]
    if head_id == 0:
        problem = f"rows up to sequence {last.sequence} that checkpoint {last.number} signed are missing"
        return f"{label}: {problem}", 0, 0, ""
    return "", sequence, head_id, previous


def _full_walk(chain: str) -> tuple[str, int, int, str]:
    sequence, head_id, previous, problem = 0, 0, "", ""
    for row in _rows(chain):
        sequence += 1
        if not problem and (reason := _link_error(row, previous)):
            problem = f"{chain_label(chain)}: event {row['id']} (sequence {sequence}): {reason}"
        head_id, previous = row["id"], row["hash"]
    return problem, sequence, head_id, previous


def _checkpoint_lock(chain: str) -> None:
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"keel.audit-checkpoint:{chain}".encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _checkpoint_save(
    chain: str, last: Checkpoint | None, head: tuple[int, int, str], acknowledge: str
) -> Checkpoint | str:
    """Sign and store the checkpoint after ``last`` for ``head`` (sequence, event id, hash); never overwrite one."""
    sequence, event_id, head_hash = head
    body = checkpoint_body(
        chain=chain,
        number=(last.number if last else 0) + 1,
        sequence=sequence,
        event_id=event_id,
        head_hash=head_hash,
        previous_digest=last.digest if last else "",
        acknowledged=acknowledge,
    )
    body["signature"] = sign(body)
    key = checkpoint_key(chain, body["number"])
    storage = artifact_storage()
    if storage.exists(key):
        return f"{chain_label(chain)}: {key} already exists; not overwritten"
    saved = storage.save(key, ContentFile(json.dumps(body, indent=1, sort_keys=True).encode()))
    if saved != key:  # pragma: no cover - the lock in _chain_checkpoint makes this a misbehaving storage
        return f"{chain_label(chain)}: storage saved {key} as {saved}"
    return _checkpoint_read(chain, body["number"])  # read back: what verify_audit will see


def _chain_checkpoint(chain: str, *, acknowledge: str) -> Checkpoint | str | None:
    """Write the chain's next checkpoint: the Checkpoint, the reason it was refused, or None when nothing changed."""
    with transaction.atomic():
        _checkpoint_lock(chain)  # one writer per chain: no two checkpoints take the same number
        checkpoints, problems = checkpoints_load(chain)
        if problems:
            return f"{chain_label(chain)}: {problems[0]}; move the bad files aside after checking them"
        last = checkpoints[-1] if checkpoints else None
        head = AuditEvent.objects.filter(project_slug=chain).order_by("-id").values_list("id", "hash").first()
        if head is None or (last is not None and head == (last.event_id, last.head_hash)):
            return None
        if last is not None and not acknowledge:
            problem, sequence, head_id, head_hash = _continues(chain, last)
        else:
            problem, sequence, head_id, head_hash = _full_walk(chain)
            problem = "" if acknowledge else problem
        if problem:
            return f"{problem}; not signed"
        return _checkpoint_save(chain, last, (sequence, head_id, head_hash), acknowledge)


def audit_checkpoints_write(*, acknowledge: str = "") -> WriteResult:
    """Sign the head of every chain that grew since its last checkpoint.

    A chain whose rows no longer continue its last checkpoint (rows missing or changed) is refused and logged,
    unless ``acknowledge`` gives the reason to sign it as it is now (after restoring an older backup); the
    reason is kept in the checkpoint.
    """
    result = WriteResult()
    for chain in sorted(_chains_with_rows()):
        outcome = _chain_checkpoint(chain, acknowledge=acknowledge)
        if isinstance(outcome, Checkpoint):
            result.written.append(outcome)
        elif isinstance(outcome, str):
            logger.error("audit checkpoint refused: %s", outcome)
            result.refused.append(outcome)
    return result
