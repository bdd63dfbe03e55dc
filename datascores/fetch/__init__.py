"""The one outbound fetcher every source uses (core service: sources import it, never the reverse)."""
