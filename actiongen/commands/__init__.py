"""One module per subcommand, each with ``add_parser`` and a ``run`` it binds."""
