from nhilint.cli import main

raise SystemExit(main())
