"""The bodies of the larger ``kb`` subcommands, one module each; ``kb/cli.py`` only wires them."""
