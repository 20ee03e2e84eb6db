#!/bin/sh
# Adds Milo Desktop to the desktop's application menu for this user (no root): writes
# ~/.local/share/applications/milo-desktop.desktop pointing at the folder this script is in.
# Run it again after moving the folder; delete that file to remove the menu entry.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
mkdir -p "$apps"
sed "s|@APPDIR@|$here|g" "$here/milo-desktop.desktop" > "$apps/milo-desktop.desktop"
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database "$apps" || true
fi
echo "Milo Desktop added to the application menu ($apps/milo-desktop.desktop)"
