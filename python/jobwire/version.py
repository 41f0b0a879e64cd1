"""The package version: the one place it is written (the build backend reads it here)."""
__version__ = "0.1.0"
USER_AGENT = f"jobwire-python/{__version__}"
