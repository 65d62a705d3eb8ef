"""The domain: the model and its rules (locate, coverage, hours, GUP routing). Pure: no file, network or page."""
