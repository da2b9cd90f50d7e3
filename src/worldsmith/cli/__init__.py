"""The ``worldsmith`` command: parse arguments, call one library function, map errors to exit codes."""
