"""One run/progress model for every long job: scrape, import, re-tag, rebuild."""
