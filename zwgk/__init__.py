"""zwgk: Chinese government disclosure portals to clean, versioned, queryable data."""
