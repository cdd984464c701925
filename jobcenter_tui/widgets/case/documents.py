"""Documents: files attached to the case (copied into the store), verified, exported as a checked copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from jobcenter_tui.domain.questions import Question
from jobcenter_tui.widgets.case.base import DOCUMENT, CasePane, fill_table, human_size
from jobcenter_tui.widgets.case.labels import words

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.documents import DocumentView


class DocumentsPane(CasePane[list["DocumentView"]]):
    TITLE = "Documents"
    KEY = "documents"
    DEPENDS_ON = frozenset({DOCUMENT})
    BINDINGS = [
        Binding("a", "attach", "Attach", id="case.attach"),
        Binding("v", "verify", "Verify", id="case.verify"),
        Binding("x", "export", "Export copy", id="case.export"),
    ]

    def compose(self) -> ComposeResult:
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#documents", DataTable).add_columns("Type", "File", "Size", "Added", "Verified")

    def fetch(self, services: Services, actor: Actor) -> list[DocumentView]:
        return services.documents.documents(actor, self.seeker_id)

    def show(self, model: list[DocumentView]) -> None:
        fill_table(self.query_one("#documents", DataTable), [
            (doc.id, (words(doc.type), Text(doc.original_name), human_size(doc.size_bytes), doc.uploaded_at.strftime("%Y-%m-%d"),
                      f"{doc.verified_by} {doc.verified_at:%Y-%m-%d}" if doc.verified_at else "no"))
            for doc in model])

    def _document(self) -> DocumentView | None:
        key = self.selected("documents")
        return next((d for d in self.model or [] if d.id == key), None)

    def action_attach(self) -> None:
        from jobcenter_tui.services.documents import DOCUMENT_TYPES

        seeker_id = self.seeker_id
        questions = [Question("path", "File (full path)", "text", required=True, max_length=1000),
                     Question("type", "Type", "choice", required=True, choices=tuple((t, words(t)) for t in DOCUMENT_TYPES)),
                     Question("criterion", "Criterion it verifies", "text"),
                     Question("note", "Note", "text")]
        self.form("Attach a document", questions,
                  lambda s, a, ans: s.documents.attach(a, seeker_id, ans["path"], type=ans["type"],
                                                       criterion=ans.get("criterion"), note=ans.get("note")),
                  save_label="Attach", done="Document attached.", changes=(DOCUMENT,))

    def action_verify(self) -> None:
        doc = self._document()
        if doc is None:
            return
        document_id = doc.id

        def verified(_: Any) -> None:
            self.notify(f"{doc.original_name} marked verified.", markup=False)
            self.changed(DOCUMENT)  # the reload keeps the cursor on this row

        self.call_service(lambda s, a: s.documents.verify(a, document_id), done=verified, group="document-verify")

    def action_export(self) -> None:
        doc = self._document()
        if doc is None:
            return
        document_id = doc.id
        self.form(f"Export a checked copy of {doc.original_name}", [Question("folder", "To folder", "text", required=True,
                                                                           max_length=1000)],
                  lambda s, a, ans: s.documents.export_copy(a, document_id, ans["folder"]), save_label="Export",
                  done=lambda path: f"Copy of {doc.original_name} written to {path}", changes=(DOCUMENT,))
