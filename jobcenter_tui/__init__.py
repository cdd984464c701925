"""jobcenter: a terminal case-management console for American Job Center staff."""

__version__ = "0.1.0"
