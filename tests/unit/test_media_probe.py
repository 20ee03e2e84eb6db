"""The QtMultimedia probe (views/widgets/media.py): why it did not load, in the user's words,
asked once, and the app's factories refusing politely where it is missing."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QObject

from milo_desktop.views.widgets import media


@pytest.mark.parametrize(("error", "reason"), [
    (ImportError("libpulse.so.0: cannot open shared object file: No such file or directory",
                 name="PySide6.QtMultimedia"),
     "the audio library libpulse (PulseAudio) is not installed"),
    (ImportError("libasound.so.2: cannot open shared object file: No such file or directory"),
     "the audio library libasound (ALSA) is not installed"),
    (ImportError("libva.so.2: cannot open shared object file: No such file or directory"),
     "the system library libva is not installed"),
    (ModuleNotFoundError("No module named 'PySide6.QtMultimedia'", name="PySide6.QtMultimedia"),
     "Qt's multimedia module is not installed"),
    (ImportError("dlopen(QtMultimedia.abi3.so, 2): Library not loaded: "
                 "@rpath/QtMultimedia.framework/Versions/A/QtMultimedia"),
     "the system library QtMultimedia.framework is missing"),
    (ImportError("DLL load failed while importing QtMultimedia: The specified module could not "
                 "be found."),
     "a library Qt's multimedia module needs is missing"),
    (OSError("something else"), "Qt's multimedia module could not be loaded"),
])
def test_reasons_in_plain_words(error: BaseException, reason: str) -> None:
    assert media.plain_reason(error) == reason


def test_probed_once_and_factories_refuse_where_missing(qapp: object) -> None:
    calls: list[int] = []

    def missing() -> ModuleType:
        calls.append(1)
        raise ImportError("libpulse.so.0: cannot open shared object file: No such file or "
                          "directory", name="PySide6.QtMultimedia")

    media.use_importer(missing)
    try:
        reason = "the audio library libpulse (PulseAudio) is not installed"
        assert media.multimedia_problem() == reason
        assert media.multimedia_problem() == reason
        assert media.audio_output_problem() == reason
        assert calls == [1]  # cached: one import attempt per process
        with pytest.raises(media.MultimediaUnavailable, match="libpulse"):
            media.media_player(QObject())
    finally:
        media.use_importer(None)  # the real probe again, for the tests that follow


def _runtime_multimedia_imports(tree: ast.AST) -> list[int]:
    """Lines importing QtMultimedia outside ``if TYPE_CHECKING:`` blocks."""
    found: list[int] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
        if not typing_only and any("QtMultimedia" in name for name in names):
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(tree, False)
    return found


def test_only_the_probe_loads_qtmultimedia() -> None:
    """QtMultimedia is loaded by views/widgets/media.py alone (importlib, on first use); any
    other module may name its types for the type checker only."""
    package = Path(media.__file__).parents[2]
    offenders = {
        str(path.relative_to(package.parent)): lines
        for path in sorted(package.rglob("*.py"))
        if (lines := _runtime_multimedia_imports(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


def test_a_module_without_a_media_backend_cannot_play_recordings(qapp: object) -> None:
    """The frozen build's QtMultimedia loads, but its FFmpeg backend may not (it links
    QtQuick, left out of the bundle): the chime still works, a recording offers Save."""
    real = importlib.import_module("PySide6.QtMultimedia")

    class NoDecoding:
        ConversionMode = real.QMediaFormat.ConversionMode

        def supportedFileFormats(self, _mode: object) -> list[object]:
            return []

    without_backend = ModuleType("PySide6.QtMultimedia")
    without_backend.QMediaFormat = NoDecoding  # type: ignore[attr-defined]
    media.use_importer(lambda: without_backend)
    try:
        assert media.multimedia_problem() is None  # the module loads: sound effects work
        assert media.playback_problem() == "no media player backend is available on this computer"
    finally:
        media.use_importer(None)
    if media.multimedia_problem() is None:  # the real module (the wheel's backend) decodes
        assert media.playback_problem() is None
