from signal_lint.cli import main

raise SystemExit(main())
