"""Settings, one module per purpose: `base` for the app (everything from the environment, with
safe development defaults; production refuses to start without a secret key), `test` for the
test suite."""
