"""Allow ``python -m gxsearch``."""

from gxsearch.cli import main

if __name__ == "__main__":
    main()
