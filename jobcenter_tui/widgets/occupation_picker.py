"""Pick an occupation by typing words or a code: nobody has to know that a welder is 51-4121.

A box to type in; a moment after typing stops, a short list of matches appears under it (from the
occupation service, so a state's O*NET titles count too). ↑/↓ move in the list, Enter takes the
highlighted occupation, Escape closes the list. The chosen one reads "51-4121 Welders, Cutters,
Solderers, and Brazers"; an exact code typed in full is taken as it is.

With ``multiple`` (desired occupations), each choice joins a list under the box and the box
empties for the next; Delete (or Backspace) removes the highlighted one of that list.

The picker's text (``value``) is what a question parses: "51-4121 Welders, …" for one occupation,
"51-4121 Welders, …; 53-3032 Heavy …" for several, plus whatever is typed and not chosen yet, so a
typed word that matches nothing is refused at the field and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from jobcenter_tui.domain.occupations import SOC_CODE_RE, detailed_occupation
from jobcenter_tui.widgets.service_call import ServiceCaller

if TYPE_CHECKING:
    from jobcenter_tui.domain.permissions import Actor
    from jobcenter_tui.services import Services
    from jobcenter_tui.services.occupations import OccupationMatch

DEBOUNCE_SECONDS = 0.2
SHOWN = 8  # matches in the list: enough to choose from, small enough for 80x24

Search = Callable[["Services", "Actor", str], "list[OccupationMatch]"]


def search_occupations(services: Services, actor: Actor, text: str) -> list[OccupationMatch]:
    return services.occupations.search(actor, text, limit=SHOWN)


def search_industries(services: Services, actor: Actor, text: str) -> list[OccupationMatch]:
    """NAICS 2022 industries: the same picker chooses an employer's industry."""
    return [m for m in services.industries.search(actor, text, limit=SHOWN * 3) if len(m.code) == 6][:SHOWN]


class _Matches(OptionList, can_focus=False):
    """The list under the box: the box keeps the keys, the list only shows (and takes clicks)."""


class OccupationPicker(ServiceCaller, Vertical, can_focus=False):
    DEFAULT_CSS = """
    OccupationPicker { width: 1fr; height: auto; }
    OccupationPicker OptionList { text-wrap: nowrap; text-overflow: ellipsis; }
    OccupationPicker > _Matches { height: auto; max-height: 8; border: none; padding: 0; display: none;
                                  background: $surface; }
    OccupationPicker > _Matches.-open { display: block; }
    OccupationPicker > #chosen { height: auto; max-height: 5; border: none; padding: 0; display: none; }
    OccupationPicker > #chosen.-some { display: block; }
    """
    BINDINGS = [
        Binding("down", "move(1)", "Next match", id="occupation.next", show=False),
        Binding("up", "move(-1)", "Previous match", id="occupation.previous", show=False),
        Binding("escape", "close", "Close the list", id="occupation.close", show=False),
        Binding("delete", "remove", "Remove occupation", id="occupation.remove"),
        Binding("backspace", "remove", "Remove occupation", id="occupation.remove_back", show=False),
    ]

    class Changed(Message):
        """An occupation was chosen or removed (the question is checked now)."""

        def __init__(self, picker: OccupationPicker) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> OccupationPicker:
            return self.picker

    def __init__(self, *, input_id: str, text: str = "", multiple: bool = False, placeholder: str = "",
                 max_length: int = 200, search: Search = search_occupations, id: str | None = None) -> None:
        super().__init__(id=id)
        self.input_id = input_id
        self.multiple = multiple
        self.placeholder = placeholder
        self.max_length = max_length
        self._search_fn = search
        self._timer: Timer | None = None
        self._chosen: list[tuple[str, str]] = []  # (code, title), several only with ``multiple``
        self._chosen_label = ""  # one occupation: the label put in the box when it was chosen
        self._results: list[OccupationMatch] = []
        self._initial = self._take_initial(text)

    def _take_initial(self, text: str) -> str:
        """Stored text → chosen occupations (several) or the box's text (one)."""
        if not self.multiple:
            return text
        pending = []
        for part in (p.strip() for p in text.split(";")):
            code, _, title = part.partition(" ")
            if SOC_CODE_RE.fullmatch(code):
                self._chosen.append((code, title.strip()))
            elif part:
                pending.append(part)
        return "; ".join(pending)

    def compose(self) -> ComposeResult:
        yield Input(value=self._initial, placeholder=self.placeholder, id=self.input_id, compact=True,
                    max_length=max(self.max_length, 40))
        yield _Matches(id="matches")
        if self.multiple:
            yield OptionList(id="chosen")

    def on_mount(self) -> None:
        self._chosen_label = self.input.value if not self.multiple else ""
        self._show_chosen()

    # --- what the question reads ---------------------------------------------------------------

    @property
    def input(self) -> Input:
        return self.query_one("#" + self.input_id, Input)

    @property
    def value(self) -> str:
        typed = self.input.value.strip()
        if not self.multiple:
            return typed
        return "; ".join([f"{code} {title}".strip() for code, title in self._chosen] + ([typed] if typed else []))

    @property
    def chosen(self) -> list[tuple[str, str]]:
        return list(self._chosen)

    def focus(self, scroll_visible: bool = True) -> OccupationPicker:
        self.input.focus(scroll_visible)
        return self

    # --- typing and searching ------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = event.value.strip()
        if not text or (not self.multiple and text == self._chosen_label):
            self._close()
            return
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(text))

    def _search(self, text: str) -> None:
        self._timer = None
        search = self._search_fn
        self.call_service(lambda s, a: search(s, a, text), done=lambda found: self._show(text, found),
                          group="occupation-picker", exclusive=True)

    def _show(self, text: str, found: list[OccupationMatch]) -> None:
        box = self.input
        if box.value.strip() != text or not box.has_focus:
            return  # typed on since, or left the field: this list is for nobody
        self._results = found
        matches = self.query_one(_Matches)
        matches.clear_options()
        if found:
            matches.add_options([Option(_prompt(m), id=m.code) for m in found])
            matches.highlighted = 0
        else:
            matches.add_option(Option(Text("No occupation matches: try fewer words, or a code such as 51-4121"),
                                      disabled=True))
        matches.add_class("-open")

    def _close(self) -> None:
        matches = self.query_one(_Matches)
        matches.remove_class("-open")
        matches.clear_options()
        self._results = []

    @property
    def is_open(self) -> bool:
        return self.query_one(_Matches).has_class("-open")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move", "close"):
            return self.is_open  # otherwise the key does what it does elsewhere (Escape: leave the form)
        if action == "remove":
            return self.multiple and self.query_one("#chosen", OptionList).has_focus
        return True

    def action_move(self, step: int) -> None:
        matches = self.query_one(_Matches)
        if matches.option_count and self._results:
            current = matches.highlighted if matches.highlighted is not None else -1
            matches.highlighted = max(0, min(len(self._results) - 1, current + step))

    def action_close(self) -> None:
        self._close()

    # --- choosing -----------------------------------------------------------------------------

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        matches = self.query_one(_Matches)
        if self.is_open and self._results and matches.highlighted is not None:
            event.stop()
            self._choose(self._results[matches.highlighted])
            return
        text = event.value.strip()
        if not text or (not self.multiple and text == self._chosen_label):
            return  # nothing to choose: Enter goes on to the next question
        exact = detailed_occupation(text.split(maxsplit=1)[0])
        if exact is not None:
            if self.multiple:  # a full code typed: taken as it is
                event.stop()
                self._add(exact.code, exact.title)
            return
        event.stop()  # words not chosen yet: show what they match now, without waiting
        if self._timer is not None:
            self._timer.stop()
        self._search(text)

    @on(OptionList.OptionSelected, "#matches")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        found = next((m for m in self._results if m.code == event.option.id), None)
        if found is not None:
            self._choose(found)

    def _choose(self, match: OccupationMatch) -> None:
        if self.multiple:
            self._add(match.code, match.title)
            return
        self._chosen = [(match.code, match.title)]
        self._chosen_label = match.label
        self._close()
        box = self.input
        box.value = match.label
        box.cursor_position = len(box.value)
        self.post_message(self.Changed(self))

    def _add(self, code: str, title: str) -> None:
        if all(c != code for c, _ in self._chosen):
            self._chosen.append((code, title))
        self._close()
        self.input.value = ""
        self._show_chosen()
        self.post_message(self.Changed(self))

    def action_remove(self) -> None:
        chosen = self.query_one("#chosen", OptionList)
        if chosen.highlighted is None or not self._chosen:
            return
        index = chosen.highlighted
        del self._chosen[index]
        self._show_chosen()
        if not self._chosen:
            self.input.focus()
        self.post_message(self.Changed(self))

    def _show_chosen(self) -> None:
        if not self.multiple:
            return
        chosen = self.query_one("#chosen", OptionList)
        keep = chosen.highlighted or 0
        chosen.clear_options()
        chosen.add_options([Option(Text(f"{code} {title}".strip(), no_wrap=True, overflow="ellipsis"), id=code)
                            for code, title in self._chosen])
        if self._chosen:
            chosen.highlighted = min(keep, len(self._chosen) - 1)
        chosen.set_class(bool(self._chosen), "-some")
        chosen.can_focus = bool(self._chosen)  # a Tab stop only when there is something to remove

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        """Leaving the box closes the list (the question checks what is there: not stopped)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._close()


def _prompt(m: OccupationMatch) -> Text:
    """A match as one line of the list; a state's title that matched is said beside it."""
    text = Text(m.label, no_wrap=True, overflow="ellipsis")
    if m.also and m.also != m.title:
        text.append(f" — {m.also}", style="italic")
    return text
