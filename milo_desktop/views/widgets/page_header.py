"""The pieces every screen's header shares: its title and its tab bar of filters; and the
title and muted hint of a section within a page (the wizards' pages)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabBar, QWidget


def page_title(text: str, parent: QWidget) -> QLabel:
    """The screen's title (styled by the theme's #pageTitle rule)."""
    title = QLabel(text, parent)
    title.setObjectName("pageTitle")
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    title.setFont(font)
    return title


def filter_tabs(titles: dict[str, str], parent: QWidget) -> QTabBar:
    """A flat tab bar whose tabs carry their key as tab data ("active", "live", …)."""
    tabs = QTabBar(parent)
    tabs.setDrawBase(False)
    tabs.setExpanding(False)
    for key, text in titles.items():
        tabs.setTabData(tabs.addTab(text), key)
    return tabs


def section_title(text: str, parent: QWidget) -> QLabel:
    """A section's bold title, a quarter larger than the text."""
    label = QLabel(text, parent)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    label.setFont(font)
    return label


def hint(text: str, parent: QWidget) -> QLabel:
    """A muted, wrapped line that explains the fields under it."""
    label = QLabel(text, parent)
    label.setProperty("muted", True)
    label.setWordWrap(True)
    return label
