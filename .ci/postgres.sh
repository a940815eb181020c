# Sourced by .ci/run: install and start a throwaway PostgreSQL, export its URL.
# Filled in by the store work (issue 3).
return 1
