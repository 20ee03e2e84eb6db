"""A small recording player: play / pause, a position slider and the time, or a clear message
when there is nothing to play. The media player is created only for a file that exists. Shared
by the call details (receptionists) and the candidate's interview card (candidates).

Playback needs QtMultimedia (views/widgets/media.py), an optional part of the computer: where it
is missing, or the file cannot be played, the player says why and offers "Save…" so the
recording can be opened in another program."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QThreadPool, QUrl, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from milo_desktop.files import open_private
from milo_desktop.views.widgets import media

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer


def _clock(ms: int) -> str:
    """"2:34", "1:02:05"."""
    h, rest = divmod(max(0, ms) // 1000, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class _Copy(QObject):
    """Carries a finished copy back to the GUI thread (a queued signal)."""

    finished = Signal(str, str)  # destination, error ("" when saved)


class RecordingPlayer(QWidget):
    saved = Signal(str, str)  # destination, error ("" when the copy was written)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player: QMediaPlayer | None = None
        self.path: str | None = None  # the recording shown (whether playable or not)
        self.notice = ""
        self.play_button = QPushButton(self.tr("▶ Play"), self)
        self.play_button.setMinimumWidth(90)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, 0)
        self.time_label = QLabel("0:00 / 0:00", self)
        self.message = QLabel(self)
        self.message.setObjectName("playerMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton(self.tr("Save…"), self)
        self.save_button.setToolTip(self.tr("Save a copy of the recording to open it in "
                                            "another program"))
        self._copies: set[_Copy] = set()  # kept referenced until their copy finishes
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time_label)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        self.play_button.clicked.connect(self.toggle)
        self.slider.sliderMoved.connect(self._seek)
        self.save_button.clicked.connect(self.save)
        self.set_recording(None, False, None)

    def set_recording(self, path: str | None, exists: bool, sid: str | None) -> None:
        """Show ``path`` ready to play when it exists; otherwise say why there's nothing."""
        self.stop()
        self.path = path if path and exists else None
        problem = media.playback_problem() if self.path else None
        playable = self.path is not None and problem is None
        for w in (self.play_button, self.slider, self.time_label):
            w.setVisible(playable)
        self.message.setVisible(not playable)
        self.save_button.setVisible(self.path is not None and not playable)
        if playable:
            assert path is not None
            self._ensure_player().setSource(QUrl.fromLocalFile(path))
            return
        if problem is not None:
            self._say(self.unavailable_text(problem))
        elif path:
            self._say(self.tr("The recording file is missing ({path}). It is downloaded again "
                              "on the next sync.").format(path=path))
        elif sid:
            self._say(self.tr("The recording has not been downloaded yet; it arrives with the "
                              "next sync."))
        else:
            self._say(self.tr("No recording for this call."))

    def _say(self, text: str) -> None:
        self.notice = text  # what the player says about the recording (a save adds to it)
        self.message.setText(text)

    def unavailable_text(self, problem: str) -> str:
        return self.tr("Playback is unavailable on this computer: {why}. Save the recording "
                       "to listen to it in another program.").format(why=problem)

    def source(self) -> QUrl:
        return self.player.source() if self.player is not None else QUrl()

    def _ensure_player(self) -> QMediaPlayer:
        if self.player is None:
            self.player = media.media_player(self)
            self.player.positionChanged.connect(self._position)
            self.player.durationChanged.connect(self._duration)
            self.player.playingChanged.connect(self._playing)
            self.player.errorOccurred.connect(self._error)
        return self.player

    def toggle(self) -> None:
        if self.player is None:
            return
        if self.player.isPlaying():
            self.player.pause()
        else:
            self.player.play()

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()

    def _seek(self, ms: int) -> None:
        if self.player is not None:
            self.player.setPosition(ms)

    def _position(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(ms)
        self._show_time()

    def _duration(self, ms: int) -> None:
        self.slider.setRange(0, max(0, ms))
        self._show_time()

    def _show_time(self) -> None:
        if self.player is not None:
            self.time_label.setText(f"{_clock(self.player.position())} / "
                                    f"{_clock(self.player.duration())}")

    def _playing(self, playing: bool) -> None:
        self.play_button.setText(self.tr("❚❚ Pause") if playing else self.tr("▶ Play"))

    def _error(self, _error: object, text: str) -> None:
        self._say(self.tr("The recording can't be played: {why}").format(
            why=text or self.tr("unknown error")))
        self.message.show()
        self.save_button.setVisible(self.path is not None)

    # ----- Save… ------------------------------------------------------------------------------
    def save(self) -> None:
        """Ask where, then copy the recording there (off the GUI thread)."""
        if self.path is None:
            return
        source = Path(self.path)
        suffix = source.suffix or ".wav"
        target, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save recording"), str(Path.home() / source.name),
            self.tr("Audio (*{suffix});;All files (*)").format(suffix=suffix))
        if target:
            self.save_to(target)

    def save_to(self, target: str) -> None:
        """Copy the recording to ``target``; ``saved`` fires when done (or refused)."""
        if self.path is None:
            return
        source, copy = self.path, _Copy()
        self._copies.add(copy)
        copy.finished.connect(self._saved)
        self.save_button.setEnabled(False)

        def run() -> None:
            try:
                # 0600, as the recordings folder's own copy: a candidate's voice
                with open(source, "rb") as src, open_private(target, "wb") as out:
                    shutil.copyfileobj(src, out)
            except OSError as exc:
                copy.finished.emit(target, exc.strerror or str(exc))
            else:
                copy.finished.emit(target, "")

        QThreadPool.globalInstance().start(run)

    def _saved(self, target: str, error: str) -> None:
        self._copies = {c for c in self._copies if c is not self.sender()}
        self.save_button.setEnabled(True)
        if error:
            outcome = self.tr("It could not be saved to {path}: {why}.").format(
                path=target, why=error)
        else:
            outcome = self.tr("Saved a copy to {path}.").format(path=target)
        self.message.setText(f"{self.notice}\n{outcome}")
        self.message.show()
        self.saved.emit(target, error)
