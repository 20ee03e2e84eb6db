"""Settings → Account's branding (``branding``) and Settings → AI defaults (``ai_defaults``).

Imported by module (authoring, outreach and the Settings section each need only one), so
this package pulls nothing in by itself."""
