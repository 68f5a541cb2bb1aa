"""`python -m sellersync.sandbox`: run the local SP-API."""

from sellersync.sandbox.server import main

main()
