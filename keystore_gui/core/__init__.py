"""The headless core: domain model, codecs and operations. Never imports Qt."""
