"""Qt widgets: thin views over core objects."""
