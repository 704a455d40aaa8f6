"""The command line: argparse, one module per sub-command, text and JSON rendering, exit codes (cli.md).

`main` parses and dispatches, turning every error into one sentence and an exit code; `language` chooses the
language the command speaks (and argparse's words in it); `import_cmd`, `jobs_cmd`, `views_cmd` and `commands`
render what the services return; `terminal` keeps terminal escapes in data from reaching the terminal. The
interface is opened by the entry point (`custbook.py`), never from here.

May import: services, the store's interface (`store.base`, `store.records`, `store.opening`), formats and core.
Never tui; never textual or rich.
"""
