"""reader: an offline desktop reference reader for a folder of policy news articles."""

__version__ = "0.1.0"
