"""``keystore-cli`` subcommands: each module has ``register(subparsers)``."""
