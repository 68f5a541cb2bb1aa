#!/usr/bin/env python
"""Django's entry point; `sellersync` (the console script) does the same."""

from sellersync.cli import main

if __name__ == "__main__":
    main()
