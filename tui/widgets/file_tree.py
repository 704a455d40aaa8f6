"""ImportFileTree: the import's file browser, a folder's sub-folders and importable files, which can go up to the
parent folder and to the home folder, and shows long names cut in their middle (their start and their end, where one
day's exports differ). Used by the import screen (`tui.screens.import_screen`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Self

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text, TextType
from textual.binding import Binding
from textual.widgets import DirectoryTree
from textual.widgets.directory_tree import DirEntry
from textual.widgets.tree import TreeNode

from core.i18n import N_, _
from tui.widgets.grid import safe_text

IMPORT_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm"})


class ImportFileTree(DirectoryTree):
    """The current folder's sub-folders and importable files (CSV, text, Excel); hidden entries left out.
    Backspace goes up to the parent folder and ~ to the home folder: the file is not always below where custbook
    was started."""

    BINDINGS = [
        Binding("backspace", "up", N_("Parent folder"), show=False),
        Binding("tilde", "home_folder", N_("Home folder"), show=False),
    ]

    def on_resize(self) -> None:
        # The frame's title says how to choose and how to go up; on a narrow screen (80 columns) the long one was
        # cut before the key to go up, the one a user does not guess: a shorter one says both.
        title = _("Choose a file (Enter) · Backspace: up")
        room = self.outer_size.width - 7  # the frame's corners, the spaces around the title, and one to spare
        self.border_title = title if cell_len(title) <= room else _("Enter · Backspace: up")

    def process_label(self, label: str | Text) -> Text:
        # The root is first labelled "." (paths stay short): name the folder, which is what the user knows.
        if isinstance(label, str) and label == ".":
            label = folder_label(Path.cwd())
        return super().process_label(label)

    def reset_node(self, node: TreeNode[DirEntry], label: TextType, data: DirEntry | None = None) -> Self:
        # The root, reloaded or moved up (Backspace) or home (~), is named after the folder it shows: "/" at the
        # top, not the name of the folder custbook was started in.
        entry = data or node.data
        if node is self.root and entry is not None:
            label = folder_label(Path(entry.path))
        return super().reset_node(node, label, data)

    def render_label(self, node: TreeNode[DirEntry], base_style: Style, style: Style) -> Text:
        # At 80 columns the tree is 30 wide: a longer name is cut in its middle, marked with "…", keeping its start
        # and its end (the date and the extension, where one day's exports differ); the File box and the line
        # under it show the highlighted one whole.
        label = super().render_label(node, base_style, style)
        if not self.is_mounted:
            return label
        depth = 0
        parent = node.parent
        while parent is not None:
            depth, parent = depth + 1, parent.parent
        room = self.scrollable_content_region.width - depth * self.guide_depth
        return cut_middle(label, room, keep=2)  # the icon and its space stay

    def _go(self, folder: Path) -> None:
        self.path = folder
        self.border_subtitle = safe_text(str(folder))  # where the browser is, whole

    def action_up(self) -> None:
        """Show the parent folder."""
        here = Path(self.path).resolve()
        if here.parent != here:
            self._go(here.parent)

    def action_home_folder(self) -> None:
        """Show the home folder."""
        self._go(Path.home())

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p for p in paths if not p.name.startswith(".") and (p.suffix.lower() in IMPORT_SUFFIXES or _is_folder(p))
        ]


def folder_label(folder: Path) -> str:
    """The tree's root as the user knows the folder: "imports/", or "/" for the top of the file system."""
    name = folder.expanduser().resolve().name
    return f"{safe_text(name)}/" if name else "/"


def cut_middle(text: Text, width: int, keep: int = 0) -> Text:
    """`text` in at most `width` cells: whole when it fits, else its start and its end around "…" (the end given
    more room: it holds the date and the extension). The first `keep` characters (an icon) are always kept."""
    if text.cell_len <= width:
        return text
    plain = text.plain
    room = width - cell_len(plain[:keep]) - 1  # the ellipsis takes one cell
    if room < 2:
        return text  # too narrow to say anything useful either way
    head, used = keep, 0
    while used + cell_len(plain[head]) <= room * 2 // 5:
        used += cell_len(plain[head])
        head += 1
    tail = len(plain)
    while used + cell_len(plain[tail - 1]) <= room:
        used += cell_len(plain[tail - 1])
        tail -= 1
    return Text.assemble(text[:head], "…", text[tail:])


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False
