from jobcenter_tui.cli import main

main()
