"""The one outbound fetcher every source uses: a core service, so sources import it."""
