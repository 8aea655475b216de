from itcell.cli import main

main()
