"""A small recording player: play / pause, a position slider and the time, or a clear message
when there is nothing to play. The media player is created only for a file that exists."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from milo_desktop.views.receptionists.pipeline_format import duration_text


class RecordingPlayer(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player: QMediaPlayer | None = None
        self.audio: QAudioOutput | None = None
        self.play_button = QPushButton(self.tr("▶ Play"), self)
        self.play_button.setMinimumWidth(90)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, 0)
        self.time_label = QLabel("0:00 / 0:00", self)
        self.message = QLabel(self)
        self.message.setObjectName("playerMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time_label)
        layout.addWidget(self.message, 1)
        self.play_button.clicked.connect(self.toggle)
        self.slider.sliderMoved.connect(self._seek)
        self.set_recording(None, False, None)

    def set_recording(self, path: str | None, exists: bool, sid: str | None) -> None:
        """Show ``path`` ready to play when it exists; otherwise say why there's nothing."""
        self.stop()
        playable = bool(path) and exists
        for w in (self.play_button, self.slider, self.time_label):
            w.setVisible(playable)
        self.message.setVisible(not playable)
        if playable:
            assert path is not None
            self._ensure_player().setSource(QUrl.fromLocalFile(path))
            return
        if path:
            self.message.setText(self.tr("The recording file is missing ({path}). It is "
                                         "downloaded again on the next sync.").format(path=path))
        elif sid:
            self.message.setText(self.tr("The recording has not been downloaded yet; it "
                                         "arrives with the next sync."))
        else:
            self.message.setText(self.tr("No recording for this call."))

    def source(self) -> QUrl:
        return self.player.source() if self.player is not None else QUrl()

    def _ensure_player(self) -> QMediaPlayer:
        if self.player is None:
            self.player = QMediaPlayer(self)
            self.audio = QAudioOutput(self)
            self.player.setAudioOutput(self.audio)
            self.player.positionChanged.connect(self._position)
            self.player.durationChanged.connect(self._duration)
            self.player.playbackStateChanged.connect(self._state)
            self.player.errorOccurred.connect(self._error)
        return self.player

    def toggle(self) -> None:
        if self.player is None:
            return
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
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
            self.time_label.setText(f"{duration_text(self.player.position() // 1000)} / "
                                    f"{duration_text(self.player.duration() // 1000)}")

    def _state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText(self.tr("❚❚ Pause") if playing else self.tr("▶ Play"))

    def _error(self, _error: QMediaPlayer.Error, text: str) -> None:
        self.message.setText(self.tr("The recording can't be played: {why}").format(
            why=text or self.tr("unknown error")))
        self.message.show()
