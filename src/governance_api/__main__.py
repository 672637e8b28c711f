from governance_api.cli import main

main()
