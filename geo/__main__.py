import sys

from geo.faces.cli import main

sys.exit(main())
