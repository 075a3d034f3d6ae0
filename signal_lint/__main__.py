from signal_lint.cli import run

run()
