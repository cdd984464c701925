"""A form drawn from question declarations: one row per question, the message beside it.

Used by the registration wizard, the kiosk and the demographics editor, so every place asks the
same questions with the same validation. Answers flow up: each valid change is written into the
shared ``answers`` dict and announced with ``QuestionForm.Changed``; text that does not parse stays
in ``raw`` so nothing typed is lost when the person goes Back.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, TextArea

from jobcenter_tui.domain.questions import Answers, Context, Question
from jobcenter_tui.widgets.occupation_picker import OccupationPicker, search_industries, search_occupations

# Question kinds answered by choosing from a classification, with the search each one uses.
PICKED = {"soc": search_occupations, "soc_list": search_occupations, "naics": search_industries}


def widget_id(path: str) -> str:
    return "q-" + path.replace(".", "--")


def path_of(widget_id_: str) -> str:
    return widget_id_[2:].replace("--", ".")


class QuestionForm(VerticalScroll, can_focus=False):
    """Not a focus stop itself: Tab goes from question to question, the first key to the first question."""

    DEFAULT_CSS = """
    QuestionForm { height: 1fr; padding: 0 1; }
    QuestionForm .q-row { height: auto; }
    QuestionForm .q-line { height: auto; }
    QuestionForm .q-label { width: 34; padding: 0 1 0 0; color: $text-muted; }
    QuestionForm .q-label.-required { color: $text; }
    QuestionForm .q-line Input, QuestionForm .q-line Select { width: 1fr; }
    QuestionForm .q-line Input { background: $boost; }  /* an empty field is still seen as a place to type */
    QuestionForm .q-line SelectionList { width: 1fr; height: auto; max-height: 7; }
    QuestionForm .q-line TextArea { width: 1fr; height: 6; }
    QuestionForm .q-error { color: $error; padding-left: 34; width: 100%; height: auto; display: none; }
    QuestionForm .q-error.-shown { display: block; }
    QuestionForm .q-help { color: $text-muted; padding-left: 34; width: 100%; height: auto; text-style: italic; }
    """

    class Changed(Message):
        """An answer changed (visibility of later questions may change with it)."""

        def __init__(self, form: QuestionForm, path: str) -> None:
            super().__init__()
            self.form = form
            self.path = path

        @property
        def control(self) -> QuestionForm:
            return self.form

    def __init__(self, questions: list[Question], answers: Answers, raw: dict[str, Any], ctx: Context, *,
                 hints: dict[str, str] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.questions = questions
        self.answers = answers
        self.raw = raw
        self.ctx = ctx
        self.hints = hints or {}

    def compose(self) -> ComposeResult:
        for q in self.questions:
            with Vertical(classes="q-row", id=widget_id(q.path) + "-row"):
                with Horizontal(classes="q-line"):
                    yield Label(q.label + (" *" if q.required else ""), classes="q-label" + (" -required" if q.required else ""),
                                markup=False)
                    yield self._widget(q)
                hint = self.hints.get(q.path) or q.help
                if hint:
                    yield Label(hint, classes="q-help", markup=False)
                yield Label("", classes="q-error", id=widget_id(q.path) + "-error", markup=False)

    def _widget(self, q: Question) -> Widget:
        value = self.answers.get(q.path)
        wid = widget_id(q.path)
        if q.kind in ("choice", "yesno"):
            options = [("Yes", True), ("No", False)] if q.kind == "yesno" else [(label, v) for v, label in q.choices]
            if q.open_choices and value is not None and value not in dict(q.choices):
                options.append((str(value), value))  # on file from before the list: kept as it is
            return Select(options, id=wid, prompt="— not answered —", compact=True,
                          value=value if value is not None else Select.NULL, allow_blank=True)
        if q.kind == "multi":
            chosen = set(value or [])
            return SelectionList(*[(label, v, v in chosen) for v, label in q.choices], id=wid)
        text = self.raw.get(q.path, q.to_text(value))
        if q.kind in PICKED:  # chosen from a list, never a bare code to know by heart
            return OccupationPicker(input_id=wid, text=text, multiple=q.kind == "soc_list", placeholder=q.placeholder,
                                    max_length=q.max_length, id=wid + "-picker", search=PICKED[q.kind])
        if q.kind == "long_text":
            return TextArea(text, id=wid, soft_wrap=True, show_line_numbers=False)
        return Input(value=text, placeholder=q.placeholder, id=wid, compact=True, max_length=max(q.max_length, 40))

    def on_mount(self) -> None:
        self.refresh_visibility()

    # --- reading and checking ------------------------------------------------------------------

    def _raw_value(self, q: Question) -> Any:
        if q.kind in PICKED:
            return self.query_one("#" + widget_id(q.path) + "-picker", OccupationPicker).value
        widget = self.query_one("#" + widget_id(q.path))
        if isinstance(widget, Select):
            return None if widget.is_blank() else widget.value
        if isinstance(widget, SelectionList):
            return list(widget.selected)
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value

    def visible_questions(self) -> list[Question]:
        """The questions shown for the answers so far (not `visible`: that is Textual's own property)."""
        return [q for q in self.questions if q.visible(self.answers, self.ctx)]

    def check(self, q: Question, *, show: bool = True) -> str | None:
        """Parse one answer into ``answers``; show (or clear) its message; return the message."""
        raw = self._raw_value(q)
        try:
            value = q.parse(raw, self.ctx)
        except ValueError as exc:
            if isinstance(raw, str):
                self.raw[q.path] = raw
            self.answers.pop(q.path, None)
            if show:
                self._show_error(q.path, str(exc))
            return str(exc)
        self.raw.pop(q.path, None)
        if value is None or value == []:
            self.answers.pop(q.path, None)
        else:
            self.answers[q.path] = value
        self._show_error(q.path, "")
        return None

    def check_all(self) -> dict[str, str]:
        """Check every visible question; go to the first bad one. Empty when the page is valid."""
        errors = {}
        for q in self.visible_questions():
            message = self.check(q)
            if message:
                errors[q.path] = message
        if errors:
            self.go_to(next(iter(errors)))
        return errors

    def go_to(self, path: str) -> None:
        """Focus a question with its message in view; typed text stays, the cursor at its end.

        Focusing an ``Input`` selects its text, so the next key would replace what the person typed:
        here the text is to be corrected, not retyped.
        """
        widget = self.query_one("#" + widget_id(path))
        if isinstance(widget, Input):
            widget.select_on_focus = False  # given back when the field is left
            widget.cursor_position = len(widget.value)
        widget.focus(scroll_visible=False)
        row = self.query_one("#" + widget_id(path) + "-row")
        self.call_after_refresh(self.scroll_to_widget, row, animate=False, top=False)

    def shown_errors(self) -> int:
        """How many answers on this page show a message now."""
        return sum(1 for q in self.visible_questions() if self.query_one("#" + widget_id(q.path) + "-error").has_class("-shown"))

    def focus_first(self) -> None:
        """The first question shown takes the keys (on every page, also after Back)."""
        visible = self.visible_questions()
        if visible:
            self.query_one("#" + widget_id(visible[0].path)).focus()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Messages from the services (a whole-record check), each at its question."""
        for path, message in errors.items():
            if any(q.path == path for q in self.questions):
                self._show_error(path, message)

    def _show_error(self, path: str, message: str) -> None:
        label = self.query_one("#" + widget_id(path) + "-error", Label)
        label.update(message)
        label.set_class(bool(message), "-shown")

    def refresh_visibility(self) -> None:
        for q in self.questions:
            self.query_one("#" + widget_id(q.path) + "-row").display = q.visible(self.answers, self.ctx)

    # --- events --------------------------------------------------------------------------------

    def _question(self, widget: Widget) -> Question | None:
        if not widget.id or not widget.id.startswith("q-"):
            return None
        path = path_of(widget.id)
        return next((q for q in self.questions if q.path == path), None)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        event.input.select_on_focus = True
        q = self._question(event.input)
        if q is not None and self.is_attached:
            self.check(q)
            self._changed(q)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    @on(TextArea.Changed)
    def _long_text(self, event: TextArea.Changed) -> None:
        q = self._question(event.text_area)
        if q is not None:
            self.raw[q.path] = event.text_area.text

    @on(OccupationPicker.Changed)
    def _occupation(self, event: OccupationPicker.Changed) -> None:
        q = self._question(event.picker.input)
        if q is not None:
            self.check(q)
            self._changed(q)

    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _picked(self, event: Select.Changed | SelectionList.SelectedChanged) -> None:
        q = self._question(event.control)
        if q is not None:
            self.check(q)
            self._changed(q)

    def _changed(self, q: Question) -> None:
        self.refresh_visibility()
        self.post_message(self.Changed(self, q.path))
