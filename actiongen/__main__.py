from actiongen.cli import entry

entry()
