"""The lots engine: what a coordinator does between network meetings, as rules over rows."""
