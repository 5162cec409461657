# Open Lima — the two commands of the README, plus helpers.
.PHONY: run test lint format migrations-check messages bench restore-drill

run:          ## Run the portal (web + Celery worker + beat), embedded default unless env says otherwise
	bash scripts/run.sh

test:         ## Run the whole test suite (browser tests skip without Chromium; PG-only tests without PostgreSQL)
	bash scripts/test.sh $(ARGS)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

migrations-check:
	.venv/bin/python manage.py makemigrations --check --dry-run

messages:     ## Update and compile the English catalogues of every app
	bash scripts/messages.sh

bench:       ## Benchmark on PostgreSQL (db ol_bench): make bench ARGS="--only core --duration 20"
	.venv/bin/python bench/run.py $(ARGS)

restore-drill: ## Back up, restore into a fresh DB and bucket, check: make restore-drill ARGS="--recovery-key-file KEY"
	.venv/bin/python manage.py restore_drill $(ARGS)
