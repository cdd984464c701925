"""Case notes: case or program scope, editable by the author for 24 hours, then corrected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from jobcenter_tui.domain.programs import PROGRAMS, program_name
from jobcenter_tui.domain.questions import Question
from jobcenter_tui.widgets.case.base import NOTE, CasePane, fill_table
from jobcenter_tui.widgets.case.labels import words

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.notes import NoteView


def note_questions() -> list[Question]:
    from jobcenter_tui.services.notes import CONTACT_TYPES

    return [Question("subject", "Subject", "text", required=True),
            Question("contact_type", "Contact", "choice", required=True, choices=tuple((c, words(c)) for c in CONTACT_TYPES)),
            Question("contact_date", "Contact date", "date", required=True),
            Question("scope", "Visible to", "choice", required=True,
                     choices=(("case", "everyone on the case"), ("program", "one program's staff"))),
            Question("program", "Program", "choice", choices=tuple((p.code.value, p.name) for p in PROGRAMS),
                     show=lambda a, c: a.get("scope") == "program"),
            Question("recontact_date", "Recontact by", "date"),
            Question("body", "Note", "long_text", required=True, max_length=20000)]


class NotesPane(CasePane[list["NoteView"]]):
    TITLE = "Notes"
    KEY = "notes"
    DEPENDS_ON = frozenset({NOTE})
    BINDINGS = [
        Binding("a", "add", "Add note", id="case.add_note"),
        Binding("t", "edit_note", "Edit note", id="case.edit_note"),
        Binding("c", "correct", "Correct", id="case.correct"),
        Binding("delete", "delete_note", "Delete", id="case.delete_note"),
    ]

    def compose(self) -> ComposeResult:
        yield DataTable(id="notes", cursor_type="row", zebra_stripes=True)
        yield Static("", id="note-detail")

    def on_mount(self) -> None:
        self.query_one("#notes", DataTable).add_columns("Date", "Contact", "Subject", "Scope", "By")

    def fetch(self, services: Services, actor: Actor) -> list[NoteView]:
        return services.notes.notes(actor, self.seeker_id)

    def show(self, model: list[NoteView]) -> None:
        fill_table(self.query_one("#notes", DataTable), [
            (n.id, (n.contact_date.isoformat(), words(n.contact_type), Text(("↳ " if n.corrects_note_id else "") + n.subject),
                    program_name(n.program) if n.program else "case", Text(n.created_by or ""))) for n in model])
        self._show_detail(self.selected("notes"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_note":
            return self.actor.can("note.delete")
        return True

    def _note(self, key: str | None = None) -> NoteView | None:
        key = key or self.selected("notes")
        return next((n for n in self.model or [] if n.id == key), None)

    @on(DataTable.RowHighlighted, "#notes")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(str(event.row_key.value))

    def _show_detail(self, key: str | None) -> None:
        n = self._note(key) if key else None
        text = Text()
        if n is not None:
            text.append(f"{n.subject}\n", style="bold")
            text.append(n.body + "\n")
            if n.recontact_date:
                text.append(f"Recontact by {n.recontact_date}\n", style="italic")
        self.query_one("#note-detail", Static).update(text)

    def _add(self, corrects: NoteView | None = None) -> None:
        seeker_id = self.seeker_id
        corrects_id = corrects.id if corrects else None

        def submit(s: Services, a: Actor, ans: dict[str, Any]) -> Any:
            return s.notes.add(a, seeker_id, subject=ans["subject"], body=ans["body"], contact_type=ans["contact_type"],
                               contact_date=ans["contact_date"], scope=ans["scope"], program=ans.get("program"),
                               recontact_date=ans.get("recontact_date"), corrects=corrects_id)

        answers: dict[str, Any] = {"contact_date": self.services.today(), "scope": "case", "contact_type": "in_person"}
        if corrects is not None:
            answers.update(subject=f"Correction: {corrects.subject}", body=corrects.body, scope=corrects.scope,
                           program=corrects.program, contact_type=corrects.contact_type)
        self.form("Correction note" if corrects else "Add a note", note_questions(), submit, answers=answers,
                  done="Note saved.", changes=(NOTE,))

    def action_add(self) -> None:
        self._add()

    def action_correct(self) -> None:
        note = self._note()
        if note is not None:
            self._add(corrects=note)

    def action_edit_note(self) -> None:
        note = self._note()
        if note is None:
            return
        if not note.editable:
            self.notify("Notes can be changed only by their author within 24 hours; press c for a correction note.",
                        severity="warning", markup=False)
            return
        note_id, version = note.id, note.version
        self.form("Edit the note", [Question("subject", "Subject", "text", required=True),
                                    Question("body", "Note", "long_text", required=True, max_length=20000)],
                  lambda s, a, ans: s.notes.edit(a, note_id, subject=ans["subject"], body=ans["body"], expected_version=version),
                  answers={"subject": note.subject, "body": note.body}, done="Note saved.", changes=(NOTE,))

    def action_delete_note(self) -> None:
        note = self._note()
        if note is None:
            return
        note_id = note.id

        def delete(s: Services, a: Actor, ans: dict[str, Any]) -> bool:
            s.notes.delete(a, note_id, ans["reason"])
            return True

        self.form(f"Delete the note '{note.subject}'?", [Question("reason", "Why", "text", required=True)],
                  delete, save_label="Delete",
                  done="Note deleted.", changes=(NOTE,))
