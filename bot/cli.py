"""Command line."""
def main() -> None:
    pass
