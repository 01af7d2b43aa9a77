"""The GCP adapter's parts: the predefined-role catalog (:mod:`.catalog`)."""
