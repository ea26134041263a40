from sigbot.cli import main

main()
