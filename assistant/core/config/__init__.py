"""The person's settings: typed values with defaults, stored as JSON, and an observer so that every
view that shows a setting follows its changes by itself."""
