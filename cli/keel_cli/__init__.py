"""The `keel` command line: a thin layer of commands over the generated keel-client SDK."""
