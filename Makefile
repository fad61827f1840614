# The two commands of the README, plus helpers. All set-up happens in scripts/neuvokas.sh.
.PHONY: run test train bench clean
run:
	scripts/neuvokas.sh run
test:
	scripts/neuvokas.sh test
bench:
	scripts/neuvokas.sh bench
train:
	scripts/neuvokas.sh train
clean:
	rm -rf .venv models var tests/output .pytest_cache
