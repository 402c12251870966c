from kwapp.cli import main

raise SystemExit(main())
