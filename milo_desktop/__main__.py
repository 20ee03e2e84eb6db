import sys

from milo_desktop.app import main

sys.exit(main())
