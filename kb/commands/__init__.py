"""Sub-commands of `kb`: every module here has `register(subparsers)`."""
