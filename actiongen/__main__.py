from actiongen.cli import main

raise SystemExit(main())
