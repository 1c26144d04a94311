# The two commands of the README:
#   make run   - set up and serve the playground on http://127.0.0.1:8080
#   make test  - set up and run every test
.PHONY: run test setup dist

run: setup
	PATH="$(CURDIR)/node_modules/.bin:$$HOME/.cargo/bin:$$PATH" trunk serve

test:
	scripts/test.sh

setup:
	scripts/setup.sh

dist: setup
	scripts/build-site.sh
