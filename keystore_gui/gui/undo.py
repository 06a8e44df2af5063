"""Every undoable edit of the window: each command records only what it changes, never a copy of
the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand

from ..core.model import Certificate, Entry, Keystore, SealedKey
from ..core.truststore import Action, CopyPlan, new_entries
from .model import EntryModel
from .shown import shown


class AddEntries(QUndoCommand):
    def __init__(self, model: EntryModel, entries: Sequence[Entry], text: str) -> None:
        super().__init__(text)
        self._model = model
        self._entries = list(entries)
        self._placed: list[tuple[int, Entry]] | None = None

    def redo(self) -> None:
        if self._placed is None:
            self._model.append_entries(self._entries)
        else:
            self._model.insert_entries(self._placed)

    def undo(self) -> None:
        self._placed = self._model.remove_entries(self._entries)


class RemoveEntries(QUndoCommand):
    def __init__(self, model: EntryModel, entries: Sequence[Entry], text: str) -> None:
        super().__init__(text)
        self._model = model
        self._entries = list(entries)
        self._placed: list[tuple[int, Entry]] = []

    def redo(self) -> None:
        self._placed = self._model.remove_entries(self._entries)

    def undo(self) -> None:
        self._model.insert_entries(self._placed)


class TrustLooseCertificates(QUndoCommand):
    """Make loose certificates (``Entry.loose``) trusted entries, for a JKS or JCEKS save."""

    def __init__(self, model: EntryModel, entries: Sequence[Entry]) -> None:
        super().__init__(f"Trust {len(entries)} certificate(s)")
        self._model = model
        self._entries = list(entries)

    def _set(self, loose: bool) -> None:
        for entry in self._entries:
            entry.loose = loose
            self._model.entry_changed(entry)

    def redo(self) -> None:
        self._set(False)

    def undo(self) -> None:
        self._set(True)


class RenameEntry(QUndoCommand):
    def __init__(self, model: EntryModel, entry: Entry, new_alias: str) -> None:
        super().__init__(f"Rename '{shown(entry.alias)}' to '{shown(new_alias)}'")
        self._model = model
        self._entry = entry
        self._old = entry.alias
        self._new = new_alias

    def _set(self, alias: str) -> None:
        before = self._model.shadow_marks()
        self._model.store.rename_entry(self._entry, alias, restore=alias == self._old)
        self._model.entry_changed(self._entry)
        self._model.reshadow(before)

    def redo(self) -> None:
        self._set(self._new)

    def undo(self) -> None:
        self._set(self._old)


class SetEntryPassword(QUndoCommand):
    """Give an (unlocked) entry a key password of its own, or ``None`` for the store's."""

    def __init__(self, model: EntryModel, entry: Entry, password: str | None) -> None:
        super().__init__(f"Set the key password of '{shown(entry.alias)}'")
        self._model = model
        self._entry = entry
        self._old: tuple[str | None, SealedKey | None] = (entry.key_password, entry.sealed)
        self._new = password

    def redo(self) -> None:
        # The sealed form is under the old password; dropping it makes the save re-encrypt.
        self._entry.key_password = self._new
        self._entry.sealed = None
        self._model.entry_changed(self._entry)

    def undo(self) -> None:
        self._entry.key_password, self._entry.sealed = self._old
        self._model.entry_changed(self._entry)


class SetStorePassword(QUndoCommand):
    """Change the store password.

    Keys still sealed under the old store password keep it as their own key password (as
    ``keytool -storepasswd`` does), since they cannot be re-encrypted without being unlocked.
    """

    def __init__(self, store: Keystore, password: str) -> None:
        super().__init__("Set the store password")
        self._store = store
        self._old = store.password
        self._new = password
        self._kept: list[Entry] = []

    def redo(self) -> None:
        self._kept = []
        if self._store.store_type.has_entry_passwords and self._old is not None:
            for entry in self._store.entries:
                if entry.is_locked and entry.key_password is None:
                    entry.key_password = self._old
                    self._kept.append(entry)
        self._store.password = self._new

    def undo(self) -> None:
        for entry in self._kept:
            entry.key_password = None
        self._store.password = self._old


class CopyCertificates(QUndoCommand):
    """Apply a copy plan to a tab's store: additions and replacements as one undo step."""

    def __init__(self, model: EntryModel, plan: CopyPlan, text: str) -> None:
        super().__init__(text)
        self._model = model
        steps = plan.writes
        self.entries = new_entries(plan)
        pairs = list(zip(steps, self.entries, strict=True))
        self._replacing = [
            (model.store.get(s.alias), new) for s, new in pairs if s.action is Action.REPLACE
        ]
        """(old entry, new entry): the new one takes the old one's row."""
        self._appended = [new for s, new in pairs if s.action is not Action.REPLACE]
        self._removed: list[tuple[int, Entry]] = []
        self._placed: list[tuple[int, Entry]] | None = None

    def redo(self) -> None:
        self._removed = self._model.remove_entries([old for old, _ in self._replacing])
        if self._placed is not None:
            self._model.insert_entries(self._placed)
            return
        rows = {id(old): row for row, old in self._removed}
        self._model.insert_entries([(rows[id(old)], new) for old, new in self._replacing])
        self._model.append_entries(self._appended)

    def undo(self) -> None:
        self._placed = self._model.remove_entries(self.entries)
        self._model.insert_entries(self._removed)


class ReplaceChain(QUndoCommand):
    """An entry's certificate chain replaced (CA reply, renewal); undo puts the old one back."""

    def __init__(
        self,
        entry: Entry,
        chain: Sequence[Certificate],
        changed: Callable[[Entry], None],
        text: str,
    ) -> None:
        super().__init__(text)
        self._changed = changed
        self._entry = entry
        self._old = list(entry.chain)
        self._new = list(chain)

    def _set(self, chain: list[Certificate]) -> None:
        self._entry.chain = list(chain)
        self._changed(self._entry)

    def redo(self) -> None:
        self._set(self._new)

    def undo(self) -> None:
        self._set(self._old)


class AppendChainCommand(QUndoCommand):
    """Append verified issuer certificates to a key entry's chain."""

    def __init__(
        self, entry: Entry, certs: Sequence[Certificate], changed: Callable[[Entry], None]
    ) -> None:
        count = len(certs)
        super().__init__(
            f"Append {count} certificate{'s' if count != 1 else ''} to the chain of '{shown(entry.alias)}'"
        )
        self.entry = entry
        self.certs = list(certs)
        self.changed = changed

    def redo(self) -> None:
        self.entry.chain.extend(self.certs)
        self.changed(self.entry)

    def undo(self) -> None:
        del self.entry.chain[-len(self.certs) :]
        self.changed(self.entry)


class PutKeyPairs(QUndoCommand):
    """Key pairs added, or swapped in for the entries they replace (which keep their rows)."""

    def __init__(
        self, model: EntryModel, pairs: Sequence[tuple[Entry, Entry | None]], text: str
    ) -> None:
        super().__init__(text)
        self._model = model
        self._pairs = list(pairs)
        self._rows: list[int] = []

    def redo(self) -> None:
        self._rows = []
        for new, old in self._pairs:
            if old is None:
                row = len(self._model.store.entries)
            else:
                ((row, _),) = self._model.remove_entries([old])
            self._model.insert_entries([(row, new)])
            self._rows.append(row)

    def undo(self) -> None:
        for (new, old), row in reversed(list(zip(self._pairs, self._rows, strict=True))):
            self._model.remove_entries([new])
            if old is not None:
                self._model.insert_entries([(row, old)])
