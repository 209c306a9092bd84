from relterm.cli import main

main()
