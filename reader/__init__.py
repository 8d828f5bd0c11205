"""An accessible news reader and syndication feed server for file-based article stores."""

__version__ = "0.1.0"
