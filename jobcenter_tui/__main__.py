"""``jobcenter`` and ``python -m jobcenter_tui``.

With no arguments it is the staff console, started without the command line's parser: Typer
loads pydantic to parse arguments, and the console has none to parse. Anything else goes to
``jobcenter_tui.cli``.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) <= 1:
        from jobcenter_tui.app import run_console

        sys.exit(run_console())
    from jobcenter_tui.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
