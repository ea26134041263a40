"""The planning rules: each a function of (case state, now) that says what to queue or
cancel, testable in a table with a fixed clock."""
