"""The demo: a sample corpus of fictional FOI-style documents the project authors itself."""
