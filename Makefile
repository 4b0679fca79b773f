.PHONY: run test ci bench
run:   ## set up and run the portal on real sample data
	bash scripts/run.sh
test:  ## run the test suite
	bash scripts/test.sh
ci:    ## what CI runs (PostgreSQL, Redis, real worker, corpus required)
	bash .ci/run
bench: ## ingest benchmark on the real corpus
	.venv/bin/python bench/ingest.py
