"""Whole screens: the main screen, the help screen, and views registered in relterm.tui.commands.VIEWS."""
