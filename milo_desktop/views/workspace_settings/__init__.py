"""Workspace → Settings: Account (brand, candidate page, company information), AI defaults
and Privacy."""

from milo_desktop.views.workspace_settings.section import SettingsSection

__all__ = ["SettingsSection"]
