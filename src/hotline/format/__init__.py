"""The circular's format, declared by staff in data/format.toml: what a place's circular looks like, as data."""
