"""The Azure adapter's parts: the built-in role catalog (:mod:`.catalog`)."""
