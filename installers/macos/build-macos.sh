#!/usr/bin/env bash
# Builds, signs, notarises and staples dist/milo-desktop-<version>-macos.dmg on a Mac
# (installers/README.md, macOS). Needs Python 3.11+ with `pip install -e ".[build]"` and the
# Xcode command line tools (codesign, hdiutil, xcrun notarytool, xcrun stapler).
#
# From the environment only (never in the repository):
#   MILO_MACOS_SIGN_IDENTITY   "Developer ID Application: Company (TEAMID)", in the keychain
#   and either
#   MILO_NOTARY_KEYCHAIN_PROFILE   a profile saved with `xcrun notarytool store-credentials`
#   or all three of
#   MILO_NOTARY_APPLE_ID, MILO_NOTARY_TEAM_ID, MILO_NOTARY_PASSWORD (an app-specific password)
#
# Run from anywhere: bash installers/macos/build-macos.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${MILO_MACOS_SIGN_IDENTITY:?set MILO_MACOS_SIGN_IDENTITY (installers/README.md)}"
if [ -n "${MILO_NOTARY_KEYCHAIN_PROFILE:-}" ]; then
  set -- --keychain-profile "$MILO_NOTARY_KEYCHAIN_PROFILE"
else
  : "${MILO_NOTARY_APPLE_ID:?set MILO_NOTARY_APPLE_ID or MILO_NOTARY_KEYCHAIN_PROFILE}"
  : "${MILO_NOTARY_TEAM_ID:?set MILO_NOTARY_TEAM_ID}"
  : "${MILO_NOTARY_PASSWORD:?set MILO_NOTARY_PASSWORD (an app-specific password)}"
  set -- --apple-id "$MILO_NOTARY_APPLE_ID" --team-id "$MILO_NOTARY_TEAM_ID" \
    --password "$MILO_NOTARY_PASSWORD"
fi

# 1. The .app (PyInstaller's BUNDLE: icon, bundle id com.milo.desktop, version), in budget.
python3 installers/build.py
version=$(python3 -c 'import sys; sys.path.insert(0, "installers"); from pathlib import Path; from licences import project_version; print(project_version(Path(".")))')
app="dist/Milo Desktop.app"
entitlements="installers/macos/entitlements.plist"
sign() {
  codesign --force --timestamp --options runtime --sign "$MILO_MACOS_SIGN_IDENTITY" "$@"
}

# 2. Sign inside out with the hardened runtime: every Mach-O file, then each framework, then
#    the app with its entitlements (--deep is not used: it signs in the wrong order).
find "$app/Contents" -type f -print0 | while IFS= read -r -d '' file; do
  if file -b "$file" | grep -q 'Mach-O'; then
    sign "$file"
  fi
done
find "$app/Contents" -type d -name '*.framework' -prune -print0 | while IFS= read -r -d '' fw; do
  sign "$fw"
done
sign --entitlements "$entitlements" "$app"
codesign --verify --deep --strict --verbose=2 "$app"

# 3. The DMG: the app and a link to /Applications to drag it to; signed too.
dmg="dist/milo-desktop-$version-macos.dmg"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "Milo Desktop" -srcfolder "$staging" -ov -format UDZO "$dmg"
codesign --force --timestamp --sign "$MILO_MACOS_SIGN_IDENTITY" "$dmg"

# 4. Notarise (waits for Apple's verdict; anything but Accepted stops here: read the log with
#    `xcrun notarytool log <id>`), then staple the ticket so Gatekeeper passes offline.
verdict=$(xcrun notarytool submit "$dmg" --wait "$@")
echo "$verdict"
if ! grep -q 'status: Accepted' <<<"$verdict"; then
  echo "notarisation was not accepted; see xcrun notarytool log <id>" >&2
  exit 1
fi
xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
spctl --assess --type open --context context:primary-signature --verbose "$dmg"
echo "$dmg"
