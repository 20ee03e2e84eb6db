"""QtMultimedia, loaded on first use and only here: recording playback and the chime.

QtMultimedia is an optional part of the computer. On Linux it needs the audio library
libpulse, which a bare box lacks; importing ``PySide6.QtMultimedia`` there raises ImportError.
So no screen imports it: they ask ``multimedia_problem()`` (None when it loads, else why not in
plain words) and build players through the factories below. A feature that needs it says why
it is unavailable (the recording offers "Save…" instead of Play); the rest of the app is
unaffected.

The probe runs once per process and is cached. ``use_importer`` is the seam tests use to make
it fail (or to restore the real one); nothing else should call it.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QUrl

if TYPE_CHECKING:  # types only: importing the module for real is what may fail
    from PySide6.QtMultimedia import QMediaPlayer, QSoundEffect

log = logging.getLogger(__name__)
MODULE = "PySide6.QtMultimedia"
CTX = "media"

# Libraries QtMultimedia links against whose absence has a plain name.
_KNOWN_LIBRARIES = {
    "pulse": "the audio library libpulse (PulseAudio)",
    "asound": "the audio library libasound (ALSA)",
    "pipewire-0.3": "the audio library libpipewire",
}
_MISSING_SO = re.compile(r"\blib([\w.+-]+?)\.so(?:\.\d+)*: cannot open shared object file")
_MISSING_DYLIB = re.compile(r"Library not loaded: \S*?([\w.+-]+\.(?:dylib|framework))")


def tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def _import_multimedia() -> ModuleType:
    return importlib.import_module(MODULE)


_importer: Callable[[], ModuleType] = _import_multimedia
_module: ModuleType | None = None
_problem: str | None = None
_probed = False


def plain_reason(exc: BaseException) -> str:
    """Why QtMultimedia did not load, in the user's words (the raw error goes to the log)."""
    text = str(exc)
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith(MODULE):
        return tr("Qt's multimedia module is not installed")
    if match := _MISSING_SO.search(text):
        name = match.group(1)
        known = _KNOWN_LIBRARIES.get(name)
        if known is not None:
            return tr("{library} is not installed").format(library=tr(known))
        return tr("the system library lib{name} is not installed").format(name=name)
    if match := _MISSING_DYLIB.search(text):
        return tr("the system library {name} is missing").format(name=match.group(1))
    if "DLL load failed" in text:
        return tr("a library Qt's multimedia module needs is missing")
    return tr("Qt's multimedia module could not be loaded")


def multimedia_problem() -> str | None:
    """None when QtMultimedia loads on this computer; otherwise why not, in plain words.

    Probed once (the first call imports the module) and cached for the process."""
    global _module, _problem, _probed
    if not _probed:
        _probed = True
        try:
            _module = _importer()
        except (ImportError, OSError) as exc:
            _problem = plain_reason(exc)
            log.info("QtMultimedia is unavailable (%s): %s", _problem, exc)
    return _problem


_playback: str | None = None
_playback_probed = False


def playback_problem() -> str | None:
    """None when a recording can be played here; otherwise why not. Beyond the module, a
    player needs a media backend (Qt's FFmpeg plugin): without one QSoundEffect still
    works but QMediaPlayer plays nothing, so the recording offers Save instead of Play."""
    global _playback, _playback_probed
    problem = multimedia_problem()
    if problem is not None or _module is None:
        return problem
    if not _playback_probed:
        _playback_probed = True
        try:
            fmt = _module.QMediaFormat
            if not fmt().supportedFileFormats(fmt.ConversionMode.Decode):
                _playback = tr("no media player backend is available on this computer")
                log.info("QtMultimedia has no media backend: recordings cannot be played")
        except Exception:  # a probe must never break the screen: assume it plays
            log.exception("probing QtMultimedia's media backend failed")
    return _playback


def use_importer(importer: Callable[[], ModuleType] | None) -> None:
    """Tests' seam: probe with ``importer`` from now on (None: the real import), uncached."""
    global _importer, _module, _problem, _probed, _playback, _playback_probed
    _importer = importer if importer is not None else _import_multimedia
    _module, _problem, _probed = None, None, False
    _playback, _playback_probed = None, False


class MultimediaUnavailable(RuntimeError):
    """A factory was called although ``multimedia_problem()`` says why it cannot work."""


def _multimedia() -> ModuleType:
    problem = multimedia_problem()
    if problem is not None or _module is None:
        raise MultimediaUnavailable(problem or "QtMultimedia did not load")
    return _module


def audio_output_problem() -> str | None:
    """None when a sound can be played now; otherwise why not (no QtMultimedia, or no audio
    output device: a headless or muted machine). Asked at the moment of playing, because
    devices come and go."""
    problem = multimedia_problem()
    if problem is not None:
        return problem
    if not _multimedia().QMediaDevices.audioOutputs():
        return tr("no audio output device was found")
    return None


def media_player(parent: QObject) -> QMediaPlayer:
    """A QMediaPlayer with its audio output attached (kept alive as the player's child)."""
    mm = _multimedia()
    player: QMediaPlayer = mm.QMediaPlayer(parent)
    player.setAudioOutput(mm.QAudioOutput(player))
    return player


def sound_effect(path: Path, parent: QObject, volume: float = 0.6) -> QSoundEffect:
    """A QSoundEffect loading ``path``; only where ``audio_output_problem()`` is None (without
    an output device QSoundEffect fails to decode and warns)."""
    effect: QSoundEffect = _multimedia().QSoundEffect(parent)
    effect.setSource(QUrl.fromLocalFile(str(path)))
    effect.setVolume(volume)
    return effect
